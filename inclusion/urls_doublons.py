"""URLs (namespace "doublons")."""

from django.urls import path

from inclusion.views import doublons

app_name = "doublons"

urlpatterns = [
    path("", doublons.duplicate_list, name="liste"),
    path("<uuid:uuid>/<uuid:autre>/fusionner/", doublons.merge, name="fusionner"),
    path("<uuid:uuid>/<uuid:autre>/distinctes/", doublons.mark_distinct, name="distinctes"),
]
