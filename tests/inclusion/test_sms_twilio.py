"""The Twilio backend, through the official client, against a local fake Twilio."""

import datetime
import logging
import socket
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from inclusion.models import SmsMessage, StatutSms
from inclusion.sms import OutgoingSms, send_sms
from inclusion.sms.backends.base import PermanentSmsError, TransientSmsError
from inclusion.sms.backends.twilio import TwilioBackend
from inclusion.sms.delivery import send_due
from tests.inclusion.factories import BeneficiaireFactory
from tests.inclusion.fake_twilio import fake_twilio_fixture  # noqa: F401

TO = "+33612345678"
BODY = "Votre atelier Smartphone est demain à 14 h."


def outgoing(to=TO, body=BODY):
    return OutgoingSms(to=to, body=body, kind="rappel_atelier")


def test_success_returns_the_sid_and_sends_to_body_and_callback(fake_twilio, settings):
    sid = TwilioBackend().send(outgoing())
    assert sid == fake_twilio.sids[0] and sid.startswith("SM")
    [request] = fake_twilio.requests
    assert request.authorized
    assert request.path == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Messages.json"
    assert request.form["To"] == TO
    assert request.form["Body"] == BODY
    assert request.form["From"] == "+15005550006"
    assert request.form["StatusCallback"] == f"{settings.SITE_URL}/sms/statut/"
    assert "MessagingServiceSid" not in request.form


def test_the_callback_url_names_the_outbox_row(fake_twilio, settings):
    message = OutgoingSms(to=TO, body=BODY, kind="rappel_atelier", message_id=42)
    TwilioBackend().send(message)
    [request] = fake_twilio.requests
    assert request.form["StatusCallback"] == f"{settings.SITE_URL}/sms/statut/?m=42"


def test_a_messaging_service_replaces_the_from_number(fake_twilio, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    TwilioBackend().send(outgoing())
    form = fake_twilio.requests[0].form
    assert form["MessagingServiceSid"] == "MG" + "1" * 32 and "From" not in form


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limit_and_provider_errors_are_transient(fake_twilio, status):
    fake_twilio.script = [status]
    with pytest.raises(TransientSmsError) as error:
        TwilioBackend().send(outgoing())
    assert error.value.code == {429: "20429", 500: "20500", 503: "20503"}[status]


def test_a_timeout_is_transient(fake_twilio):
    fake_twilio.script = ["hang"]
    started = time.monotonic()
    with pytest.raises(TransientSmsError) as error:
        TwilioBackend().send(outgoing())
    assert error.value.code == "timeout" and "peut-être" in str(error.value)
    assert time.monotonic() - started < 3  # TWILIO_TIMEOUT = 0.5 s


def test_no_server_is_transient(fake_twilio, settings):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with pytest.raises(TransientSmsError) as error:
        TwilioBackend().send(outgoing())
    assert error.value.code == "network"


@pytest.mark.parametrize("code", [21211, 21610, 21612, 21614])
def test_unreachable_numbers_are_permanent_and_the_number_is_not_repeated(fake_twilio, code):
    fake_twilio.script = [("error", 400, code)]
    with pytest.raises(PermanentSmsError) as error:
        TwilioBackend().send(outgoing())
    assert error.value.code == str(code)
    assert TO not in str(error.value)  # Twilio's message quotes the number: not kept
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_other_client_errors_are_permanent(fake_twilio):
    fake_twilio.script = [("error", 400, 21602)]  # "Message body is required"
    with pytest.raises(PermanentSmsError) as error:
        TwilioBackend().send(outgoing())
    assert error.value.code == "21602"


def test_wrong_credentials_are_refused_by_the_fake(fake_twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong"
    with pytest.raises(PermanentSmsError) as error:
        TwilioBackend().send(outgoing())
    assert error.value.code == "20003" and not fake_twilio.requests[0].authorized


def test_missing_configuration_is_loud(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(ImproperlyConfigured):
        TwilioBackend()
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "0" * 32, "token"
    settings.TWILIO_MESSAGING_SERVICE_SID, settings.SMS_FROM_NUMBER = "", ""
    with pytest.raises(ImproperlyConfigured):
        TwilioBackend()


@pytest.fixture
def twilio_backend(fake_twilio, settings, caplog):
    settings.SMS_BACKEND = "inclusion.sms.backends.twilio.TwilioBackend"
    caplog.set_level(logging.DEBUG)
    return fake_twilio


def assert_private(caplog, beneficiaire, *bodies):
    text = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for secret in (beneficiaire.telephone.as_e164, beneficiaire.telephone.as_e164[3:], *bodies):
        assert secret not in text


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_end_to_end_outage_then_recovery(twilio_backend, caplog):
    b = BeneficiaireFactory(consentant=True)
    body = "Votre code d'accès : K7MQ2345. Atelier lundi à 10 h."
    now = timezone.now()
    twilio_backend.script = [503, 503]  # the task's attempt, then the first sweep
    result = send_sms(beneficiaire=b, body=body, kind="t", secrets=["K7MQ2345"], now=now)
    assert result.sent
    message = SmsMessage.objects.get()
    assert (message.statut, message.tentatives, message.erreur_code) == (
        StatutSms.A_ENVOYER, 1, "20503",
    )  # fmt: skip
    first_retry = message.pas_avant  # about a minute after the task's attempt
    assert first_retry > now
    assert send_due(now=first_retry) == {StatutSms.A_ENVOYER: 1}
    minute = datetime.timedelta(minutes=1)
    assert send_due(now=first_retry + minute) == {}  # backoff: now 2 minutes
    assert send_due(now=first_retry + 2 * minute) == {StatutSms.ENVOYE: 1}
    message.refresh_from_db()
    assert message.statut == StatutSms.ENVOYE and message.tentatives == 3
    assert message.provider_id == twilio_backend.sids[0]
    assert "K7MQ2345" not in message.corps and message.erreur_code == ""
    sent = [r.form for r in twilio_backend.requests]
    assert [f["Body"] for f in sent] == [body] * 3  # the same text each time, secret in clear
    assert {f["To"] for f in sent} == {b.telephone.as_e164}
    assert_private(caplog, b, body, "K7MQ2345")


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_end_to_end_permanent_error_is_not_retried(twilio_backend, caplog):
    b = BeneficiaireFactory(consentant=True)
    now = timezone.now()
    twilio_backend.script = [("error", 400, 21211)]
    result = send_sms(beneficiaire=b, body="Rappel : atelier mardi.", kind="t", now=now)
    assert result.sent  # accepted by the platform; the provider refused it afterwards
    message = SmsMessage.objects.get()
    assert (message.statut, message.erreur_code) == (StatutSms.ECHEC, "21211")
    assert b.telephone.as_e164 not in message.erreur
    assert send_due(now=now + datetime.timedelta(hours=2)) == {}
    assert len(twilio_backend.requests) == 1
    assert_private(caplog, b, "Rappel : atelier mardi.")


def test_codes_are_signed_with_the_collectivite_name_when_set(fake_twilio, monkeypatch):
    from inclusion import registry

    habillage = registry.Habillage(nom="Ville", telephone_aide="05", expediteur_sms="LYSESTUAIRE")
    monkeypatch.setattr(registry, "_habillage_provider", lambda request: habillage)
    TwilioBackend().send(OutgoingSms(to=TO, body="Votre code : 123456", kind="code_confirmation"))
    TwilioBackend().send(outgoing())
    code, reminder = (r.form for r in fake_twilio.requests)
    assert code["From"] == "LYSESTUAIRE"
    # A reminder can be answered (ANNULER, STOP): it keeps the number that receives replies.
    assert reminder["From"] == "+15005550006"
