"""Espace pro URLs of the pass numérique, mounted under /pro/pass/ (namespace "pass")."""

from django.urls import path

from pass_numerique.views import carnets, delivrer, verifier

app_name = "pass"

urlpatterns = [
    path("", carnets.carnet_list, name="carnets"),
    path("carnets/<int:pk>/", carnets.carnet_detail, name="carnet_detail"),
    path(
        "carnets/<int:pk>/remettre/",
        carnets.carnet_action,
        {"action": "remettre"},
        name="carnet_remettre",
    ),
    path(
        "carnets/<int:pk>/bloquer/",
        carnets.carnet_action,
        {"action": "bloquer"},
        name="carnet_bloquer",
    ),
    path(
        "carnets/<int:pk>/annuler/",
        carnets.carnet_action,
        {"action": "annuler"},
        name="carnet_annuler",
    ),
    path("delivrer/", delivrer.choose_personne, name="delivrer"),
    path("delivrer/personne/<uuid:uuid>/", delivrer.confirm_personne, name="delivrer_personne"),
    path("delivrer/anonyme/", delivrer.confirm_anonyme, name="delivrer_anonyme"),
    path("verifier/", verifier.check_cheque, name="verifier"),
    path("verifier/lieu/", verifier.choose_lieu, name="choisir_lieu"),
    path("verifier/encaisser/", verifier.redeem, name="encaisser"),
]
