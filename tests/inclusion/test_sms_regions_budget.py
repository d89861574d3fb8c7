"""Issue 12, "Public surfaces that cost money": SMS only to French mobiles (metropolitan and
overseas, INCLUSION_SMS_REGIONS) whatever the door, and an hourly budget of code SMS that,
once spent, shows the help number and alerts the coordinators once per hour."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
import time_machine

from inclusion.enums import Role, TypeTelephone
from inclusion.models import Journal, OutgoingEmail, SmsMessage, SmsRecu
from inclusion.services.telephones import parse_phone, refus_sms
from inclusion.sms import budget, send_code_sms, send_sms
from inclusion.sms.inbound import handle
from inclusion.sms.service import QueuedSms, queue_many
from tests.inclusion.factories import BeneficiaireFactory, member

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
REGIONS = ["FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"]


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def mobile_de(region):
    numero = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    return phonenumbers.format_number(numero, phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize("region", REGIONS)
def test_french_mobiles_of_every_region_may_get_sms(region):
    tel = parse_phone(mobile_de(region))
    assert tel.sms_possible and tel.refus == ""
    assert refus_sms(tel.e164) == ""


@pytest.mark.parametrize("region", ["CI", "GB", "US", "BE", "MA", "SN"])
def test_foreign_mobiles_are_valid_numbers_but_get_no_sms(region):
    tel = parse_phone(mobile_de(region))
    assert tel is not None and not tel.sms_possible
    assert refus_sms(tel.e164) in ("hors_zone", "fixe")


def test_the_regions_are_a_setting(settings):
    settings.INCLUSION_SMS_REGIONS = ["FR"]
    assert parse_phone(mobile_de("GP")).refus == "hors_zone"
    assert parse_phone("06 12 34 56 78").sms_possible


def test_no_code_sms_to_a_foreign_mobile(sms_delivered):
    result = send_code_sms(
        telephone=parse_phone("+225 07 01 23 45 67"), body="Votre code : 123456.", secret="123456"
    )
    assert not result.sent and result.code == "hors_zone"
    assert "portables français" in result.reason
    assert not SmsMessage.objects.exists() and sms_delivered == []


def test_no_sms_at_all_to_a_file_with_a_foreign_mobile(sms_delivered):
    b = BeneficiaireFactory(
        consentant=True, telephone="+2250701234567", type_telephone=TypeTelephone.MOBILE
    )
    result = send_sms(beneficiaire=b, body="Rappel", kind="t")
    assert not result.sent and result.code == "hors_zone"
    assert queue_many([QueuedSms(beneficiaire=b, body="Rappel", kind="t")]) == 0
    assert not SmsMessage.objects.exists() and sms_delivered == []


def test_no_keyword_reply_to_a_foreign_number(sms_delivered):
    recu = SmsRecu.objects.create(
        provider_id="SM-etranger", telephone="+2250701234567", corps="AIDE"
    )
    handle(recu.pk)
    assert sms_delivered == []


# The hourly budget


def _code(numero, now):
    with time_machine.travel(now, tick=False):
        return send_code_sms(
            telephone=parse_phone(numero), body="Votre code : 123456.", secret="123456", now=now
        )


def alertes():
    """The budget alerts in the e-mail outbox (the worker sends them), read like sent mail."""
    return [
        SimpleNamespace(to=[m.destinataire], subject=m.sujet, body=m.texte)
        for m in OutgoingEmail.objects.filter(kind=budget.KIND_ALERTE).order_by("pk")
    ]


def test_hourly_budget_then_help_number_and_one_alert_per_hour(
    settings, django_capture_on_commit_callbacks, sms_delivered
):
    settings.SMS_CODE_HOURLY_BUDGET = 3
    settings.HELP_PHONE = "05 55 12 34 56"
    member(Role.COORDINATEUR, email="coordination@agglo.example")
    member(Role.MEDIATEUR, email="mediateur@agglo.example")
    for i in range(3):
        assert _code(f"06 12 34 56 {i:02d}", at(2027, 3, 15, 14, 10 + i)).sent
    with django_capture_on_commit_callbacks(execute=True):
        refused = _code("06 12 34 56 10", at(2027, 3, 15, 14, 20))
    assert not refused.sent and refused.code == "budget"
    assert "05 55 12 34 56" in refused.reason and "Appelez-nous" in refused.reason
    assert len(alertes()) == 1
    assert alertes()[0].to == ["coordination@agglo.example"]
    assert "codes SMS" in alertes()[0].subject
    assert "06 12 34 56" not in alertes()[0].body  # no number in the alert
    assert "depuis 14 h sur le site public" in alertes()[0].body  # inclusion.mots_du_temps
    assert "jusqu'à 15 h :" in alertes()[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert _code("06 12 34 56 11", at(2027, 3, 15, 14, 50)).code == "budget"
    assert len(alertes()) == 1  # once per hour
    assert Journal.objects.filter(action="sms.budget_codes_atteint").count() == 1
    assert len(sms_delivered) == 3
    # The next hour, codes go again.
    assert _code("06 12 34 56 12", at(2027, 3, 15, 15, 0)).sent
    assert len(sms_delivered) == 4


def test_budget_alert_goes_through_the_outbox_to_every_coordinator(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    """The worker sends it (retries, the collectivité's habillage, an HTML part), one e-mail
    per coordinator; nobody else gets it."""
    from inclusion.emails.delivery import send_due

    settings.SMS_CODE_HOURLY_BUDGET = 1
    member(Role.COORDINATEUR, email="coordination@agglo.example")
    member(Role.COORDINATEUR, email="numerique@agglo.example")
    member(Role.MEDIATEUR, email="mediateur@agglo.example")
    assert _code("06 12 34 56 00", at(2027, 3, 15, 9, 5)).sent
    with time_machine.travel(at(2027, 3, 15, 9, 6), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert _code("06 12 34 56 01", at(2027, 3, 15, 9, 6)).code == "budget"
        send_due()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "coordination@agglo.example",
        "numerique@agglo.example",
    ]
    message = mailoutbox[0]
    assert "jusqu'à 10 h" in message.body
    assert "Besoin d'aide ? Appelez le" in message.body  # the habillage's footer
    assert message.alternatives and "Trop de codes SMS" in message.alternatives[0][0]
