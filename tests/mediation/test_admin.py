"""The coordinators' "Kiosque" admin menu: devices (the activation link shown once) and PINs."""

import re

import pytest
from django.contrib.auth.hashers import check_password

from inclusion.enums import Role
from inclusion.models import Journal
from inclusion.services.territoire import sync_groups
from mediation.models import BorneKiosque, CodePin
from tests.inclusion.factories import LieuFactory, StructureFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def coord_client(client):
    user = member(Role.COORDINATEUR)
    sync_groups(user)
    client.force_login(user)
    client.user = user
    return client


def test_lists_for_coordinators_only(coord_client, client):
    for url in ("/admin/kiosque-appareils/", "/admin/kiosque-codes-pin/"):
        assert coord_client.get(url).status_code == 200
    volontaire = member(Role.VOLONTAIRE)
    from django.test import Client

    other = Client()
    other.force_login(volontaire)
    assert other.get("/admin/kiosque-appareils/").status_code in (302, 403)


def test_register_a_device_shows_the_link_once(coord_client):
    lieu = LieuFactory()
    response = coord_client.post(
        "/admin/kiosque-appareils/new/",
        {"lieu": lieu.pk, "libelle": "Tablette de l'accueil", "actif": "on"},
        follow=True,
    )
    assert response.status_code == 200
    borne = BorneKiosque.objects.get()
    assert borne.structure == lieu.structure and borne.cree_par == coord_client.user
    text = response.content.decode()
    match = re.search(r"/kiosque/activer/([\w-]+)/", text)
    assert match, "the activation link is shown"
    assert coord_client.get("/admin/kiosque-appareils/").content.decode().count(match.group(1)) == 0
    assert Journal.objects.filter(action="kiosque.appareil.creation").exists()


def test_set_a_pin(coord_client):
    structure = StructureFactory()
    volontaire = member(Role.VOLONTAIRE, structure=structure)
    data = {"user": volontaire.pk, "structure": structure.pk, "pin": "1111"}
    response = coord_client.post("/admin/kiosque-codes-pin/new/", data)
    assert response.status_code == 200 and "trop facile" in response.content.decode()
    data["pin"] = "4826"
    response = coord_client.post("/admin/kiosque-codes-pin/new/", data)
    assert response.status_code == 302
    code = CodePin.objects.get()
    assert check_password("4826", code.pin_hash) and "4826" not in code.pin_hash
    line = Journal.objects.get(action="kiosque.pin.definition")
    assert line.details == {"utilisateur": volontaire.pk}
    # Editing without a PIN keeps it.
    response = coord_client.post(
        f"/admin/kiosque-codes-pin/edit/{code.pk}/",
        {"user": volontaire.pk, "structure": structure.pk, "pin": ""},
    )
    assert response.status_code == 302
    code.refresh_from_db()
    assert check_password("4826", code.pin_hash)


def test_pin_refused_for_someone_outside_the_structure(coord_client):
    volontaire = member(Role.VOLONTAIRE)
    response = coord_client.post(
        "/admin/kiosque-codes-pin/new/",
        {"user": volontaire.pk, "structure": StructureFactory().pk, "pin": "4826"},
    )
    assert response.status_code == 200
    assert "rattachez-la" in response.content.decode()
    assert not CodePin.objects.exists()


def test_devices_and_pins_are_written_by_their_services(coord_client, monkeypatch):
    """The admin calls bornes.register_borne and bornes.set_pin (their journal lines, their
    checks), as every other door does (issue 13)."""
    from mediation.services import bornes

    lieu = LieuFactory()
    response = coord_client.post(
        "/admin/kiosque-appareils/new/", {"lieu": lieu.pk, "libelle": "Tablette"}
    )
    assert response.status_code == 302
    borne = BorneKiosque.objects.get()
    assert borne.actif and borne.cree_par == coord_client.user
    line = Journal.objects.get(action="kiosque.appareil.creation")
    assert line.details == {"lieu": lieu.pk}  # the service's line, and only one
    structure = StructureFactory()
    volontaire = member(Role.VOLONTAIRE, structure=structure)
    calls = []
    real = bornes.set_pin
    monkeypatch.setattr(bornes, "set_pin", lambda **kw: calls.append(kw) or real(**kw))
    data = {"user": volontaire.pk, "structure": structure.pk, "pin": "4826"}
    assert coord_client.post("/admin/kiosque-codes-pin/new/", data).status_code == 302
    code = CodePin.objects.get()
    assert [c["user"] for c in calls] == [volontaire]
    # Edited without a PIN: nothing changes, nothing is journalised.
    url = f"/admin/kiosque-codes-pin/edit/{code.pk}/"
    assert coord_client.post(url, {"pin": ""}).status_code == 302
    assert Journal.objects.filter(action="kiosque.pin.definition").count() == 1
    # Edited with a new PIN: the service replaces it (same person, same structure).
    assert coord_client.post(url, {"pin": "5937"}).status_code == 302
    code.refresh_from_db()
    assert check_password("5937", code.pin_hash)
    assert (code.user, code.structure) == (volontaire, structure)
    assert Journal.objects.filter(action="kiosque.pin.definition").count() == 2
    assert len(calls) == 2
