"""Issue 15: the diagnostic's public and kiosk doors — one question a page without
JavaScript, the result shown, NOTHING stored (no Diagnostic, no Activite, no file); the public
site's SMS only with explicit consent, inside the send window, one segment."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from ateliers.enums import Niveau, Thematique
from inclusion.models import Beneficiaire, SmsMessage
from inclusion.sms import gsm
from mediation import diagnostic, diagnostic_hooks
from mediation.models import Activite, Diagnostic
from mediation.services import diagnostics
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.mediation.factories import kiosk_client, setup_kiosque

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

REPONSES = {
    "appareil": "1",
    "recherche": "1",
    "communication": "0",
    "documents": "2",
    "demarches": "0",
    "securite": "3",
    "depannage": "2",
}


def counts():
    return (Diagnostic.objects.count(), Activite.objects.count(), Beneficiaire.objects.count())


@pytest.fixture
def session_mail():
    return SessionFactory(
        theme=ThemeFactory(
            titre_falc="Envoyer un e-mail",
            thematiques=[Thematique.EMAIL],
            niveau=Niveau.DEBUTANT,
        )
    )


def walk(client, url, obstacles=("email",)):
    """Answer every question one page at a time, as a browser without JavaScript does: each
    page's hidden fields plus the button pressed."""
    response = client.post(url, {"aller": "1"})
    assert "Question 1 sur 8" in response.content.decode()
    data = {"etape": "1", "obstacles": list(obstacles), "aller": "2"}
    response = client.post(url, data)
    for numero, domaine in enumerate(diagnostic.DOMAINES, start=2):
        page = response.content.decode()
        assert f"Question {numero} sur 8" in page
        assert domaine.question.replace("'", "&#x27;") in page
        data = {k: v for k, v in data.items() if k != "aller"}
        data.update({"etape": str(numero), domaine.cle: REPONSES[domaine.cle]})
        response = client.post(url, data)
    return response


def test_public_diagnostic_without_an_account_stores_nothing(session_mail):
    avant_lien = diagnostic_hooks._lien_session
    diagnostic_hooks.register_session_link(lambda request, s: f"/ateliers/session/{s.pk}/")
    try:
        avant = counts()
        client = Client()
        assert client.get("/diagnostic/").status_code == 200
        response = walk(client, "/diagnostic/questions/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "Votre résultat" in page
        assert "Vous savez garder vos documents et vos photos." in page
        assert "Envoyer des e-mails et des messages" in page
        assert f"/ateliers/session/{session_mail.pk}/" in page
        assert counts() == avant
    finally:
        diagnostic_hooks.register_session_link(avant_lien)


def test_public_back_button_keeps_the_answers():
    client = Client()
    data = {"etape": "3", "obstacles": ["langue"], "appareil": "2", "recherche": "1"}
    page = client.post("/diagnostic/questions/", {**data, "aller": "2"}).content.decode()
    assert "Question 2 sur 8" in page
    assert 'value="1" class="diag-reponse diag-reponse--choisie"' not in page
    assert 'name="appareil" value="2" class="diag-reponse diag-reponse--choisie"' in page
    assert 'name="recherche" value="1"' in page  # kept hidden for later


def test_public_skipped_questions_are_asked_again():
    data = {"etape": "8", "aller": "9", "appareil": "2", "depannage": "3"}
    page = Client().post("/diagnostic/questions/", data).content.decode()
    assert "Question 3 sur 8" in page  # recherche, the first unanswered


def test_public_get_of_the_questions_goes_back_to_the_start():
    response = Client().get("/diagnostic/questions/")
    assert response.status_code == 302 and response["Location"] == "/diagnostic/"


def sms_data(**extra):
    data = {"etape": "8", **REPONSES, "telephone": "06 12 34 56 78", "consentement": "on"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_public_sms_only_with_consent(session_mail):
    avant = counts()
    client = Client()
    refus = client.post("/diagnostic/sms/", sms_data(consentement=None))
    assert refus.status_code == 422
    assert "Cochez la case pour accepter de recevoir le SMS." in refus.content.decode()
    assert SmsMessage.objects.count() == 0
    ok = client.post("/diagnostic/sms/", sms_data())
    assert ok.status_code == 200
    assert "Le SMS part vers le" in ok.content.decode()
    sms = SmsMessage.objects.get()
    assert sms.beneficiaire is None and sms.telephone == "+33612345678"
    assert sms.kind == diagnostics.KIND_SMS
    assert sms.segments == 1 and gsm.encoding(sms.corps) == gsm.GSM7
    assert "Envoyer un e-mail" in sms.corps
    assert counts() == avant


def test_public_sms_refused_outside_the_send_window(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 11, 17, 21, 0, tzinfo=timezone.get_current_timezone())
    )
    response = Client().post("/diagnostic/sms/", sms_data())
    assert response.status_code == 422
    assert "de 9 h à 19 h" in response.content.decode()
    assert SmsMessage.objects.count() == 0


def test_public_sms_refuses_a_landline_and_limits_one_number():
    client = Client()
    fixe = client.post("/diagnostic/sms/", sms_data(telephone="01 23 45 67 89"))
    assert fixe.status_code == 422 and SmsMessage.objects.count() == 0
    for _ in range(diagnostics.SMS_PAR_TELEPHONE.maximum):
        assert client.post("/diagnostic/sms/", sms_data()).status_code == 200
    trop = client.post("/diagnostic/sms/", sms_data())
    assert trop.status_code == 422
    assert SmsMessage.objects.count() == diagnostics.SMS_PAR_TELEPHONE.maximum


def test_sms_text_fits_one_segment_with_long_names():
    resultat = diagnostic.resultat([], {k: int(v) for k, v in REPONSES.items()})
    session = SessionFactory(
        theme=ThemeFactory(titre_falc="Créer une adresse e-mail et l'utiliser tous les jours"),
        lieu__nom="Médiathèque intercommunale François Mitterrand du quartier des Prés",
    )
    texte = diagnostics.texte_sms(resultat, session)
    assert gsm.segments(texte) == 1 and gsm.encoding(texte) == gsm.GSM7


# --- Kiosk ---------------------------------------------------------------------------------


def test_kiosk_diagnostic_shows_the_result_and_stores_nothing(session_mail):
    ctx = setup_kiosque()
    client = kiosk_client(ctx["volontaire"], ctx["lieu"])
    avant = counts()
    assert client.get("/kiosque/diagnostic/").status_code == 200
    response = walk(client, "/kiosque/diagnostic/")
    page = response.content.decode()
    assert "Votre résultat" in page and "Imprimer le résultat" in page
    assert f"/kiosque/ateliers/{session_mail.pk}/" in page
    assert counts() == avant
    assert "diagnostic" in client.get("/kiosque/").content.decode()


def test_kiosk_diagnostic_needs_a_kiosk_shift():
    response = Client().get("/kiosque/diagnostic/")
    assert response.status_code == 302 and "/kiosque/connexion/" in response["Location"]
