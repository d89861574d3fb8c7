"""The receiving side's pages in the espace pro (included by urls_orientations under
"recues/", namespace "orientations"). "recue" and its answers take the uuid of one place's copy
of the request (Destinataire), not the orientation's."""

from django.urls import path

from mediation.views import orientations_recues as views

urlpatterns = [
    path("", views.orientations_received, name="recues"),
    path("<uuid:uuid>/", views.received_detail, name="recue"),
    path("<uuid:uuid>/accepter/", views.accept_received, name="recue_accepter"),
    path("<uuid:uuid>/refuser/", views.refuse_received, name="recue_refuser"),
    path("<uuid:uuid>/corriger/", views.correct_received, name="recue_corriger"),
    path("<uuid:uuid>/deplacer/", views.move_received, name="recue_deplacer"),
    path("<uuid:uuid>/terminer/", views.finish_received, name="recue_terminer"),
]
