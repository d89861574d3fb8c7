"""A session opened at the kiosk is a kiosk session (issue 12): it reaches /kiosque/ only, any
other URL ends it (journalised); an idle kiosk is cleared, then signed out, by the server."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Journal
from inclusion.services import territoire
from inclusion.session_scope import CLE as CLE_PORTEE
from mediation.services import bornes, etat
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.mediation.factories import (
    PIN,
    device_cookie,
    future_session,
    pass_codes,
    setup_kiosque,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

PASSWORD = "mot-de-passe-test-123"
DEBUT = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)

OUTSIDE = [
    "/pro/",
    "/pro/beneficiaires/",
    "/pro/pass/verifier/",
    "/pro/ateliers/",
    "/admin/",
    "/ateliers/calendrier/",
    "/sms/stop/jeton/",
    "/",
]


@pytest.fixture
def ctx():
    ctx = setup_kiosque()
    ctx["mediateur"] = member(Role.MEDIATEUR, structure=ctx["structure"])
    bornes.set_pin(
        acteur=ctx["coordinateur"], user=ctx["mediateur"], structure=ctx["structure"], pin="7391"
    )
    return ctx


def pin_client(ctx, user, pin):
    client = device_cookie(Client(), ctx)
    response = client.post("/kiosque/connexion/", {"email": user.email, "secret": pin})
    assert response.status_code == 302 and response["Location"] == "/kiosque/"
    return client


def assert_signed_out_to_the_kiosk(client, response):
    assert response.status_code == 302
    assert response["Location"] == "/kiosque/connexion/"
    assert "_auth_user_id" not in client.session
    assert client.get("/kiosque/")["Location"].startswith("/kiosque/connexion/")


@pytest.mark.parametrize("url", OUTSIDE)
def test_a_pin_session_reaches_nothing_but_the_kiosk(ctx, url):
    BeneficiaireFactory(structure=ctx["structure"])
    client = pin_client(ctx, ctx["mediateur"], "7391")
    assert client.get("/kiosque/").status_code == 200
    response = client.get(url)
    assert_signed_out_to_the_kiosk(client, response)
    line = Journal.objects.get(action="kiosque.session.hors_kiosque")
    assert line.acteur == ctx["mediateur"]
    assert line.details == {"espace": url.strip("/").split("/")[0]}


def test_a_post_elsewhere_is_refused_too(ctx):
    client = pin_client(ctx, ctx["mediateur"], "7391")
    response = client.post("/pro/pass/verifier/", {"code": "ABCD-EFGH"})
    assert_signed_out_to_the_kiosk(client, response)


def test_a_coordinator_with_a_pin_never_reaches_the_admin(ctx):
    territoire.add_membership(
        user=ctx["mediateur"], structure=ctx["structure"], role=Role.COORDINATEUR
    )
    pro = Client()  # the same person, signed in at the espace pro, opens the admin
    pro.force_login(ctx["mediateur"])
    assert pro.get("/admin/").status_code == 200
    client = pin_client(ctx, ctx["mediateur"], "7391")
    response = client.get("/admin/")
    assert_signed_out_to_the_kiosk(client, response)


def test_a_password_sign_in_at_the_kiosk_is_confined_too(ctx):
    client = Client()
    response = client.post(
        "/kiosque/connexion/", {"email": ctx["mediateur"].email, "secret": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[CLE_PORTEE]["prefixe"] == "/kiosque/"
    assert_signed_out_to_the_kiosk(client, client.get("/pro/beneficiaires/"))
    assert Journal.objects.filter(action="kiosque.session.hors_kiosque").count() == 1


def test_the_sign_in_page_says_why(ctx):
    client = pin_client(ctx, ctx["volontaire"], PIN)
    page = client.get("/pro/", follow=True).content.decode().replace("&#x27;", "'")
    assert "Le kiosque ouvre seulement les pages du kiosque" in page
    assert "Connexion au kiosque" in page


def test_what_kiosk_pages_load_is_allowed(ctx):
    client = pin_client(ctx, ctx["volontaire"], PIN)
    for url in ["/kiosque/pass/", "/kiosque/ateliers/", "/kiosque/lieux/", "/kiosque/rappel/"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/sante/").status_code == 200
    assert client.get("/habillage.css").status_code == 200
    # A browser's own requests that no view answers do not end the shift.
    assert client.get("/favicon.ico").status_code == 404
    assert client.get("/apple-touch-icon.png").status_code == 404
    assert client.get("/static/mediation/kiosque.js").status_code in (200, 404)
    assert "_auth_user_id" in client.session
    assert client.get("/kiosque/").status_code == 200
    assert not Journal.objects.filter(action="kiosque.session.hors_kiosque").exists()


def test_no_link_out_of_a_confined_kiosk(ctx):
    """The "Encaisser dans l'espace pro" link is for a médiateur's own pro session only."""
    ctx["lieu"].qualifie_pass = True
    ctx["lieu"].qualifie_le = timezone.localdate()
    ctx["lieu"].save()
    _, cheques, _ = pass_codes()
    client = pin_client(ctx, ctx["mediateur"], "7391")
    page = client.post("/kiosque/pass/", {"code": cheques[0]}).content.decode()
    assert "/pro/pass/verifier/" not in page
    free = Client()  # the same médiateur in their own pro session sees it
    free.force_login(ctx["mediateur"])
    free.get("/kiosque/connexion/")
    assert (
        "/pro/pass/verifier/" in free.post("/kiosque/pass/", {"code": cheques[1]}).content.decode()
    )


def test_no_redemption_at_the_kiosk_of_a_place_that_is_not_actif(ctx):
    """The kiosk asks pass_numerique's own rule (can_redeem): a closed place (actif=False)
    redeems nothing, even qualified, even for a médiateur of its structure."""
    from django.test import RequestFactory

    from mediation.views.common import Kiosque
    from mediation.views.parcours import _can_redeem_in_espace_pro

    with time_machine.travel(DEBUT, tick=False):
        lieu = ctx["lieu"]
        lieu.qualifie_pass = True
        lieu.qualifie_le = timezone.localdate()
        lieu.save()
        _, cheques, _ = pass_codes()
        free = Client()
        free.force_login(ctx["mediateur"])
        free.get("/kiosque/connexion/")
        assert (
            "/pro/pass/verifier/"
            in free.post("/kiosque/pass/", {"code": cheques[0]}).content.decode()
        )
        lieu.actif = False
        lieu.save(update_fields=["actif"])
        response = free.post("/kiosque/pass/", {"code": cheques[1]})
        assert "/pro/pass/verifier/" not in response.content.decode()
        # The same check at the view's depth, with the closed place as the kiosk's lieu.
        request = RequestFactory().post("/kiosque/pass/")
        request.user = ctx["mediateur"]
        request.kiosque = Kiosque(lieu=lieu, etat={})
        assert _can_redeem_in_espace_pro(request) is False
        lieu.actif = True
        assert _can_redeem_in_espace_pro(request) is True


def test_a_pro_session_that_opens_the_kiosk_on_its_own_computer_stays_free(ctx):
    client = Client()
    client.force_login(ctx["mediateur"])
    assert client.get("/kiosque/connexion/")["Location"] == "/kiosque/"
    assert client.get("/kiosque/").status_code == 200
    assert client.get("/pro/").status_code == 200
    assert CLE_PORTEE not in client.session


def test_a_pro_session_on_a_kiosk_device_is_confined(ctx):
    client = device_cookie(Client(), ctx)
    client.force_login(ctx["mediateur"])
    assert client.get("/kiosque/connexion/")["Location"] == "/kiosque/"
    assert_signed_out_to_the_kiosk(client, client.get("/pro/beneficiaires/"))


def test_terminer_ends_the_confinement_with_the_session(ctx):
    client = pin_client(ctx, ctx["volontaire"], PIN)
    client.post("/kiosque/fin/")
    assert CLE_PORTEE not in client.session
    assert client.get("/pro/connexion/").status_code == 200


# --- Inactivity, enforced by the server -------------------------------------------------------


def _journey(ctx, client):
    session = future_session(lieu=ctx["lieu"])
    response = client.post(
        f"/kiosque/ateliers/{session.pk}/inscrire/", {"prenom": "Karim", "telephone": ""}
    )
    assert response.status_code == 302
    assert client.session[etat.CLE]["parcours"].get("inscription")


def test_an_idle_journey_is_dropped_by_the_server(ctx):
    with time_machine.travel(DEBUT, tick=False) as traveller:
        client = pin_client(ctx, ctx["volontaire"], PIN)
        _journey(ctx, client)
        # Just inside the limit: the journey is still there.
        traveller.shift(etat.limite_parcours() - datetime.timedelta(seconds=1))
        assert client.get("/kiosque/ateliers/inscription/").status_code == 200
        assert client.session[etat.CLE]["parcours"].get("inscription")
        # The browser's countdown never ran (tab closed, frozen): the server clears it.
        traveller.shift(etat.limite_parcours())
        response = client.get("/kiosque/ateliers/inscription/")
        assert client.session[etat.CLE]["parcours"] == {}
        assert "_auth_user_id" in client.session  # the shift goes on
        assert "Karim" not in response.content.decode()
        line = Journal.objects.filter(action="kiosque.recommencer").latest("pk")
        assert line.details["raison"] == "inactivite_serveur"


def test_an_idle_kiosk_is_signed_out_by_the_server(ctx):
    with time_machine.travel(DEBUT, tick=False) as traveller:
        client = pin_client(ctx, ctx["volontaire"], PIN)
        # Used every 20 minutes: the shift goes on.
        for _ in range(3):
            traveller.shift(datetime.timedelta(minutes=20))
            assert client.get("/kiosque/").status_code == 200
        traveller.shift(etat.limite_session())
        response = client.get("/kiosque/")
        assert response["Location"] == "/kiosque/connexion/"
        assert "_auth_user_id" not in client.session
        line = Journal.objects.filter(action="kiosque.fin_service").latest("pk")
        assert line.details["raison"] == "inactivite"


def test_the_session_limit_comes_from_settings(ctx, settings):
    settings.KIOSQUE_SESSION_INACTIVE_SECONDES = 60
    with time_machine.travel(DEBUT, tick=False) as traveller:
        client = pin_client(ctx, ctx["volontaire"], PIN)
        traveller.shift(datetime.timedelta(seconds=61))
        assert client.get("/kiosque/pass/")["Location"] == "/kiosque/connexion/"
    assert timezone.now() > DEBUT


def test_a_shift_started_before_the_server_watched_goes_on(ctx):
    """A session from before this rule has no "vu": it is not ended at once."""
    with time_machine.travel(DEBUT, tick=False) as traveller:
        client = pin_client(ctx, ctx["volontaire"], PIN)
        session = client.session
        del session[etat.CLE]["vu"]
        session.save()
        traveller.shift(datetime.timedelta(hours=1))
        assert client.get("/kiosque/").status_code == 200
        assert client.session[etat.CLE]["vu"] == timezone.now().isoformat()
