"""URLs of the ateliers (namespace "ateliers")."""

app_name = "ateliers"

urlpatterns = []
