"""URLs (namespace "activites")."""

app_name = "activites"

urlpatterns = []
