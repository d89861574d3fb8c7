"""URLs (namespace "donnees_personnelles"): the public page "Vos données personnelles". Issue 18."""

from django.urls import path

from inclusion.views import donnees_publiques

app_name = "donnees_personnelles"

urlpatterns = [
    path("", donnees_publiques.page, name="page"),
]
