"""The socle's confined sessions (inclusion/session_scope.py), whoever confines them."""

import pytest
from django.test import Client

from inclusion import session_scope
from inclusion.enums import Role
from inclusion.models import Journal
from tests.inclusion.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def confined_client(prefixe="/pro/ateliers/"):
    client = Client()
    client.force_login(member(Role.MEDIATEUR))
    session = client.session
    session[session_scope.CLE] = {
        "prefixe": prefixe,
        "retour": "/pro/connexion/",
        "action": "essai.hors_portee",
        "message": "",
    }
    session.save()
    return client


def test_a_confined_session_ends_outside_its_prefix():
    client = confined_client()
    assert client.get("/pro/ateliers/").status_code == 200
    response = client.get("/pro/beneficiaires/")
    assert response.status_code == 302 and response["Location"] == "/pro/connexion/"
    assert "_auth_user_id" not in client.session
    assert Journal.objects.get(action="essai.hors_portee").details == {"espace": "pro"}
