"""URLs (namespace "diagnostics")."""

app_name = "diagnostics"

urlpatterns = []
