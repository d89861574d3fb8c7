"""URLs (namespace "opendata"): the territory's open data, stable addresses for a national
portal. The file paths never change: portals and tools link to them."""

from django.urls import path

from mediation.views import opendata as views

app_name = "opendata"

urlpatterns = [
    path("", views.list_datasets, name="jeux"),
    path("catalogue.json", views.export_catalogue, name="catalogue"),
    path("lieux.csv", views.export_lieux_csv, name="lieux_csv"),
    path("lieux.json", views.export_lieux_json, name="lieux_json"),
    path("data-inclusion/structures.json", views.export_structures, name="di_structures"),
    path("data-inclusion/services.json", views.export_services, name="di_services"),
    path("ateliers.json", views.export_ateliers_json, name="ateliers_json"),
    path("ateliers.ics", views.export_ateliers_ics, name="ateliers_ics"),
]
