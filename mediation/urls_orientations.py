"""URLs (namespace "orientations"), espace pro: what a structure sent (urls_orientations_envoi)
and what its places received (urls_orientations_recues)."""

from django.urls import include, path

from mediation import urls_orientations_envoi, urls_orientations_recues

app_name = "orientations"

urlpatterns = [
    path("recues/", include(urls_orientations_recues.urlpatterns)),
    path("", include(urls_orientations_envoi.urlpatterns)),
]
