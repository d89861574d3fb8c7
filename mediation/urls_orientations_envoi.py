"""The sending side's pages (included by urls_orientations, namespace "orientations")."""

from django.urls import path

from mediation.views import orientations_envoi as views

urlpatterns = [
    path("", views.orientations_sent, name="envoyees"),
    path("personnes/<uuid:uuid>/", views.orientation_create, name="nouvelle"),
    path("<uuid:uuid>/", views.orientation_detail, name="detail"),
    # POST only (405 otherwise), then back to the detail with a message.
    path("<uuid:uuid>/annuler/", views.orientation_cancel, name="annuler"),
    path("<uuid:uuid>/relancer/", views.orientation_remind, name="relancer"),
]
