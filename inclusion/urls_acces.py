"""URLs (namespace "acces_donnees"): the access document of a person's data (page, PDF,
JSON). Issue 18."""

from django.urls import path

from inclusion.views import acces

app_name = "acces_donnees"

urlpatterns = [
    path("<uuid:uuid>/", acces.apercu, name="apercu"),
    path("<uuid:uuid>/pdf/", acces.pdf, name="pdf"),
    path("<uuid:uuid>/json/", acces.json_view, name="json"),
]
