"""URLs of the ateliers (namespace "emargement")."""

app_name = "emargement"

urlpatterns = []
