"""URLs of the ateliers (namespace "ateliers_public")."""

app_name = "ateliers_public"

urlpatterns = []
