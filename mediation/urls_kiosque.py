"""The kiosk for volontaires (/kiosque/)."""

from django.urls import path

from mediation.views import acces, diagnostic_kiosque, parcours, rappels

app_name = "kiosque"

urlpatterns = [
    path("", parcours.accueil, name="accueil"),
    path("connexion/", acces.connexion, name="connexion"),
    path("lieu/", acces.choose_lieu, name="choisir_lieu"),
    path("activer/<str:jeton>/", acces.activate, name="activer"),
    path("fin/", acces.end_service, name="terminer"),
    path("recommencer/", parcours.start_over, name="recommencer"),
    path("pass/", parcours.check_pass, name="pass"),
    path("ateliers/", parcours.ateliers, name="ateliers"),
    path("ateliers/<int:pk>/", parcours.atelier, name="atelier"),
    path("ateliers/<int:pk>/inscrire/", parcours.register, name="inscrire"),
    path("ateliers/inscription/", parcours.inscription_faite, name="inscription_faite"),
    path("lieux/", parcours.lieux, name="lieux"),
    path("lieux/<uuid:uuid>/", parcours.lieu, name="lieu"),
    path("rappel/", rappels.rappel, name="rappel"),
    path("rappel/sms/", rappels.rappel_sms, name="rappel_sms"),
    path("ticket/atelier/<int:pk>/", rappels.ticket_atelier, name="ticket_atelier"),
    path("ticket/lieu/<uuid:uuid>/", rappels.ticket_lieu, name="ticket_lieu"),
    path("diagnostic/", diagnostic_kiosque.diagnostic, name="diagnostic"),
]
