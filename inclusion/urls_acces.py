"""URLs (namespace "acces_donnees"): the access document of a person's data (PDF and JSON). Issue 18."""

app_name = "acces_donnees"

urlpatterns = []
