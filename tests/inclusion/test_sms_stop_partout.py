"""Issue 12, "STOP stops everything": one opt-out service (keyword, link, espace pro) that
cancels what waits in the outbox, a last check in delivery, STOP confirmed at most once a day,
and secrets masked whole on every final status."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import Journal, OptOut, SmsMessage, SmsRecu, StatutSms
from inclusion.sms import send_sms
from inclusion.sms.backends.base import PermanentSmsError, TransientSmsError
from inclusion.sms.delivery import deliver, send_due
from inclusion.sms.inbound import KIND_REPLY, handle
from inclusion.sms.optout import MOTIF_REFUS, lien_stop, refuse_sms
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.inclusion.test_sms_outbox import ScriptedBackend

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
_sids = itertools.count(1)


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def recevoir(telephone, corps, quand):
    """An inbound SMS handled by the inbound service at `quand` (frozen)."""
    with time_machine.travel(quand, tick=False):
        recu = SmsRecu.objects.create(
            provider_id=f"SM{next(_sids):030d}", telephone=telephone, corps=corps
        )
        return handle(recu.pk, now=quand)


def rappel_en_attente(beneficiaire, cree, part):
    """A reminder written at `cree` (frozen), to be sent at `part`."""
    with time_machine.travel(cree, tick=False):
        result = send_sms(
            beneficiaire=beneficiaire,
            body="Rappel : atelier Utiliser son téléphone demain à 10 h.",
            kind="rappel_48h",
            not_before=part,
            now=cree,
        )
    assert result.sent and result.message.statut == StatutSms.A_ENVOYER
    return result.message


def test_stop_at_20h_cancels_the_reminder_queued_at_19h30_for_9h(sms_delivered):
    b = BeneficiaireFactory(consentant=True)
    rappel = rappel_en_attente(b, at(2027, 3, 15, 19, 30), at(2027, 3, 16, 9, 0))
    assert recevoir(b.telephone.as_e164, "STOP", at(2027, 3, 15, 20, 0)) == "STOP"
    rappel.refresh_from_db()
    assert rappel.statut == StatutSms.ANNULE and rappel.erreur_code == MOTIF_REFUS
    # The STOP confirmation itself still goes, and nothing else the next morning.
    assert len(sms_delivered) == 1 and "START" in sms_delivered[0]
    with time_machine.travel(at(2027, 3, 16, 9, 0), tick=False):
        assert send_due(now=at(2027, 3, 16, 9, 0)) == {}
    assert len(sms_delivered) == 1


@pytest.mark.parametrize("porte", ["lien", "pro"])
def test_the_link_and_the_espace_pro_cancel_queued_messages_too(client, porte, sms_delivered):
    b = BeneficiaireFactory(consentant=True)
    rappel = rappel_en_attente(b, at(2027, 3, 15, 19, 30), at(2027, 3, 16, 9, 0))
    with time_machine.travel(at(2027, 3, 15, 20, 0), tick=False):
        if porte == "lien":
            url = lien_stop(b).split("://", 1)[1].split("/", 1)[1]
            assert client.post("/" + url).status_code == 200
        else:
            client.force_login(member(Role.MEDIATEUR, structure=b.structure))
            assert client.post(reverse("pro:sms_refus", args=[b.uuid])).status_code == 302
    rappel.refresh_from_db()
    assert rappel.statut == StatutSms.ANNULE and rappel.erreur_code == MOTIF_REFUS
    assert OptOut.objects.get().canal == porte
    assert Journal.objects.filter(action="sms.stop", details__canal=porte).count() == 1
    assert send_due(now=at(2027, 3, 16, 9, 0)) == {} and sms_delivered == []


def test_opt_out_and_cancellation_are_one_transaction():
    b = BeneficiaireFactory(consentant=True)
    rappel = rappel_en_attente(b, at(2027, 3, 15, 19, 30), at(2027, 3, 16, 9, 0))
    other = BeneficiaireFactory(consentant=True)
    autre = rappel_en_attente(other, at(2027, 3, 15, 19, 30), at(2027, 3, 16, 9, 0))
    resultat = refuse_sms(telephone=b.telephone, canal="pro")
    assert (resultat.cree, resultat.annules) == (True, 1)
    rappel.refresh_from_db()
    autre.refresh_from_db()
    assert rappel.statut == StatutSms.ANNULE and autre.statut == StatutSms.A_ENVOYER
    # A second opt-out changes nothing and journals nothing more.
    assert refuse_sms(telephone=b.telephone, canal="sms").cree is False
    assert Journal.objects.filter(action="sms.stop").count() == 1


def test_delivery_cancels_a_message_to_a_number_that_opted_out_since_it_was_queued(
    sms_delivered,
):
    b = BeneficiaireFactory(consentant=True)
    rappel = rappel_en_attente(b, at(2027, 3, 15, 19, 30), at(2027, 3, 16, 9, 0))
    # Written without the service (an older process, a data import): delivery still checks.
    OptOut.objects.create(telephone=b.telephone.as_e164, canal="sms")
    assert deliver(rappel.pk, now=at(2027, 3, 16, 9, 0)) == StatutSms.ANNULE
    rappel.refresh_from_db()
    assert rappel.statut == StatutSms.ANNULE and rappel.erreur_code == MOTIF_REFUS
    assert sms_delivered == []


def test_aide_still_reaches_an_opted_out_number(sms_delivered):
    OptOut.objects.create(telephone="+33698765432", canal="sms")
    assert recevoir("+33698765432", "AIDE", at(2027, 3, 15, 20, 0)) == "AIDE"
    assert len(sms_delivered) == 1


def test_a_code_waiting_for_a_retry_is_cancelled_by_stop(settings):
    """One-time codes are cancelled too: the number was typed by someone on a public page,
    its owner's STOP wins (send_code_sms already refuses codes to an opted-out number)."""
    from inclusion.services.telephones import parse_phone
    from inclusion.sms import send_code_sms

    settings.SMS_BACKEND = "tests.inclusion.test_sms_outbox.ScriptedBackend"
    ScriptedBackend.script, ScriptedBackend.calls = [TransientSmsError] * 3, []
    now = at(2027, 3, 15, 14, 0)
    with time_machine.travel(now, tick=False):
        result = send_code_sms(
            telephone=parse_phone("06 98 76 54 32"),
            body="Votre code : 482913.",
            secret="482913",
            now=now,
        )
    code = result.message
    code.refresh_from_db()
    assert code.statut == StatutSms.A_ENVOYER  # waiting for its retry
    recevoir("+33698765432", "STOP", now + datetime.timedelta(minutes=1))
    code.refresh_from_db()
    assert code.statut == StatutSms.ANNULE and "4829" not in code.corps


def test_stop_confirmed_at_most_once_a_day_per_number(sms_delivered):
    numero = "+33698765432"

    def confirmations():
        return [t for t in sms_delivered if t.startswith("Vous ne recevrez plus")]

    recevoir(numero, "STOP", at(2027, 3, 15, 20, 0))
    recevoir(numero, "START", at(2027, 3, 15, 20, 5))
    recevoir(numero, "STOP", at(2027, 3, 15, 20, 10))
    recevoir(numero, "STOP", at(2027, 3, 15, 23, 59))
    assert len(confirmations()) == 1
    assert OptOut.objects.filter(telephone=numero).exists()
    recevoir(numero, "START", at(2027, 3, 16, 8, 0))
    recevoir(numero, "STOP", at(2027, 3, 16, 8, 5))  # the next day: confirmed again
    assert len(confirmations()) == 2
    assert SmsMessage.objects.filter(kind=KIND_REPLY, telephone=numero).count() == 4


# Secrets masked whole, whatever the final status.

CODE = "482913"


def _with_code(b, **kwargs):
    return send_sms(
        beneficiaire=b,
        body=f"Votre code : {CODE}. Il marche 10 minutes.",
        kind="code_test",
        secrets=(CODE,),
        **kwargs,
    )


def _assert_masked(message):
    message.refresh_from_db()
    assert CODE[:4] not in message.corps and CODE not in message.corps, message.corps
    assert "••••••" in message.corps


def test_masked_whole_once_sent(sms_outbox):
    b = BeneficiaireFactory(consentant=True)
    message = _with_code(b).message
    assert message.statut == StatutSms.ENVOYE
    _assert_masked(message)
    assert CODE[:4] not in sms_outbox[0].body  # the copy kept in memory too


def test_masked_whole_when_delivered(client, settings):
    from tests.inclusion.test_sms_webhooks import TOKEN, status

    settings.TWILIO_AUTH_TOKEN = TOKEN
    b = BeneficiaireFactory(consentant=True)
    message = _with_code(b).message
    assert status(client, message.provider_id, "delivered").status_code == 204
    message.refresh_from_db()
    assert message.statut == StatutSms.DELIVRE
    _assert_masked(message)


@pytest.mark.parametrize(
    "script,statut",
    [
        ([PermanentSmsError], StatutSms.ECHEC),
        ([TransientSmsError] * 6, StatutSms.ECHEC),
    ],
)
def test_masked_whole_when_failed(settings, script, statut):
    settings.SMS_BACKEND = "tests.inclusion.test_sms_outbox.ScriptedBackend"
    settings.SMS_MAX_ATTEMPTS = 6
    ScriptedBackend.script, ScriptedBackend.calls = list(script), []
    b = BeneficiaireFactory(consentant=True)
    message = _with_code(b).message
    for _ in range(6):
        message.refresh_from_db()
        if message.statut != StatutSms.A_ENVOYER:
            break
        deliver(message.pk, now=message.pas_avant)
    message.refresh_from_db()
    assert message.statut == statut
    _assert_masked(message)


def test_masked_whole_when_expired():
    b = BeneficiaireFactory(consentant=True)
    now = at(2027, 3, 15, 14, 0)
    message = _with_code(
        b,
        not_before=now + datetime.timedelta(minutes=5),
        useless_after=now + datetime.timedelta(minutes=10),
        now=now,
    ).message
    assert deliver(message.pk, now=now + datetime.timedelta(minutes=20)) == StatutSms.EXPIRE
    _assert_masked(message)


def test_masked_whole_when_expired_after_retries(settings):
    settings.SMS_BACKEND = "tests.inclusion.test_sms_outbox.ScriptedBackend"
    ScriptedBackend.script, ScriptedBackend.calls = [TransientSmsError] * 3, []
    b = BeneficiaireFactory(consentant=True)
    now = at(2027, 3, 15, 14, 0)
    with time_machine.travel(now, tick=False):
        message = _with_code(b, useless_after=now + datetime.timedelta(seconds=30), now=now)
    message = message.message
    message.refresh_from_db()
    assert message.statut == StatutSms.EXPIRE
    _assert_masked(message)


@pytest.mark.parametrize("par", ["service", "livraison"])
def test_masked_whole_when_cancelled(par):
    b = BeneficiaireFactory(consentant=True)
    now = at(2027, 3, 15, 14, 0)
    message = _with_code(b, not_before=now + datetime.timedelta(hours=1), now=now).message
    if par == "service":
        refuse_sms(telephone=b.telephone, canal="sms")
    else:
        OptOut.objects.create(telephone=b.telephone.as_e164, canal="sms")
        assert deliver(message.pk, now=now + datetime.timedelta(hours=1)) == StatutSms.ANNULE
    message.refresh_from_db()
    assert message.statut == StatutSms.ANNULE
    _assert_masked(message)


# Consent withdrawn or number changed in the espace pro: the person's queued messages stop.


def _modifier(b, acteur, **changes):
    from inclusion.services.beneficiaires import update_beneficiaire

    champs = {
        "telephone": b.telephone.as_e164,
        "consentement_sms": b.consentement_sms,
        "consentement_sms_mode": b.consentement_sms_mode,
        "prenom": b.prenom,
    }
    champs.update(changes)
    return update_beneficiaire(acteur=acteur, beneficiaire=b, **champs)


def test_withdrawing_consent_cancels_the_persons_queued_messages(sms_delivered):
    b = BeneficiaireFactory(consentant=True)
    rappel = rappel_en_attente(b, at(2027, 3, 15, 19, 30), at(2027, 3, 16, 9, 0))
    _modifier(b, member(Role.MEDIATEUR, structure=b.structure), consentement_sms=False)
    rappel.refresh_from_db()
    assert rappel.statut == StatutSms.ANNULE and rappel.erreur_code == "sans_consentement"
    assert send_due(now=at(2027, 3, 16, 9, 0)) == {} and sms_delivered == []


def test_a_new_number_cancels_what_was_queued_for_the_old_one(sms_delivered):
    b = BeneficiaireFactory(consentant=True)
    rappel = rappel_en_attente(b, at(2027, 3, 15, 19, 30), at(2027, 3, 16, 9, 0))
    _modifier(b, member(Role.MEDIATEUR, structure=b.structure), telephone="06 98 76 54 32")
    rappel.refresh_from_db()
    assert rappel.statut == StatutSms.ANNULE and rappel.erreur_code == "numero_change"
    assert sms_delivered == []


@pytest.mark.parametrize("change", ["consentement", "numero"])
def test_delivery_checks_consent_and_number_again(change, sms_delivered):
    from inclusion.models import Beneficiaire

    b = BeneficiaireFactory(consentant=True)
    rappel = rappel_en_attente(b, at(2027, 3, 15, 19, 30), at(2027, 3, 16, 9, 0))
    # Changed without the service (a data fix, an import): delivery still checks.
    if change == "consentement":
        Beneficiaire.objects.filter(pk=b.pk).update(consentement_sms=False)
    else:
        Beneficiaire.objects.filter(pk=b.pk).update(telephone="+33698765432")
    assert deliver(rappel.pk, now=at(2027, 3, 16, 9, 0)) == StatutSms.ANNULE
    assert sms_delivered == []
