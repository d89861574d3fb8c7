"""Issue 12: an inbound SMS only proves the provider relayed it. ANNULER asks for a
confirmation naming the workshop; only OUI from the same number, within 30 minutes and before
the session, frees the seat (and the waiting list moves). Tested through the inbound service."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription
from ateliers.services.registrations import register
from ateliers.sms import DEMANDE
from inclusion.models import Journal, SmsRecu
from inclusion.sms import gsm
from inclusion.sms.inbound import handle
from tests.ateliers.factories import SessionFactory, setup_atelier
from tests.inclusion.factories import BeneficiaireFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
PARIS = ZoneInfo("Europe/Paris")
_sids = itertools.count(1)
DEBUT = datetime.datetime(2027, 3, 16, 14, 0, tzinfo=PARIS)
LUNDI = datetime.datetime(2027, 3, 15, 18, 0, tzinfo=PARIS)


def sms(telephone, corps, quand, sms_delivered):
    """Handle an inbound SMS at `quand` (frozen); returns the reply sent, or None."""
    before = len(sms_delivered)
    with time_machine.travel(quand, tick=False):
        recu = SmsRecu.objects.create(
            provider_id=f"SM{next(_sids):030d}", telephone=telephone, corps=corps
        )
        handle(recu.pk, now=quand)
    return sms_delivered[-1] if len(sms_delivered) > before else None


@pytest.fixture
def full():
    """A one-seat session: `first` has the seat, `second` waits."""
    with time_machine.travel(LUNDI - datetime.timedelta(days=5), tick=False):
        ctx = setup_atelier(capacite=1, debut=DEBUT, fin=DEBUT + datetime.timedelta(hours=2))
        first = BeneficiaireFactory(consentant=True)
        second = BeneficiaireFactory(consentant=True)
        for person in (first, second):
            register(session=ctx["session"], beneficiaire=person, canal=Canal.PUBLIC)
    ctx.update(first=first, second=second)
    return ctx


def statut(person):
    return Inscription.objects.get(beneficiaire=person).statut


def test_annuler_asks_a_confirmation_naming_the_workshop_and_frees_nothing(full, sms_delivered):
    tel = full["first"].telephone.as_e164
    question = sms(tel, "annuler", LUNDI, sms_delivered)
    session = full["session"]
    assert session.theme.titre_falc in question and "le mardi 16 mars à 14 h" in question
    assert "répondez OUI" in question
    assert gsm.describe(question)[::2] == (gsm.GSM7, 1)
    assert statut(full["first"]) == StatutInscription.INSCRIT
    assert statut(full["second"]) == StatutInscription.EN_ATTENTE
    assert Journal.objects.filter(action=DEMANDE).count() == 1


def test_oui_within_30_minutes_frees_the_seat_and_the_waiting_list_moves(full, sms_delivered):
    tel = full["first"].telephone.as_e164
    sms(tel, "ANNULER", LUNDI, sms_delivered)
    reply = sms(tel, "oui", LUNDI + datetime.timedelta(minutes=29), sms_delivered)
    assert "est annulée" in reply and full["session"].theme.titre_falc in reply
    assert statut(full["first"]) == StatutInscription.ANNULE
    assert statut(full["second"]) == StatutInscription.INSCRIT
    first = Inscription.objects.get(beneficiaire=full["first"])
    assert first.annule_par_la_personne


def test_oui_too_late_does_not_cancel(full, sms_delivered):
    tel = full["first"].telephone.as_e164
    sms(tel, "ANNULER", LUNDI, sms_delivered)
    reply = sms(tel, "OUI", LUNDI + datetime.timedelta(minutes=31), sms_delivered)
    assert "Nous vous attendons" in reply
    assert statut(full["first"]) == StatutInscription.INSCRIT


def test_oui_from_another_number_does_not_cancel(full, sms_delivered):
    sms(full["first"].telephone.as_e164, "ANNULER", LUNDI, sms_delivered)
    sms(full["second"].telephone.as_e164, "OUI", LUNDI + datetime.timedelta(minutes=1), [])
    sms("+33698765432", "OUI", LUNDI + datetime.timedelta(minutes=2), sms_delivered)
    assert statut(full["first"]) == StatutInscription.INSCRIT
    assert statut(full["second"]) == StatutInscription.EN_ATTENTE


def test_oui_once_the_session_has_started_does_not_cancel(full, sms_delivered):
    tel = full["first"].telephone.as_e164
    sms(tel, "ANNULER", DEBUT - datetime.timedelta(minutes=10), sms_delivered)
    sms(tel, "OUI", DEBUT + datetime.timedelta(minutes=5), sms_delivered)
    assert statut(full["first"]) == StatutInscription.INSCRIT


def test_oui_without_annuler_keeps_meaning_i_am_coming(full, sms_delivered):
    reply = sms(full["first"].telephone.as_e164, "OUI", LUNDI, sms_delivered)
    assert "Nous vous attendons" in reply
    assert statut(full["first"]) == StatutInscription.INSCRIT


def test_several_registrations_are_cancelled_one_at_a_time_the_soonest_first(full, sms_delivered):
    person = full["first"]
    later = SessionFactory(
        debut=DEBUT + datetime.timedelta(days=7), fin=DEBUT + datetime.timedelta(days=7, hours=2)
    )
    with time_machine.travel(LUNDI - datetime.timedelta(days=1), tick=False):
        register(session=later, beneficiaire=person, canal=Canal.PUBLIC)
    tel = person.telephone.as_e164
    question = sms(tel, "ANNULER", LUNDI, sms_delivered)
    assert "16 mars" in question and "23 mars" not in question
    sms(tel, "OUI", LUNDI + datetime.timedelta(minutes=1), sms_delivered)
    question = sms(tel, "ANNULER", LUNDI + datetime.timedelta(minutes=2), sms_delivered)
    assert "23 mars" in question
    assert Inscription.objects.get(session=later).statut == StatutInscription.INSCRIT
    sms(tel, "OUI", LUNDI + datetime.timedelta(minutes=3), sms_delivered)
    assert Inscription.objects.get(session=later).statut == StatutInscription.ANNULE
