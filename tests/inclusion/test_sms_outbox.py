import datetime
import logging
from zoneinfo import ZoneInfo

import pytest

from inclusion.models import OptOut, SmsMessage, StatutSms
from inclusion.sms import send_sms
from inclusion.sms.backends.base import PermanentSmsError, TransientSmsError
from inclusion.sms.delivery import send_due
from tests.inclusion.factories import BeneficiaireFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


class ScriptedBackend:
    """Answers in turn from a script: an exception class or a provider id."""

    script = []
    calls = []

    def send(self, message):
        ScriptedBackend.calls.append(message.body)
        step = ScriptedBackend.script.pop(0)
        if isinstance(step, type) and issubclass(step, Exception):
            raise step("panne simulée", code="503")
        return step


@pytest.fixture
def scripted(settings):
    settings.SMS_BACKEND = f"{__name__}.ScriptedBackend"
    ScriptedBackend.script, ScriptedBackend.calls = [], []
    return ScriptedBackend


def test_outbox_row_then_sent(sms_outbox):
    b = BeneficiaireFactory(consentant=True)
    result = send_sms(beneficiaire=b, body="Votre atelier demain à 14 h.", kind="t")
    assert result.sent
    message = SmsMessage.objects.get()
    assert message.statut == StatutSms.ENVOYE and message.provider_id.startswith("memory-")
    assert (message.encodage, message.segments) == ("GSM-7", 1)
    assert [m.body for m in sms_outbox] == ["Votre atelier demain à 14 h."]


def test_outside_the_window_it_waits_for_the_next_opening(settings, sms_outbox):
    settings.SMS_SEND_WINDOW = True
    b = BeneficiaireFactory(consentant=True)
    sunday = at(2027, 3, 28, 11, 0)
    result = send_sms(beneficiaire=b, body="Rappel", kind="t", now=sunday)
    assert result.sent and result.scheduled_for == at(2027, 3, 30, 9, 0)  # Easter Monday skipped
    assert sms_outbox == []
    assert send_due(now=at(2027, 3, 29, 10, 0)) == {}
    assert send_due(now=at(2027, 3, 30, 9, 0)) == {StatutSms.ENVOYE: 1}
    assert len(sms_outbox) == 1


def test_a_message_that_would_arrive_too_late_is_not_queued(settings):
    settings.SMS_SEND_WINDOW = True
    b = BeneficiaireFactory(consentant=True)
    result = send_sms(
        beneficiaire=b,
        body="Rappel",
        kind="t",
        now=at(2027, 3, 27, 19, 30),  # Saturday evening
        useless_after=at(2027, 3, 29, 14, 0),  # Monday 14:00 workshop (Easter Monday)
    )
    assert not result.sent and "trop tard" in result.reason
    assert not SmsMessage.objects.exists()


def test_idempotency_key_prevents_a_second_identical_reminder(sms_outbox):
    b = BeneficiaireFactory(consentant=True)
    first = send_sms(beneficiaire=b, body="Rappel", kind="t", key="rappel-48h:inscription#1")
    again = send_sms(beneficiaire=b, body="Rappel", kind="t", key="rappel-48h:inscription#1")
    assert first.sent and not again.sent
    assert SmsMessage.objects.count() == 1 and len(sms_outbox) == 1


@pytest.mark.parametrize(
    "setup,reason",
    [
        ("optout", "ne plus recevoir"),
        ("past", "passé"),
        ("cap", "assez de SMS"),
    ],
)
def test_central_refusals(setup, reason, settings):
    b = BeneficiaireFactory(consentant=True)
    kwargs = {}
    if setup == "optout":
        OptOut.objects.create(telephone=b.telephone.as_e164, canal="sms")
    elif setup == "past":
        from django.utils import timezone

        kwargs["event_at"] = timezone.now() - datetime.timedelta(minutes=1)
    else:
        settings.SMS_DAILY_CAP = 2
        for _ in range(2):
            assert send_sms(beneficiaire=b, body="Un", kind="t").sent
    result = send_sms(beneficiaire=b, body="Message", kind="t", **kwargs)
    assert not result.sent and reason in result.reason


def test_transient_errors_are_retried_with_backoff(scripted):
    scripted.script = [TransientSmsError, TransientSmsError, "SM123"]
    b = BeneficiaireFactory(consentant=True)
    send_sms(beneficiaire=b, body="Rappel", kind="t")
    message = SmsMessage.objects.get()
    assert message.statut == StatutSms.A_ENVOYER and message.tentatives == 1
    first_retry = message.pas_avant
    assert send_due(now=first_retry) == {StatutSms.A_ENVOYER: 1}
    message.refresh_from_db()
    assert message.pas_avant - first_retry == datetime.timedelta(minutes=2)
    assert send_due(now=message.pas_avant) == {StatutSms.ENVOYE: 1}
    message.refresh_from_db()
    assert message.provider_id == "SM123" and message.tentatives == 3


def test_an_outage_never_delivers_after_the_event(scripted):
    from django.utils import timezone

    scripted.script = [TransientSmsError] * 10
    b = BeneficiaireFactory(consentant=True)
    start = timezone.now() + datetime.timedelta(minutes=3)
    send_sms(beneficiaire=b, body="Rappel", kind="t", useless_after=start)
    message = SmsMessage.objects.get()
    assert message.statut == StatutSms.A_ENVOYER
    send_due(now=message.pas_avant)  # second failure: the next retry would be too late
    message.refresh_from_db()
    assert message.statut == StatutSms.EXPIRE
    assert send_due(now=start + datetime.timedelta(hours=1)) == {}
    assert len(scripted.calls) == 2


def test_permanent_errors_are_never_retried(scripted):
    scripted.script = [PermanentSmsError]
    b = BeneficiaireFactory(consentant=True)
    send_sms(beneficiaire=b, body="Rappel", kind="t")
    message = SmsMessage.objects.get()
    assert message.statut == StatutSms.ECHEC and message.erreur_code == "503"
    assert send_due(now=message.pas_avant + datetime.timedelta(days=1)) == {}


def test_secrets_are_masked_in_the_outbox_once_sent(sms_delivered):
    b = BeneficiaireFactory(consentant=True)
    send_sms(
        beneficiaire=b,
        body="Votre pass : https://x.fr/p/K7MQ3ZP9XW2HD4RTV",
        kind="pass_lien",
        secrets=("K7MQ3ZP9XW2HD4RTV",),
    )
    assert sms_delivered == ["Votre pass : https://x.fr/p/K7MQ3ZP9XW2HD4RTV"]
    corps = SmsMessage.objects.get().corps
    # Masked whole since issue 12 (the first 4 characters were kept).
    assert "K7MQ3ZP9XW2HD4RTV" not in corps and corps.endswith("/p/" + "•" * 17)


def test_no_phone_number_or_body_in_logs(caplog, scripted):
    caplog.set_level(logging.DEBUG)
    scripted.script = [TransientSmsError, PermanentSmsError]
    b = BeneficiaireFactory(consentant=True)
    send_sms(beneficiaire=b, body="Secret médical", kind="t")
    send_due(now=SmsMessage.objects.get().pas_avant)
    text = caplog.text
    assert b.telephone.as_e164 not in text and "Secret" not in text
    assert b.telephone.as_e164[3:] not in text
