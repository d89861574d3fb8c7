"""send_code_sms: one-time codes to a number typed on the public site, before any file."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from inclusion.models import OptOut, SmsMessage, StatutSms
from inclusion.services.telephones import parse_phone
from inclusion.sms import send_code_sms

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
PARIS = ZoneInfo("Europe/Paris")


def test_code_is_not_held_back_by_the_send_window(settings):
    settings.SMS_SEND_WINDOW = True
    night = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=PARIS)  # a Sunday night
    result = send_code_sms(
        telephone=parse_phone("06 12 34 56 78"),
        body="Votre code : 482913",
        secret="482913",
        now=night,
    )
    assert result.sent
    message = SmsMessage.objects.get()
    assert message.beneficiaire is None
    assert message.pas_avant == night
    assert message.inutile_apres == night + datetime.timedelta(minutes=10)


def test_code_is_delivered_and_masked_in_the_kept_copy(sms_delivered):
    result = send_code_sms(
        telephone=parse_phone("06 45 12 34 56"), body="Votre code : 482913", secret="482913"
    )
    assert result.sent
    message = SmsMessage.objects.get()
    assert sms_delivered == ["Votre code : 482913"]
    assert message.statut == StatutSms.ENVOYE
    assert "482913" not in message.corps


def test_landline_and_opt_out_are_refused_in_french():
    fixe = send_code_sms(telephone=parse_phone("05 56 00 00 00"), body="code 1", secret="1")
    assert not fixe.sent and "portable" in fixe.reason
    OptOut.objects.create(telephone="+33612345678", canal="sms")
    stop = send_code_sms(telephone=parse_phone("0612345678"), body="code 1", secret="1")
    assert not stop.sent and "ne plus recevoir" in stop.reason
    assert not SmsMessage.objects.exists()


def test_daily_cap_per_number(settings):
    settings.SMS_CODE_DAILY_CAP = 2
    tel = parse_phone("07 81 23 45 01")
    results = [send_code_sms(telephone=tel, body=f"code {i}", secret=str(i)) for i in range(3)]
    assert [r.sent for r in results] == [True, True, False]
    assert "trop de codes" in results[2].reason
    other = send_code_sms(telephone=parse_phone("07 81 23 45 02"), body="code 9", secret="9")
    assert other.sent
