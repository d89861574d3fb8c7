"""Registering oneself to a workshop: first name and mobile, a code by SMS, done."""

import html as html_lib
import re

import pytest
from django.test import override_settings

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription
from ateliers.services.registrations import register
from cms.journeys import inscription as module
from inclusion.enums import ModeConsentement
from inclusion.models import Beneficiaire
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import BeneficiaireFactory

pytestmark = pytest.mark.usefixtures("frozen")

URL = "/ateliers-pres-de-chez-moi/"
MOBILE = "06 12 34 56 78"
E164 = "+33612345678"


@pytest.fixture
def session(site_public):
    return SessionFactory(capacite=2, theme=ThemeFactory(titre_falc="Utiliser son téléphone"))


def _url(session, etape):
    return f"{URL}session/{session.pk}/{etape}/"


def _demander(client, session, prenom="Awa", telephone=MOBILE, meta=None, **extra):
    data = {"prenom": prenom, "telephone": telephone, "consentement": "on", **extra}
    return client.post(_url(session, "inscription"), data, **(meta or {}))


def _code(sms_delivered):
    return re.search(r"\b(\d{6})\b", sms_delivered[-1]).group(1)


def _texte(response):
    return html_lib.unescape(response.content.decode())


def _mauvais(code):
    return f"{(int(code) + 1) % 10**6:06d}"


def test_three_screens_register_a_new_person(
    client, session, sms_delivered, django_capture_on_commit_callbacks
):
    page = client.get(_url(session, "inscription"))
    assert page.status_code == 200
    html = _texte(page)
    assert 'autocomplete="given-name"' in html and 'autocomplete="tel"' in html
    assert "J'accepte de recevoir des SMS pour cet atelier." in html
    assert "Je n'ai pas de téléphone portable" in html
    assert "no-cache" in page["Cache-Control"]

    response = _demander(client, session)
    assert response.status_code == 302
    assert response["Location"].endswith(_url(session, "code"))
    assert len(sms_delivered) == 1
    assert (
        "Utiliser son telephone" in sms_delivered[0]
        or "Utiliser son téléphone" in (sms_delivered[0])
    )
    assert not Beneficiaire.objects.exists()  # nothing written before the code

    page = client.get(response["Location"])
    assert 'autocomplete="one-time-code"' in _texte(page) and 'inputmode="numeric"' in _texte(page)
    assert "06 •• •• •• 78" in _texte(page)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(session, "code"), {"code": _code(sms_delivered)})
    assert response.status_code == 302
    assert response["Location"].endswith(_url(session, "fin"))
    fin = _texte(client.get(response["Location"]))
    assert "vous êtes inscrit" in fin
    assert "À apporter" in fin and "Votre carnet pass numérique" in fin

    personne = Beneficiaire.objects.get()
    assert personne.prenom == "Awa" and personne.telephone == E164
    assert personne.structure == session.lieu.structure
    assert personne.consentement_sms and personne.consentement_sms_mode == ModeConsentement.EN_LIGNE
    inscription = Inscription.objects.get()
    assert inscription.canal == Canal.PUBLIC and inscription.statut == StatutInscription.INSCRIT
    # The register service sent the confirmation.
    assert any("Inscription confirm" in body for body in sms_delivered[1:])
    # The code works once.
    assert client.get(_url(session, "code")).status_code == 302


def test_existing_phone_registers_that_person_without_showing_anything(
    client, session, sms_delivered
):
    existante = BeneficiaireFactory(
        prenom="Awa", nom="Diallo", telephone=E164, type_telephone="mobile"
    )
    _demander(client, session, prenom="awa")
    response = client.post(_url(session, "code"), {"code": _code(sms_delivered)})
    fin = _texte(client.get(response["Location"]))
    assert "Diallo" not in fin
    assert Beneficiaire.objects.count() == 1
    existante.refresh_from_db()
    assert existante.consentement_sms  # given now, online
    assert existante.consentement_sms_mode == ModeConsentement.EN_LIGNE
    assert Inscription.objects.get().beneficiaire == existante


def test_screen_1_does_not_tell_whether_a_number_is_known(client, session, sms_delivered):
    BeneficiaireFactory(prenom="Awa", telephone=E164, type_telephone="mobile")
    known = _demander(client, session)
    client.session.flush()
    other = _demander(client, session, telephone="06 98 76 54 32")
    assert known.status_code == other.status_code == 302


def test_full_session_puts_the_person_on_the_waiting_list(client, session, sms_delivered):
    for _ in range(2):
        register(session=session, beneficiaire=BeneficiaireFactory(), canal=Canal.KIOSQUE)
    assert "liste d'attente" in _texte(client.get(_url(session, "inscription")))
    _demander(client, session)
    response = client.post(_url(session, "code"), {"code": _code(sms_delivered)})
    fin = _texte(client.get(response["Location"]))
    assert "Vous êtes sur la liste d'attente" in fin
    assert "Vous êtes numéro 1 sur la liste d'attente." in fin
    assert (
        Inscription.objects.get(beneficiaire__telephone=E164).statut == StatutInscription.EN_ATTENTE
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"prenom": "", "telephone": MOBILE, "consentement": "on"}, "Écrivez votre prénom."),
        ({"prenom": "Awa", "telephone": "", "consentement": "on"}, "Écrivez votre numéro"),
        ({"prenom": "Awa", "telephone": "12", "consentement": "on"}, "n'est pas valide"),
        ({"prenom": "Awa", "telephone": "05 56 00 00 00", "consentement": "on"}, "portable"),
        ({"prenom": "Awa", "telephone": MOBILE}, "Cochez cette case"),
    ],
)
def test_bad_input_gets_a_french_message_and_nothing_is_sent(
    client, session, sms_delivered, data, message
):
    response = client.post(_url(session, "inscription"), data)
    assert response.status_code == 422
    assert message in _texte(response)
    assert 'aria-describedby="' in _texte(response) and "_erreurs" in _texte(response)
    assert sms_delivered == []
    assert module.CLE not in client.session


def test_honeypot_pretends_success_without_sending_or_registering(client, session, sms_delivered):
    response = _demander(client, session, commentaire="http://spam.example")
    assert response.status_code == 302
    assert response["Location"].endswith(_url(session, "code"))
    response = client.post(_url(session, "code"), {"code": "123456"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert sms_delivered == []
    assert not Beneficiaire.objects.exists() and not Inscription.objects.exists()


def test_wrong_code_then_too_many_attempts(client, session, sms_delivered):
    _demander(client, session)
    code = _code(sms_delivered)
    response = client.post(_url(session, "code"), {"code": _mauvais(code)})
    assert response.status_code == 422
    assert "Ce code n'est pas bon" in _texte(response)
    assert "encore essayer 4 fois" in _texte(response)
    for _ in range(4):
        client.post(_url(session, "code"), {"code": _mauvais(code)})
    response = client.post(_url(session, "code"), {"code": code})
    assert response.status_code == 429
    assert "Demandez un nouveau code" in _texte(response)
    assert not Inscription.objects.exists()


def test_badly_typed_code(client, session, sms_delivered):
    _demander(client, session)
    response = client.post(_url(session, "code"), {"code": "12ab"})
    assert response.status_code == 422
    assert "Le code a 6 chiffres" in _texte(response)


def test_code_expires(client, session, sms_delivered):
    _demander(client, session)
    s = client.session
    data = s[module.CLE]
    data["expire"] = 0
    s[module.CLE] = data
    s.save()
    response = client.post(_url(session, "code"), {"code": _code(sms_delivered)})
    assert response.status_code == 410
    assert "Ce code ne marche plus" in _texte(response)
    assert not Inscription.objects.exists()


def test_resend_waits_one_minute_then_replaces_the_code(client, session, sms_delivered):
    _demander(client, session)
    premier = _code(sms_delivered)
    response = client.post(_url(session, "code"), {"action": "renvoyer"})
    assert response.status_code == 429
    assert "Attendez 1 minute" in _texte(response)
    s = client.session
    data = s[module.CLE]
    data["envoye_le"] -= 61
    s[module.CLE] = data
    s.save()
    response = client.post(_url(session, "code"), {"action": "renvoyer"})
    assert response.status_code == 302
    assert "nouveau code" in _texte(client.get(_url(session, "code")))
    second = _code(sms_delivered)
    assert len(sms_delivered) == 2
    if premier != second:
        assert client.post(_url(session, "code"), {"code": premier}).status_code == 422
    assert client.post(_url(session, "code"), {"code": second}).status_code == 302


def test_rate_limit_per_phone(client, session, sms_delivered):
    for _ in range(3):
        client.session.flush()
        assert _demander(client, session).status_code == 302
    response = _demander(client, session)
    assert response.status_code == 429
    assert "Ce numéro a reçu trop de codes" in _texte(response)
    assert len(sms_delivered) == 3


def test_rate_limit_per_ip(client, session, sms_delivered):
    for i in range(10):
        assert _demander(client, session, telephone=f"06 12 34 56 {i:02d}").status_code == 302
    response = _demander(client, session, telephone="06 98 76 54 32")
    assert response.status_code == 429
    assert "depuis cet appareil" in _texte(response)
    other = _demander(client, session, telephone="06 98 76 54 32", meta={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 302


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client, session, sms_delivered):
    for i in range(10):
        _demander(
            client,
            session,
            telephone=f"06 12 34 56 {i:02d}",
            meta={"HTTP_X_FORWARDED_FOR": f"1.2.3.{i}"},
        )
    # Untrusted: every request counted for REMOTE_ADDR, whatever the header says.
    response = _demander(
        client, session, telephone="06 98 76 54 32", meta={"HTTP_X_FORWARDED_FOR": "9.9.9.9"}
    )
    assert response.status_code == 429
    with override_settings(INCLUSION_TRUSTED_PROXIES=["127.0.0.1"]):
        response = _demander(
            client, session, telephone="06 98 76 54 32", meta={"HTTP_X_FORWARDED_FOR": "9.9.9.9"}
        )
    assert response.status_code == 302


def test_client_ip_reads_the_first_untrusted_address_from_the_right(rf):
    from cms.journeys.limites import client_ip

    chaine = "6.6.6.6, 5.5.5.5, 10.0.0.1"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=chaine)
    assert client_ip(request) == "10.0.0.2"
    with override_settings(INCLUSION_TRUSTED_PROXIES=["10.0.0.0/8"]):
        assert client_ip(request) == "5.5.5.5"
        garbage = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="nimp")
        assert client_ip(garbage) == "10.0.0.2"
        direct = rf.get("/", REMOTE_ADDR="8.8.8.8", HTTP_X_FORWARDED_FOR="1.1.1.1")
        assert client_ip(direct) == "8.8.8.8"


def test_refusal_from_register_is_in_plain_french_and_reveals_nothing(
    client, session, sms_delivered
):
    autre = SessionFactory(debut=session.debut, fin=session.fin, theme=ThemeFactory(titre="Secret"))
    personne = BeneficiaireFactory(prenom="Awa", telephone=E164, type_telephone="mobile")
    register(session=autre, beneficiaire=personne, canal=Canal.KIOSQUE)
    _demander(client, session)
    response = client.post(_url(session, "code"), {"code": _code(sms_delivered)})
    assert response.status_code == 409
    assert "Nous ne pouvons pas vous inscrire" in _texte(response)
    assert "Secret" not in _texte(response)
    assert Inscription.objects.filter(session=session).count() == 0


def test_no_phone_page_says_call_or_come(client, session):
    response = client.get(_url(session, "sans-telephone"))
    assert response.status_code == 200
    assert "Appelez le" in _texte(response) and session.lieu.adresse in _texte(response)


def test_code_page_without_pending_goes_back_to_screen_1(client, session):
    response = client.get(_url(session, "code"))
    assert response.status_code == 302
    assert response["Location"].endswith(_url(session, "inscription"))
    assert client.get(_url(session, "fin")).status_code == 404


def test_forms_are_csrf_protected(session):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(_url(session, "inscription"), {"prenom": "Awa", "telephone": MOBILE})
    assert response.status_code == 403


# Issue 12: codes cost public money.


def test_a_foreign_mobile_gets_a_clear_french_message_and_no_code(client, session, sms_delivered):
    response = _demander(client, session, telephone="+225 07 01 23 45 67")
    assert response.status_code == 422
    assert "portables français (métropole et outre-mer)" in _texte(response)
    assert sms_delivered == [] and module.CLE not in client.session


def test_an_overseas_mobile_gets_its_code(client, session, sms_delivered):
    assert _demander(client, session, telephone="+590 690 00 12 34").status_code == 302
    assert len(sms_delivered) == 1


def test_when_the_hourly_budget_is_spent_the_help_number_is_shown(
    client, session, sms_delivered, settings, mailoutbox
):
    settings.SMS_CODE_HOURLY_BUDGET = 1
    settings.HELP_PHONE = "05 55 12 34 56"
    assert _demander(client, session).status_code == 302
    client.session.flush()
    response = _demander(client, session, telephone="06 98 76 54 32")
    assert response.status_code == 429
    assert "Appelez-nous au 05 55 12 34 56" in _texte(response)
    assert len(sms_delivered) == 1 and module.CLE not in client.session
