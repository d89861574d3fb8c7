import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from inclusion.models import SmsMessage, SmsRecu

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _message(days):
    m = SmsMessage.objects.create(
        telephone="+33600000001",
        corps="Texte",
        kind="t",
        encodage="GSM-7",
        segments=1,
        pas_avant=timezone.now(),
    )
    SmsMessage.objects.filter(pk=m.pk).update(
        cree_le=timezone.now() - datetime.timedelta(days=days)
    )
    return m


def test_purge_is_dry_run_then_wipes_bodies_and_old_rows(capsys):
    recent, old_body, ancient = _message(10), _message(100), _message(800)
    assert ancient.pk
    inbound = SmsRecu.objects.create(provider_id="SM1", telephone="+33600000001", corps="STOP")
    SmsRecu.objects.filter(pk=inbound.pk).update(
        recu_le=timezone.now() - datetime.timedelta(days=100)
    )
    call_command("purge_sms")
    assert "Simulation" in capsys.readouterr().out
    assert SmsMessage.objects.count() == 3
    call_command("purge_sms", "--wet-run")
    assert set(SmsMessage.objects.values_list("pk", flat=True)) == {recent.pk, old_body.pk}
    assert SmsMessage.objects.get(pk=old_body.pk).corps == ""
    assert SmsMessage.objects.get(pk=recent.pk).corps == "Texte"
    assert SmsRecu.objects.get().corps == ""
