"""Twilio webhooks (signature, status callbacks, inbound) and two-way keywords."""

import itertools
import logging

import pytest
from django.http import QueryDict
from django.urls import reverse

from inclusion.models import OptOut, SmsMessage, SmsRecu, StatutSms
from inclusion.sms import send_sms
from inclusion.sms.inbound import KIND_REPLY
from inclusion.sms.keywords import normalize, register_keyword, unregister_keyword
from inclusion.sms.webhooks import twilio_signature
from tests.inclusion.factories import BeneficiaireFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TOKEN = "jeton-twilio-de-test"
_sids = itertools.count(1)


@pytest.fixture(autouse=True)
def _twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.HELP_PHONE = "05 55 12 34 56"


def post(client, name, data, signature="valid"):
    url = reverse(f"sms:{name}")
    headers = {}
    if signature == "valid":
        headers["X-Twilio-Signature"] = twilio_signature(f"http://testserver{url}", data, TOKEN)
    elif signature:
        headers["X-Twilio-Signature"] = signature
    return client.post(url, data, headers=headers)


def inbound(client, sender, body, sid=None):
    sid = sid or f"SM{next(_sids):032d}"
    return post(client, "entrant", {"MessageSid": sid, "From": sender, "Body": body})


def status(client, sid, value, error=""):
    data = {"MessageSid": sid, "MessageStatus": value}
    if error:
        data["ErrorCode"] = error
    return post(client, "statut", data)


def replies():
    return list(SmsMessage.objects.filter(kind=KIND_REPLY).order_by("pk"))


@pytest.fixture
def sent():
    b = BeneficiaireFactory(consentant=True)
    result = send_sms(beneficiaire=b, body="Votre atelier demain à 14 h.", kind="t")
    assert result.message.statut == StatutSms.ENVOYE
    return result.message


# Signature


def test_signature_matches_the_official_twilio_validator():
    request_validator = pytest.importorskip("twilio.request_validator")
    params = QueryDict(mutable=True)
    params.update({"MessageSid": "SM1", "Body": "Arrêt", "From": "+33612345678"})
    params.appendlist("Zeta", "b")
    params.appendlist("Zeta", "a")
    url = "https://exemple.fr/sms/entrant/?x=1"
    ours = twilio_signature(url, params, TOKEN)
    assert ours == request_validator.RequestValidator(TOKEN).compute_signature(url, params)
    assert request_validator.RequestValidator(TOKEN).validate(url, params, ours)


@pytest.mark.parametrize("signature", [None, "", "bm9uIHNpZ25lZQ=="])
def test_missing_or_wrong_signature_is_refused_and_nothing_stored(client, sent, signature):
    data = {"MessageSid": "SMx", "From": "+33612345678", "Body": "STOP"}
    assert post(client, "entrant", data, signature=signature).status_code == 403
    callback = {"MessageSid": sent.provider_id, "MessageStatus": "delivered"}
    assert post(client, "statut", callback, signature=signature).status_code == 403
    assert not SmsRecu.objects.exists() and not OptOut.objects.exists()
    sent.refresh_from_db()
    assert sent.statut == StatutSms.ENVOYE


def test_signature_of_other_params_or_token_is_refused(client, settings):
    url = reverse("sms:entrant")
    signed = {"MessageSid": "SM1", "From": "+33612345678", "Body": "AIDE"}
    forged = twilio_signature(f"http://testserver{url}", signed, TOKEN)
    tampered = {**signed, "Body": "STOP"}
    response = client.post(url, tampered, headers={"X-Twilio-Signature": forged})
    assert response.status_code == 403
    settings.TWILIO_AUTH_TOKEN = ""  # not configured: everything refused
    assert inbound(client, "+33612345678", "AIDE").status_code == 403
    assert not SmsRecu.objects.exists()


def test_get_is_not_allowed(client):
    assert client.get(reverse("sms:statut")).status_code == 405
    assert client.get(reverse("sms:entrant")).status_code == 405


# Status callbacks


def test_delivered_then_a_late_sent_keeps_delivered(client, sent):
    assert status(client, sent.provider_id, "delivered").status_code == 204
    sent.refresh_from_db()
    assert sent.statut == StatutSms.DELIVRE and sent.statut_le is not None
    first_at = sent.statut_le
    for late in ("sent", "queued", "failed", "undelivered", "delivered"):
        assert status(client, sent.provider_id, late, error="30003").status_code == 204
    sent.refresh_from_db()
    assert (sent.statut, sent.statut_le, sent.erreur_code) == (StatutSms.DELIVRE, first_at, "")


def test_repeated_failure_callbacks_are_idempotent(client, sent):
    for _ in range(3):
        assert status(client, sent.provider_id, "failed", error="30005").status_code == 204
    sent.refresh_from_db()
    assert (sent.statut, sent.erreur_code) == (StatutSms.ECHEC, "30005")
    assert "inconnu" in sent.erreur
    status(client, sent.provider_id, "delivered")
    sent.refresh_from_db()
    assert sent.statut == StatutSms.ECHEC


def test_undelivered_and_unknown_callbacks(client, sent):
    assert status(client, "SM-inconnu", "delivered").status_code == 204
    assert status(client, sent.provider_id, "statut-bizarre").status_code == 204
    sent.refresh_from_db()
    assert sent.statut == StatutSms.ENVOYE
    status(client, sent.provider_id, "undelivered", error="30006")
    sent.refresh_from_db()
    assert (sent.statut, sent.erreur_code) == (StatutSms.NON_DELIVRE, "30006")


# Inbound


def test_inbound_is_stored_once_and_answered_with_empty_twiml(client, sms_delivered):
    b = BeneficiaireFactory(consentant=True)
    for _ in range(3):
        response = inbound(client, b.telephone.as_e164, "bonjour", sid="SM-repete")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/xml")
        assert b"<Response/>" in response.content
    recu = SmsRecu.objects.get()
    assert recu.traite_le is not None and recu.mot_cle == ""
    assert len(replies()) == 1 and len(sms_delivered) == 1  # the help text, once


@pytest.mark.parametrize("word", ["stop", " Arrêt ", "ARRET", "arrêt.", "Stop !", "arret"])
def test_stop_variants_opt_out_the_number_once(client, sms_delivered, word):
    b = BeneficiaireFactory(consentant=True)
    inbound(client, b.telephone.as_e164, word)
    inbound(client, b.telephone.as_e164, "STOP")  # a second STOP: nothing more
    optout = OptOut.objects.get()
    assert (optout.telephone, optout.canal) == (b.telephone.as_e164, "sms")
    assert [r.telephone for r in replies()] == [b.telephone.as_e164]
    assert len(sms_delivered) == 1 and "START" in sms_delivered[0]
    assert set(SmsRecu.objects.values_list("mot_cle", flat=True)) == {"STOP"}
    refused = send_sms(beneficiaire=b, body="Rappel", kind="t")
    assert not refused.sent and "ne plus recevoir" in refused.reason


def test_stop_applies_to_everyone_sharing_the_number(client):
    first = BeneficiaireFactory(consentant=True)
    second = BeneficiaireFactory(consentant=True, telephone=first.telephone)
    inbound(client, first.telephone.as_e164, "STOP")
    assert OptOut.objects.count() == 1
    assert replies()[0].beneficiaire is None  # shared number: not filed under one person
    for b in (first, second):
        assert not send_sms(beneficiaire=b, body="Rappel", kind="t").sent


def test_stop_from_an_unknown_number_is_still_honoured(client, sms_delivered):
    inbound(client, "+33698765432", "STOP")
    assert OptOut.objects.filter(telephone="+33698765432").exists()
    assert len(sms_delivered) == 1


def test_start_removes_the_opt_out_and_confirms(client, sms_delivered):
    b = BeneficiaireFactory(consentant=True)
    inbound(client, b.telephone.as_e164, "STOP")
    inbound(client, b.telephone.as_e164, " start ")
    assert not OptOut.objects.exists()
    assert "de nouveau" in sms_delivered[-1]
    assert send_sms(beneficiaire=b, body="Rappel", kind="t").sent


def test_aide_and_unknown_words_get_the_help_text(client, sms_delivered):
    b = BeneficiaireFactory(consentant=True)
    inbound(client, b.telephone.as_e164, "aide")
    inbound(client, b.telephone.as_e164, "Quand est mon atelier ?")
    assert len(sms_delivered) == 2
    for text in sms_delivered:
        assert "05 55 12 34 56" in text
        assert "STOP" in text and "START" in text and "AIDE" in text
    assert list(SmsRecu.objects.order_by("pk").values_list("mot_cle", flat=True)) == ["AIDE", ""]


def test_an_opted_out_number_gets_aide_but_no_help_for_unknown_words(client, sms_delivered):
    OptOut.objects.create(telephone="+33698765432", canal="pro")
    inbound(client, "+33698765432", "n'importe quoi")
    assert sms_delivered == []
    inbound(client, "+33698765432", "AIDE")
    assert len(sms_delivered) == 1


def test_replies_per_number_are_capped(client, settings, sms_delivered):
    settings.SMS_REPLY_DAILY_CAP = 2
    for _ in range(4):
        inbound(client, "+33698765432", "???")
    assert len(sms_delivered) == 2 and SmsRecu.objects.count() == 4


@pytest.fixture
def solde():
    calls = []

    def handler(message):
        calls.append(message)
        return f"Il vous reste 3 chèques ({message.argument or 'tous'})."

    register_keyword("SOLDE", handler, "SOLDE pour vos chèques restants")
    yield calls
    unregister_keyword("SOLDE")


def test_a_keyword_registered_by_a_higher_layer_is_called(client, solde, sms_delivered):
    b = BeneficiaireFactory(consentant=True)
    inbound(client, b.telephone.as_e164, " Solde  pass ")
    assert [(m.telephone, m.beneficiaires, m.argument) for m in solde] == [
        (b.telephone.as_e164, [b], "PASS")
    ]
    assert sms_delivered == ["Il vous reste 3 chèques (PASS)."]
    assert replies()[0].beneficiaire == b
    inbound(client, b.telephone.as_e164, "AIDE")
    assert "SOLDE pour vos chèques restants" in sms_delivered[-1]


def test_keyword_normalization():
    assert normalize(" Arrêt. ") == "ARRET"
    assert normalize("\tstop\n") == "STOP"
    assert normalize("Annuler   12") == "ANNULER 12"


def test_no_phone_number_or_body_in_logs(client, caplog, solde):
    caplog.set_level(logging.DEBUG)
    inbound(client, "+33698765432", "Message très personnel")
    inbound(client, "+33698765432", "STOP")
    post(client, "entrant", {"MessageSid": "SM9", "From": "+33698765432", "Body": "x"}, "bad")
    logs = caplog.text
    assert "98765432" not in logs and "personnel" not in logs


# A callback that arrives before the provider's answer


class _CallbackFirst:
    """A backend whose provider calls back (signed, as Twilio does, on the URL named in the
    message) before its answer with the sid reaches us."""

    client = None
    status = "failed"
    error = "30006"

    def send(self, message):
        url = f"{reverse('sms:statut')}?m={message.message_id}"
        data = {"MessageSid": "SMearly", "MessageStatus": self.status, "ErrorCode": self.error}
        signature = twilio_signature(f"http://testserver{url}", data, TOKEN)
        response = self.client.post(url, data, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 204
        return "SMearly"


@pytest.fixture
def callback_first(client, settings):
    _CallbackFirst.client = client
    settings.SMS_BACKEND = f"{__name__}._CallbackFirst"
    return _CallbackFirst


def test_a_failure_callback_before_the_sid_is_not_lost(callback_first):
    b = BeneficiaireFactory(consentant=True)
    message = send_sms(beneficiaire=b, body="Votre atelier demain à 14 h.", kind="t").message
    message.refresh_from_db()
    assert message.provider_id == "SMearly"
    assert message.statut == StatutSms.ECHEC  # not overwritten by "Envoyé"
    assert message.erreur_code == "30006"
    assert message.erreur == "Numéro fixe ou opérateur injoignable."


def test_a_delivered_callback_before_the_sid_is_kept(callback_first):
    callback_first.status, callback_first.error = "delivered", ""
    try:
        b = BeneficiaireFactory(consentant=True)
        message = send_sms(beneficiaire=b, body="Votre atelier demain à 14 h.", kind="t").message
    finally:
        callback_first.status, callback_first.error = "failed", "30006"
    message.refresh_from_db()
    assert message.statut == StatutSms.DELIVRE and message.provider_id == "SMearly"


def test_the_message_named_in_the_url_is_only_a_fallback(client, sent):
    """A callback naming another row that already has its own sid changes nothing there."""
    other = send_sms(
        beneficiaire=BeneficiaireFactory(consentant=True), body="Autre texte.", kind="t"
    ).message
    url = f"{reverse('sms:statut')}?m={other.pk}"
    data = {"MessageSid": sent.provider_id, "MessageStatus": "delivered"}
    signature = twilio_signature(f"http://testserver{url}", data, TOKEN)
    assert client.post(url, data, headers={"X-Twilio-Signature": signature}).status_code == 204
    sent.refresh_from_db()
    other.refresh_from_db()
    assert sent.statut == StatutSms.DELIVRE
    assert other.statut == StatutSms.ENVOYE
