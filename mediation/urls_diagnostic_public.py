"""URLs (namespace "diagnostic_public")."""

app_name = "diagnostic_public"

urlpatterns = []
