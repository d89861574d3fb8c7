import datetime
from zoneinfo import ZoneInfo

import pytest

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription, Session
from ateliers.services import rappels, registrations, sessions
from ateliers.sms import handle_annuler, handle_ateliers, handle_oui
from inclusion.models import SmsMessage, StatutSms
from inclusion.sms.delivery import send_due
from inclusion.sms.keywords import Inbound
from tests.ateliers.factories import SessionFactory, setup_atelier
from tests.inclusion.factories import BeneficiaireFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def _registered(debut, settings, **kwargs):
    settings.SMS_SEND_WINDOW = True
    ctx = setup_atelier(debut=debut, fin=debut + datetime.timedelta(hours=2), **kwargs)
    structure = ctx["prescripteur"].memberships.get().structure
    person = BeneficiaireFactory(structure=structure, consentant=True)
    inscription = Inscription.objects.create(
        session=ctx["session"],
        beneficiaire=person,
        statut=StatutInscription.INSCRIT,
        canal=Canal.PRO,
        inscrit_le=debut - datetime.timedelta(days=10),
    )
    Session.objects.filter(pk=ctx["session"].pk).update(nb_inscrits=1)
    return ctx, inscription


def test_48h_and_morning_reminders_in_the_window_and_never_twice(settings, sms_outbox):
    # Tuesday 14:00 workshop: 48 h before is Sunday 14:00 → moved to Monday 09:00.
    debut = at(2027, 3, 16, 14, 0)
    ctx, inscription = _registered(debut, settings)
    now = at(2027, 3, 14, 13, 30)  # Sunday: the 48 h reminder is queued, not the morning one yet
    assert rappels.sweep(now=now) == 1
    assert rappels.sweep(now=now) == 0  # a second sweep writes nothing
    assert rappels.sweep(now=at(2027, 3, 16, 8, 30)) == 1  # Tuesday morning
    assert rappels.sweep(now=at(2027, 3, 16, 8, 40)) == 0
    rows = {m.kind: m for m in SmsMessage.objects.all()}
    assert rows["rappel_48h"].pas_avant == at(2027, 3, 15, 9, 0)
    assert rows["rappel_matin"].pas_avant == at(2027, 3, 16, 9, 0)
    body = rows["rappel_48h"].corps
    assert ctx["session"].theme.titre_falc in body and ctx["session"].lieu.nom in body
    assert "ANNULER" in body and rows["rappel_48h"].segments == 1
    assert send_due(now=at(2027, 3, 15, 9, 0)) == {StatutSms.ENVOYE: 1}
    assert send_due(now=at(2027, 3, 16, 9, 5)) == {StatutSms.ENVOYE: 1}
    assert send_due(now=at(2027, 3, 16, 9, 5)) == {}
    assert len(sms_outbox) == 2


def test_no_morning_reminder_before_10(settings):
    ctx, _ = _registered(at(2027, 3, 16, 9, 30), settings)
    rappels.sweep(now=at(2027, 3, 15, 9, 0))
    rappels.sweep(now=at(2027, 3, 16, 8, 30))
    assert list(SmsMessage.objects.values_list("kind", flat=True)) == ["rappel_48h"]


def test_cancelled_registration_or_session_drops_queued_reminders(settings):
    debut = at(2027, 3, 16, 14, 0)
    ctx, inscription = _registered(debut, settings)
    rappels.sweep(now=at(2027, 3, 14, 13, 30))
    registrations.cancel_registration(
        inscription=inscription, par_la_personne=True, now=at(2027, 3, 14, 14, 0)
    )
    assert set(SmsMessage.objects.values_list("statut", flat=True)) == {StatutSms.ANNULE}
    assert send_due(now=at(2027, 3, 16, 9, 5)) == {}


def test_a_moved_session_gets_new_reminders(settings):
    debut = at(2027, 3, 16, 14, 0)
    ctx, inscription = _registered(debut, settings)
    rappels.sweep(now=at(2027, 3, 14, 13, 30))
    new = debut + datetime.timedelta(days=1)
    sessions.update_session(
        acteur=ctx["mediateur"],
        session=ctx["session"],
        debut=new,
        fin=new + datetime.timedelta(hours=2),
        now=at(2027, 3, 14, 14, 0),
    )
    assert not SmsMessage.objects.filter(
        kind__startswith="rappel_", statut=StatutSms.A_ENVOYER
    ).exists()
    assert rappels.sweep(now=at(2027, 3, 15, 13, 30)) == 1
    assert SmsMessage.objects.filter(statut=StatutSms.A_ENVOYER).get().pas_avant == at(
        2027, 3, 15, 14, 0
    )


def test_keyword_annuler_frees_the_seat_for_the_waiting_list(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_SEND_WINDOW = False
    ctx = setup_atelier(capacite=1)
    structure = ctx["prescripteur"].memberships.get().structure
    first = BeneficiaireFactory(structure=structure, consentant=True)
    second = BeneficiaireFactory(structure=structure, consentant=True)
    for person in (first, second):
        registrations.register(
            session=ctx["session"], beneficiaire=person, canal=Canal.PRO, acteur=ctx["prescripteur"]
        )
    inbound = Inbound(telephone=first.telephone.as_e164, beneficiaires=[first])
    assert "Nous vous attendons" in handle_oui(inbound)
    # Issue 12: ANNULER asks for a confirmation naming the workshop; OUI frees the seat.
    with django_capture_on_commit_callbacks(execute=True):
        question = handle_annuler(inbound)
    assert "répondez OUI" in question and ctx["session"].theme.titre_falc in question
    assert Inscription.objects.get(beneficiaire=second).statut == StatutInscription.EN_ATTENTE
    with django_capture_on_commit_callbacks(execute=True):
        reply = handle_oui(inbound)
    assert "annulée" in reply
    assert Inscription.objects.get(beneficiaire=second).statut == StatutInscription.INSCRIT
    assert "pas d'atelier à venir" in handle_annuler(inbound)


def test_keyword_ateliers_lists_the_next_sessions_with_seats():
    session = SessionFactory()
    person = BeneficiaireFactory(commune=session.lieu.commune)
    reply = handle_ateliers(Inbound(telephone="+33600000000", beneficiaires=[person]))
    assert session.theme.titre_falc in reply and session.lieu.nom in reply


def test_no_reminder_for_opted_out_or_unconsenting_people(settings):
    from inclusion.models import OptOut

    debut = at(2027, 3, 16, 14, 0)
    ctx, inscription = _registered(debut, settings)
    OptOut.objects.create(telephone=inscription.beneficiaire.telephone.as_e164, canal="sms")
    other = BeneficiaireFactory(structure=inscription.beneficiaire.structure, avec_mobile=True)
    Inscription.objects.create(
        session=ctx["session"],
        beneficiaire=other,
        statut=StatutInscription.INSCRIT,
        canal=Canal.PRO,
        inscrit_le=debut - datetime.timedelta(days=10),
    )
    assert rappels.sweep(now=at(2027, 3, 14, 13, 30)) == 0
    assert not SmsMessage.objects.exists()
