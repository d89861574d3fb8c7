"""URLs of the ateliers in the espace pro, under /pro/ateliers/ (namespace "ateliers")."""

from django.urls import path

from ateliers.views import inscriptions, sessions

app_name = "ateliers"

urlpatterns = [
    path("", sessions.mes_sessions, name="mes_sessions"),
    path("liste/", sessions.session_list, name="liste"),
    path("sessions/nouvelle/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/modifier/", sessions.session_update, name="session_update"),
    path("sessions/<int:pk>/annuler/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/feuille.pdf", sessions.feuille_view, name="feuille"),
    path("sessions/<int:pk>/inscrire/", inscriptions.register_to_session, name="inscrire_session"),
    path(
        "sessions/<int:pk>/inscrire/<uuid:uuid>/",
        inscriptions.confirm_inscription,
        name="inscrire_confirmer",
    ),
    path(
        "personnes/<uuid:uuid>/inscrire/",
        inscriptions.register_personne,
        name="inscrire_personne",
    ),
    path("inscriptions/<int:pk>/", inscriptions.inscription_resultat, name="inscription_resultat"),
    path(
        "inscriptions/<int:pk>/annuler/",
        inscriptions.inscription_annuler,
        name="inscription_annuler",
    ),
]
