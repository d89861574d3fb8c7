"""The receiving side's pages in the espace pro (included by urls_orientations under
"recues/", namespace "orientations")."""

from django.urls import path

from mediation.views import orientations_recues as views

urlpatterns = [
    path("", views.orientations_received, name="recues"),
    path("<uuid:uuid>/", views.received_detail, name="recue"),
]
