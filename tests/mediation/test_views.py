"""The kiosk's screens: access, journeys, reset, rate limits, no personal data."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription
from ateliers.services.registrations import register
from inclusion.enums import ModeConsentement, Role
from inclusion.models import Beneficiaire, Journal
from mediation.services import etat
from pass_numerique.services.redemption import MAX_FAILED_CHECKS
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, member
from tests.mediation.factories import (
    PIN,
    device_cookie,
    future_session,
    kiosk_client,
    pass_codes,
    setup_kiosque,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

APOS = "&#x27;"  # Django escapes apostrophes

KIOSK_URLS = [
    "/kiosque/",
    "/kiosque/pass/",
    "/kiosque/ateliers/",
    "/kiosque/lieux/",
    "/kiosque/rappel/",
]


@pytest.fixture
def ctx():
    return setup_kiosque()


@pytest.fixture
def client_k(ctx):
    return kiosk_client(ctx["volontaire"], ctx["lieu"])


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", KIOSK_URLS)
def test_anonymous_goes_to_the_kiosk_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/kiosque/connexion/")


def test_password_login_starts_the_shift_at_the_only_lieu(ctx):
    client = Client()
    response = client.post(
        "/kiosque/connexion/",
        {"email": ctx["volontaire"].email, "secret": "mot-de-passe-test-123"},
    )
    assert response.status_code == 302 and response["Location"] == "/kiosque/"
    state = client.session[etat.CLE]
    assert state["lieu"] == ctx["lieu"].pk and state["parcours"] == {}
    assert client.session.get_expiry_age() <= 4 * 3600
    page = client.get("/kiosque/")
    assert ctx["lieu"].nom in page.content.decode().replace(APOS, "'")
    assert Journal.objects.filter(action="kiosque.debut_service", acteur=ctx["volontaire"]).exists()


def test_password_login_with_several_lieux_asks_where(ctx):
    LieuFactory(structure=ctx["structure"], nom="Annexe")
    client = Client()
    response = client.post(
        "/kiosque/connexion/",
        {"email": ctx["volontaire"].email, "secret": "mot-de-passe-test-123"},
    )
    assert response["Location"] == "/kiosque/lieu/"
    assert client.get("/kiosque/").status_code == 302
    page = client.get("/kiosque/lieu/")
    assert "Annexe" in page.content.decode().replace(APOS, "'")
    other = LieuFactory()  # another structure's lieu
    assert client.post("/kiosque/lieu/", {"lieu": other.pk}).status_code == 404
    assert client.post("/kiosque/lieu/", {"lieu": ""}).status_code == 422
    assert client.post("/kiosque/lieu/", {"lieu": ctx["lieu"].pk}).status_code == 302
    assert client.get("/kiosque/").status_code == 200


def test_bad_password_gets_a_french_message(ctx):
    response = Client().post(
        "/kiosque/connexion/", {"email": ctx["volontaire"].email, "secret": "faux-mot-de-passe"}
    )
    assert response.status_code == 422
    assert "mot de passe incorrect" in response.content.decode().replace(APOS, "'")


def test_pin_login_needs_the_device_cookie(ctx):
    client = Client()
    response = client.post("/kiosque/connexion/", {"email": ctx["volontaire"].email, "secret": PIN})
    assert response.status_code == 422  # no device: a PIN is just a wrong password
    device_cookie(client, ctx)
    page = client.get("/kiosque/connexion/")
    assert "code PIN" in page.content.decode().replace(APOS, "'") and ctx[
        "lieu"
    ].nom in page.content.decode().replace(APOS, "'")
    response = client.post("/kiosque/connexion/", {"email": ctx["volontaire"].email, "secret": PIN})
    assert response.status_code == 302 and response["Location"] == "/kiosque/"
    assert client.session[etat.CLE]["appareil"] == ctx["borne"].pk


def test_pin_failures_are_rate_limited(ctx):
    client = device_cookie(Client(), ctx)
    for _ in range(5):
        response = client.post(
            "/kiosque/connexion/", {"email": ctx["volontaire"].email, "secret": "9731"}
        )
        assert response.status_code == 422
        assert "code PIN incorrect" in response.content.decode().replace(APOS, "'")
    response = client.post("/kiosque/connexion/", {"email": ctx["volontaire"].email, "secret": PIN})
    assert response.status_code == 429
    assert "Attendez 15 minutes" in response.content.decode().replace(APOS, "'")
    cache.clear()
    response = client.post("/kiosque/connexion/", {"email": ctx["volontaire"].email, "secret": PIN})
    assert response.status_code == 302


def test_another_structures_device_is_refused(ctx):
    other = setup_kiosque()
    client = device_cookie(Client(), other)
    response = client.post(
        "/kiosque/connexion/",
        {"email": ctx["volontaire"].email, "secret": "mot-de-passe-test-123"},
    )
    assert response.status_code == 403
    assert "autre structure" in response.content.decode().replace(APOS, "'")
    # Its PIN does not open another structure's device either.
    response = client.post("/kiosque/connexion/", {"email": ctx["volontaire"].email, "secret": PIN})
    assert response.status_code == 422


def test_deactivated_device_is_ignored(ctx):
    ctx["borne"].actif = False
    ctx["borne"].save()
    client = device_cookie(Client(), ctx)
    response = client.post("/kiosque/connexion/", {"email": ctx["volontaire"].email, "secret": PIN})
    assert response.status_code == 422


def test_prescripteur_cannot_use_the_kiosk(ctx):
    prescripteur = member(Role.PRESCRIPTEUR, structure=ctx["structure"])
    response = Client().post(
        "/kiosque/connexion/", {"email": prescripteur.email, "secret": "mot-de-passe-test-123"}
    )
    assert response.status_code == 403
    client = Client()
    client.force_login(prescripteur)
    assert client.get("/kiosque/ateliers/").status_code == 403


def test_mediateur_of_the_structure_may_use_it(ctx):
    mediateur = member(Role.MEDIATEUR, structure=ctx["structure"])
    client = kiosk_client(mediateur, ctx["lieu"])
    assert client.get("/kiosque/").status_code == 200


def test_shift_end_logs_out(ctx, client_k):
    session = client_k.session
    session[etat.CLE]["fin"] = "2000-01-01T00:00:00+00:00"
    session.save()
    response = client_k.get("/kiosque/pass/")
    assert response["Location"] == "/kiosque/connexion/"
    assert "_auth_user_id" not in client_k.session
    assert Journal.objects.filter(action="kiosque.fin_service").exists()


def test_terminer_ends_the_session(client_k):
    response = client_k.post("/kiosque/fin/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client_k.session


def test_activation_link_works_once(ctx):
    from mediation.services import bornes

    borne, jeton = bornes.register_borne(
        acteur=ctx["coordinateur"], lieu=ctx["lieu"], libelle="Écran du hall"
    )
    client = Client()
    page = client.get(f"/kiosque/activer/{jeton}/")
    assert page.status_code == 200 and "Écran du hall" in page.content.decode().replace(APOS, "'")
    response = client.post(f"/kiosque/activer/{jeton}/")
    assert response.status_code == 302
    cookie = response.cookies[bornes.cookie_name()]
    assert cookie["httponly"] and jeton not in cookie.value.split(":")[0]
    assert client.post(f"/kiosque/activer/{jeton}/").status_code == 404
    assert client.get("/kiosque/activer/inconnu/").status_code == 404
    page = client.get("/kiosque/connexion/")
    assert "Écran du hall" not in page.content.decode().replace(APOS, "'") and ctx[
        "lieu"
    ].nom in page.content.decode().replace(APOS, "'")


# --- What a volontaire never reaches ------------------------------------------------------------


def test_volontaire_never_opens_files_nor_redeems(ctx, client_k):
    beneficiaire = BeneficiaireFactory(structure=ctx["structure"])
    assert client_k.get("/pro/beneficiaires/").status_code == 403
    assert client_k.get(f"/pro/beneficiaires/{beneficiaire.uuid}/").status_code in (403, 404)
    assert client_k.get("/pro/pass/verifier/").status_code == 403
    _, cheques, _ = pass_codes()
    response = client_k.post(
        "/pro/pass/encaisser/",
        {"code": cheques[0], "prestation": "atelier", "demande_id": "a" * 32},
    )
    assert response.status_code in (403, 404)


# --- 1. Vérifier un pass ------------------------------------------------------------------------


def test_check_a_cheque_says_valid_in_words(client_k):
    carnet_code, cheques, _ = pass_codes()
    page = client_k.get("/kiosque/pass/").content.decode().replace(APOS, "'")
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', page)
    assert 'autocomplete="off"' in page
    response = client_k.post("/kiosque/pass/", {"code": cheques[0].lower()})
    assert response.status_code == 200
    text = response.content.decode().replace(APOS, "'")
    assert "Valable : 1 chèque de 10 €" in text and "il reste 10 chèques" in text
    assert cheques[0] not in text
    response = client_k.post("/kiosque/pass/", {"code": f"https://x.example/p/{carnet_code}"})
    assert "Carnet valable" in response.content.decode().replace(APOS, "'")
    assert "Valable : 10 chèques, jusqu'au" in response.content.decode().replace(APOS, "'")
    line = Journal.objects.filter(action="kiosque.verification").order_by("pk").last()
    assert line.details == {"lieu": line.details["lieu"], "resultat": "carnet_valide"}


def test_check_never_redeems(client_k):
    from pass_numerique.models import Encaissement

    _, cheques, _ = pass_codes()
    client_k.post("/kiosque/pass/", {"code": cheques[0]})
    client_k.post("/kiosque/pass/", {"code": cheques[0]})
    assert not Encaissement.objects.exists()


def test_bad_code_gets_a_plain_reason(client_k):
    response = client_k.post("/kiosque/pass/", {"code": "ABCD"})
    assert response.status_code == 422
    assert "Un code compte 17 caractères" in response.content.decode().replace(APOS, "'")
    response = client_k.post("/kiosque/pass/", {"code": ""})
    assert response.status_code == 422
    assert "Scannez le QR code" in response.content.decode().replace(APOS, "'")


def test_code_checks_are_rate_limited_like_the_mediators(client_k):
    _, cheques, _ = pass_codes()
    for _ in range(MAX_FAILED_CHECKS):
        assert client_k.post("/kiosque/pass/", {"code": "0000-0000-0000-0000-1"}).status_code
    response = client_k.post("/kiosque/pass/", {"code": cheques[0]})
    assert response.status_code == 429
    assert "Trop de codes faux" in response.content.decode().replace(APOS, "'")


# --- 2. Trouver un atelier ---------------------------------------------------------------------


def test_workshop_list_and_filters(ctx, client_k):
    session = future_session(lieu=ctx["lieu"])
    response = client_k.get("/kiosque/ateliers/")
    text = response.content.decode().replace(APOS, "'")
    assert session.theme.titre_falc in text and "10 places libres" in text
    response = client_k.get(f"/kiosque/ateliers/?theme={session.theme.pk}")
    assert session.theme.titre_falc in response.content.decode().replace(APOS, "'")
    response = client_k.get("/kiosque/ateliers/?jour=2026-13-45")
    assert response.status_code == 400
    assert "Cette date n'existe pas" in response.content.decode().replace(APOS, "'")
    assert client_k.get("/kiosque/ateliers/?quartier=999999").status_code == 400


def _queries(client, url):
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_workshop_list_query_count_is_constant(ctx, client_k):
    future_session(lieu=ctx["lieu"])
    one = _queries(client_k, "/kiosque/ateliers/")
    for i in range(8):
        future_session(days=3 + i, capacite=1 if i % 2 else 10)
    assert _queries(client_k, "/kiosque/ateliers/") == one


def test_places_list_query_count_is_constant(ctx, client_k):
    one = _queries(client_k, "/kiosque/lieux/")
    for _ in range(8):
        LieuFactory(latitude="44.85000", longitude="-0.57000")
    assert _queries(client_k, "/kiosque/lieux/") == one


def test_register_a_person_with_sms_consent(
    ctx, client_k, sms_outbox, django_capture_on_commit_callbacks
):
    session = future_session(lieu=ctx["lieu"])
    assert client_k.get(f"/kiosque/ateliers/{session.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client_k.post(
            f"/kiosque/ateliers/{session.pk}/inscrire/",
            {"prenom": "Fatima", "telephone": "06 12 34 56 78", "consentement_sms": "on"},
        )
    assert response.status_code == 302 and response["Location"] == "/kiosque/ateliers/inscription/"
    inscription = Inscription.objects.get()
    assert inscription.canal == Canal.KIOSQUE and inscription.inscrit_par == ctx["volontaire"]
    person = inscription.beneficiaire
    assert person.consentement_sms and person.consentement_sms_mode == ModeConsentement.ORAL
    assert person.consentement_sms_par == ctx["volontaire"]
    assert person.structure == ctx["structure"]
    page = client_k.get("/kiosque/ateliers/inscription/").content.decode().replace(APOS, "'")
    assert "06 •• •• •• 78" in page and "06 12 34 56 78" not in page and "0612345678" not in page
    from inclusion.models import SmsMessage

    assert SmsMessage.objects.filter(kind="atelier_inscription").count() == 1
    # Reminder by SMS: only to this person, once.
    response = client_k.post("/kiosque/rappel/sms/")
    assert response.status_code == 302
    assert SmsMessage.objects.filter(kind="rappel_kiosque").count() == 1
    client_k.post("/kiosque/rappel/sms/")
    assert SmsMessage.objects.filter(kind="rappel_kiosque").count() == 1
    for line in Journal.objects.filter(action__startswith="kiosque."):
        assert "Fatima" not in str(line.details) and "0612" not in str(line.details)


def test_register_without_phone_and_waiting_list(ctx, client_k):
    session = future_session(lieu=ctx["lieu"], capacite=1)
    client_k.post(f"/kiosque/ateliers/{session.pk}/inscrire/", {"prenom": "Ali"})
    etat_ = client_k.session[etat.CLE]
    client_k.post("/kiosque/recommencer/")
    response = client_k.post(f"/kiosque/ateliers/{session.pk}/inscrire/", {"prenom": "Marie"})
    assert response.status_code == 302
    assert etat_["parcours"]["inscription"]
    page = client_k.get("/kiosque/ateliers/inscription/").content.decode().replace(APOS, "'")
    assert "liste d'attente" in page
    assert Inscription.objects.filter(statut=StatutInscription.EN_ATTENTE).count() == 1


def test_register_bad_input(ctx, client_k):
    session = future_session(lieu=ctx["lieu"])
    response = client_k.post(
        f"/kiosque/ateliers/{session.pk}/inscrire/",
        {"prenom": "", "telephone": "12", "consentement_sms": "on"},
    )
    assert response.status_code == 422
    text = response.content.decode().replace(APOS, "'")
    assert "Indiquez le prénom de la personne." in text
    response = client_k.post(
        f"/kiosque/ateliers/{session.pk}/inscrire/",
        {"prenom": "Léa", "telephone": "05 56 00 00 00", "consentement_sms": "on"},
    )
    assert response.status_code == 422
    assert "numéro de mobile" in response.content.decode().replace(APOS, "'")
    response = client_k.post(
        f"/kiosque/ateliers/{session.pk}/inscrire/", {"prenom": "Léa", "consentement_sms": "on"}
    )
    assert response.status_code == 422
    assert not Beneficiaire.objects.exists() and not Inscription.objects.exists()


def test_existing_person_is_reused_silently_only_when_safe(ctx, client_k):
    other_structure_person = BeneficiaireFactory(
        prenom="Hélène", nom="Secret", consentant=True, telephone="+33612345678"
    )
    session = future_session(lieu=ctx["lieu"])
    response = client_k.post(
        f"/kiosque/ateliers/{session.pk}/inscrire/",
        {"prenom": "helene", "telephone": "0612345678", "consentement_sms": "on"},
    )
    assert response.status_code == 302
    assert Inscription.objects.get().beneficiaire == other_structure_person
    page = client_k.get("/kiosque/ateliers/inscription/").content.decode().replace(APOS, "'")
    assert "Secret" not in page and "Hélène" not in page
    # Same number, another first name: a new file.
    client_k.post("/kiosque/recommencer/")
    session2 = future_session(lieu=ctx["lieu"], days=5)
    client_k.post(
        f"/kiosque/ateliers/{session2.pk}/inscrire/",
        {"prenom": "Paul", "telephone": "0612345678"},
    )
    assert Beneficiaire.objects.count() == 2


def test_overlap_refusal_reveals_nothing(ctx, client_k):
    person = BeneficiaireFactory(prenom="Nadia", consentant=True, telephone="+33698765432")
    first = future_session(days=2, theme__titre_falc="Atelier secret")
    register(session=first, beneficiaire=person, canal=Canal.PUBLIC)
    same_time = future_session(lieu=ctx["lieu"], days=2)
    response = client_k.post(
        f"/kiosque/ateliers/{same_time.pk}/inscrire/",
        {"prenom": "Nadia", "telephone": "0698765432", "consentement_sms": "on"},
    )
    assert response.status_code == 422
    text = response.content.decode().replace(APOS, "'")
    assert "ne peut pas être inscrite" in text and first.theme.titre_falc not in text


def test_past_session_is_404(ctx, client_k):
    session = future_session(lieu=ctx["lieu"], days=-1)
    assert client_k.get(f"/kiosque/ateliers/{session.pk}/").status_code == 404


# --- Recommencer: the journey's data is gone ----------------------------------------------------


def test_recommencer_drops_the_journey(ctx, client_k):
    session = future_session(lieu=ctx["lieu"])
    client_k.post(
        f"/kiosque/ateliers/{session.pk}/inscrire/",
        {"prenom": "Fatima", "telephone": "0612345678", "consentement_sms": "on"},
    )
    assert client_k.session[etat.CLE]["parcours"]["inscription"]
    assert "06 •• •• •• 78" in client_k.get("/kiosque/rappel/").content.decode().replace(APOS, "'")
    response = client_k.post("/kiosque/recommencer/")
    assert response["Location"] == "/kiosque/"
    assert client_k.session[etat.CLE]["parcours"] == {}
    assert client_k.session[etat.CLE]["lieu"] == ctx["lieu"].pk
    page = client_k.get("/kiosque/rappel/").content.decode().replace(APOS, "'")
    assert "78" not in re.sub(r"<[^>]+>", "", page).split("Imprimer ou envoyer un rappel")[-1]
    assert client_k.post("/kiosque/rappel/sms/").status_code == 404
    assert client_k.get("/kiosque/ateliers/inscription/").status_code == 302
    assert Journal.objects.filter(action="kiosque.recommencer").exists()


def test_inactivity_reset_is_journalised_with_its_reason(client_k):
    client_k.post("/kiosque/recommencer/", {"raison": "inactivite"})
    line = Journal.objects.filter(action="kiosque.recommencer").order_by("pk").last()
    assert line.details["raison"] == "inactivite"


def test_inactivity_delays_come_from_settings(client_k, settings):
    settings.KIOSQUE_INACTIVITE_SECONDES = 7
    page = client_k.get("/kiosque/").content.decode().replace(APOS, "'")
    assert 'data-inactivite="7"' in page and 'role="alertdialog"' in page


# --- 3. Trouver un lieu ------------------------------------------------------------------------


def test_places_nearest_first(ctx, client_k):
    far = LieuFactory(nom="Loin", latitude="45.50000", longitude="-0.58000")
    near = LieuFactory(
        nom="Tout près", latitude="44.84500", longitude="-0.58000", telephone="+33536490099"
    )
    text = client_k.get("/kiosque/lieux/").content.decode().replace(APOS, "'")
    assert text.index(ctx["lieu"].nom) < text.index("Tout près") < text.index("Loin")
    assert "à 560 m" in text
    page = client_k.get(f"/kiosque/lieux/{near.uuid}/")
    assert page.status_code == 200 and "Du lundi au vendredi" in page.content.decode().replace(
        APOS, "'"
    )
    # A place's own phone is public: shown in full (only people's numbers are masked).
    assert "05 36 49 00 99" in page.content.decode()
    far.actif = False
    far.save()
    assert client_k.get(f"/kiosque/lieux/{far.uuid}/").status_code == 404


# --- 4. Tickets --------------------------------------------------------------------------------


def test_ticket_has_no_personal_data(ctx, client_k):
    session = future_session(lieu=ctx["lieu"])
    client_k.post(
        f"/kiosque/ateliers/{session.pk}/inscrire/",
        {"prenom": "Fatima", "telephone": "0612345678", "consentement_sms": "on"},
    )
    for fmt in ("80mm", "a4", "autre"):
        response = client_k.get(f"/kiosque/ticket/atelier/{session.pk}/?format={fmt}")
        text = response.content.decode().replace(APOS, "'")
        assert response.status_code == 200
        assert session.theme.titre_falc in text and ctx["lieu"].nom in text
        # Not even the last two digits of the mobile (a lone "78"; "Lieu 278", a factory's
        # name, is not the number).
        ticket = re.sub(r"<[^>]+>", " ", text).split("Aperçu du ticket")[-1].replace("0800", "")
        assert "Fatima" not in text and not re.search(r"(?<!\d)78(?!\d)", ticket)
    assert "ticket-a4.css" in client_k.get(
        f"/kiosque/ticket/atelier/{session.pk}/?format=a4"
    ).content.decode().replace(APOS, "'")
    assert client_k.get(f"/kiosque/ticket/lieu/{ctx['lieu'].uuid}/").status_code == 200


def test_volontaire_pro_home_links_to_the_kiosk(ctx):
    client = Client()
    client.force_login(ctx["volontaire"])
    page = client.get("/pro/").content.decode()
    assert 'href="/kiosque/"' in page
    prescripteur = member(Role.PRESCRIPTEUR, structure=ctx["structure"])
    client.force_login(prescripteur)
    assert 'href="/kiosque/"' not in client.get("/pro/").content.decode()
