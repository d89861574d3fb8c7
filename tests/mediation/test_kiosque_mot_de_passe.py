"""A new password (forgotten-password link) ends the kiosk sessions of the account too: the
kiosk signs in with Django's login(), so its session carries the password's hash."""

import pytest
from django.test import Client

from inclusion.enums import Role
from inclusion.services import comptes
from mediation.services import bornes
from tests.inclusion.factories import member
from tests.mediation.factories import PIN, device_cookie, setup_kiosque

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_kiosk_pin_and_password_sessions_end_with_a_new_password():
    ctx = setup_kiosque()
    mediateur = member(Role.MEDIATEUR, structure=ctx["structure"])
    bornes.set_pin(acteur=ctx["coordinateur"], user=mediateur, structure=ctx["structure"], pin=PIN)
    par_pin = device_cookie(Client(), ctx)
    reponse = par_pin.post("/kiosque/connexion/", {"email": mediateur.email, "secret": PIN})
    assert reponse["Location"] == "/kiosque/"
    espace_pro = Client()
    espace_pro.force_login(mediateur)
    assert par_pin.get("/kiosque/").status_code == 200
    assert espace_pro.get("/pro/").status_code == 200

    comptes.set_new_password(user=mediateur, password="un mot de passe tout neuf")

    assert par_pin.get("/kiosque/")["Location"].startswith("/kiosque/connexion/")
    assert espace_pro.get("/pro/")["Location"].startswith("/pro/connexion/")
