import pytest

from inclusion.models import Journal
from inclusion.sms import send_sms
from tests.inclusion.factories import BeneficiaireFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_sms_sent_with_consent_to_a_mobile(sms_outbox):
    b = BeneficiaireFactory(consentant=True)
    result = send_sms(beneficiaire=b, body="Bonjour", kind="test")
    assert result.sent and result.provider_id.startswith("memory-")
    assert [(m.to, m.body) for m in sms_outbox] == [(b.telephone.as_e164, "Bonjour")]
    line = Journal.objects.get(action="sms.envoi")
    assert "Bonjour" not in str(line.details)


@pytest.mark.parametrize(
    "traits,reason",
    [
        ({"avec_mobile": True}, "pas accepté"),
        ({"avec_fixe": True}, "fixe"),
        ({}, "pas de téléphone"),
    ],
)
def test_sms_refused_without_consent_mobile_or_phone(sms_outbox, traits, reason):
    b = BeneficiaireFactory(**traits)
    result = send_sms(beneficiaire=b, body="Bonjour", kind="test")
    assert not result.sent
    assert reason in result.reason
    assert sms_outbox == []


def test_console_backend_prints_masked_number(capsys, settings):
    settings.SMS_BACKEND = "inclusion.sms.backends.console.ConsoleBackend"
    from inclusion.sms.backends import console

    b = BeneficiaireFactory(consentant=True)
    send_sms(beneficiaire=b, body="Rappel atelier", kind="test")
    out = capsys.readouterr().out
    assert "Rappel atelier" in out
    assert b.telephone.as_e164 not in out
    assert console.sent[-1].body == "Rappel atelier"


def test_secrets_are_masked_once_sent(sms_outbox, sms_delivered, capsys, settings):
    b = BeneficiaireFactory(consentant=True)
    send_sms(
        beneficiaire=b, body="Lien : /p/K7MQ3ZP9XW2HD4RTV", kind="t", secrets=("K7MQ3ZP9XW2HD4RTV",)
    )
    assert sms_delivered == ["Lien : /p/K7MQ3ZP9XW2HD4RTV"]
    assert sms_outbox[0].body == "Lien : /p/•••••••••••••••••"  # masked whole (issue 12)
    settings.SMS_BACKEND = "inclusion.sms.backends.console.ConsoleBackend"
    send_sms(
        beneficiaire=b, body="Lien : /p/K7MQ3ZP9XW2HD4RTV", kind="t", secrets=("K7MQ3ZP9XW2HD4RTV",)
    )
    assert "K7MQ3ZP9XW2HD4RTV" not in capsys.readouterr().out
