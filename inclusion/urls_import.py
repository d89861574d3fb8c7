"""URLs (namespace "import_personnes")."""

app_name = "import_personnes"

urlpatterns = []
