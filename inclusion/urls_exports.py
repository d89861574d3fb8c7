"""URLs (namespace "exports")."""

app_name = "exports"

urlpatterns = []
