"""URLs (namespace "donnees_personnelles"): the public page "Vos données personnelles". Issue 18."""

app_name = "donnees_personnelles"

urlpatterns = []
