"""URLs (namespace "opendata"): the territory's open data, stable addresses for a national
portal. The file paths never change: portals and tools link to them."""

from django.urls import path

from inclusion.db_router import replica_view
from mediation.views import opendata as views

# Read-only: read from the replica when there is one, streamed files included.
app_name = "opendata"

urlpatterns = [
    path("", replica_view(views.list_datasets), name="jeux"),
    path("catalogue.json", replica_view(views.export_catalogue), name="catalogue"),
    path("lieux.csv", replica_view(views.export_lieux_csv), name="lieux_csv"),
    path("lieux.json", replica_view(views.export_lieux_json), name="lieux_json"),
    path(
        "data-inclusion/structures.json",
        replica_view(views.export_structures),
        name="di_structures",
    ),
    path("data-inclusion/services.json", replica_view(views.export_services), name="di_services"),
    path("ateliers.json", replica_view(views.export_ateliers_json), name="ateliers_json"),
    path("ateliers.ics", replica_view(views.export_ateliers_ics), name="ateliers_ics"),
]
