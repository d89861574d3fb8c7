"""URLs of the ateliers (namespace "ateliers_public")."""

from django.urls import path

from ateliers.views import public, stats

app_name = "ateliers_public"

urlpatterns = [
    path("lieux/<uuid:uuid>.ics", public.flux_lieu, name="flux_lieu"),
    path("calendrier/", public.calendrier, name="calendrier"),
    path("calendrier/<slug:token>.ics", public.flux_mediateur, name="flux_mediateur"),
    path("statistiques/", stats.statistiques, name="statistiques"),
]
