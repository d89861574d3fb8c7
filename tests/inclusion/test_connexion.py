"""Sign-in lockout (issue 12): the e-mail's case does not open a new account, addresses behind
a trusted proxy are told apart, and a stranger failing from elsewhere locks a colleague out only
briefly. django-axes is off in the test settings: these tests turn it on."""

import datetime

import pytest
import time_machine
from django.test import Client, override_settings

from inclusion.client_ip import client_ip
from inclusion.enums import Role
from inclusion.verrouillage import fenetre_compte, limite_compte, nom_de_compte
from tests.inclusion.factories import member
from tests.mediation.factories import setup_kiosque

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]

PASSWORD = "mot-de-passe-test-123"
DEBUT = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)
PROXY = "10.0.0.1"


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.fixture
def mediateur():
    return member(Role.MEDIATEUR, email="camille.martin@mairie.example")


def pro_login(client, email, password, **meta):
    return client.post("/pro/connexion/", {"username": email, "password": password}, **meta)


def via_proxy(address):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/pro/"


def test_changing_the_case_is_not_a_new_account(mediateur):
    client = Client()
    for _ in range(4):
        assert pro_login(client, mediateur.email, "faux").status_code == 200
    assert pro_login(client, mediateur.email, "faux").status_code == 429  # the 5th locks
    response = pro_login(client, "Camille.Martin@Mairie.example", PASSWORD)
    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()
    response = pro_login(client, " CAMILLE.MARTIN@MAIRIE.EXAMPLE ", PASSWORD)
    assert response.status_code == 429


def test_the_kiosk_password_sign_in_too(mediateur):
    client = Client()
    url = "/kiosque/connexion/"
    for email in ["camille.martin@mairie.example", "CAMILLE.martin@mairie.example"] * 3:
        client.post(url, {"email": email, "secret": "faux-mot-de-passe"})
    response = client.post(url, {"email": "Camille.Martin@mairie.example", "secret": PASSWORD})
    assert response.status_code == 429


def test_the_pin_sign_in_is_unchanged(mediateur):
    """The PIN has its own counters (mediation.services.bornes), not axes'."""
    ctx = setup_kiosque()
    from tests.mediation.factories import PIN, device_cookie

    client = device_cookie(Client(), ctx)
    response = client.post("/kiosque/connexion/", {"email": ctx["volontaire"].email, "secret": PIN})
    assert response.status_code == 302


@override_settings(INCLUSION_TRUSTED_PROXIES=[PROXY])
def test_two_addresses_behind_the_proxy_are_counted_apart(mediateur):
    attacker, colleague = Client(), Client()
    for _ in range(5):
        pro_login(attacker, mediateur.email, "faux", **via_proxy("203.0.113.7"))
    assert (
        pro_login(attacker, mediateur.email, PASSWORD, **via_proxy("203.0.113.7")).status_code
        == 429
    )
    assert signed_in(pro_login(colleague, mediateur.email, PASSWORD, **via_proxy("198.51.100.4")))


def test_without_a_trusted_proxy_the_header_is_ignored(rf):
    request = rf.post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == PROXY
    with override_settings(INCLUSION_TRUSTED_PROXIES=[PROXY]):
        assert client_ip(request) == "203.0.113.7"


@override_settings(INCLUSION_TRUSTED_PROXIES=[PROXY])
def test_a_stranger_from_elsewhere_locks_a_colleague_out_only_briefly(mediateur):
    stranger, colleague = Client(), Client()
    here = via_proxy("198.51.100.4")
    with time_machine.travel(DEBUT, tick=False) as traveller:
        # 4 failures from each of 5 addresses: no address reaches its own limit of 5.
        for i in range(limite_compte() // 4):
            for _ in range(4):
                pro_login(stranger, mediateur.email, "faux", **via_proxy(f"203.0.113.{i}"))
        # The account as a whole is locked, even from the colleague's own address…
        assert pro_login(colleague, mediateur.email, PASSWORD, **here).status_code == 429
        # …for a few minutes only once the stranger stops.
        traveller.shift(fenetre_compte() + datetime.timedelta(seconds=1))
        assert signed_in(pro_login(colleague, mediateur.email, PASSWORD, **here))


@override_settings(INCLUSION_TRUSTED_PROXIES=[PROXY])
def test_below_the_account_limit_nobody_else_is_locked(mediateur):
    stranger, colleague = Client(), Client()
    for i in range(3):
        for _ in range(5):
            pro_login(stranger, mediateur.email, "faux", **via_proxy(f"203.0.113.{i}"))
    assert signed_in(pro_login(colleague, mediateur.email, PASSWORD, **via_proxy("198.51.100.4")))


def test_the_account_name_is_the_lower_case_e_mail(rf):
    assert nom_de_compte(rf.get("/"), {"username": " A.B@X.FR "}) == "a.b@x.fr"
    assert nom_de_compte(rf.post("/", {"email": "C@X.FR"})) == "c@x.fr"
    assert nom_de_compte(rf.post("/", {})) is None
