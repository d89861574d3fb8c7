"""URLs (namespace "import_personnes"), mounted at /pro/import/."""

from django.urls import path

from inclusion.views import import_personnes as views

app_name = "import_personnes"

urlpatterns = [
    path("", views.upload, name="depot"),
    path("confirmer/", views.confirm, name="confirmation"),
    path("modele.csv", views.download_template, name="modele"),
]
