"""Nobody forgotten: the sweep of orientations (reminders at D+10 and D+20, expiry at D+30,
automatic ends), with the clock moved day by day, and its command."""

import contextlib
import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from ateliers.enums import StatutInscription
from ateliers.services.attendance import set_presence
from inclusion.enums import Role
from inclusion.models import Journal, OutgoingEmail
from mediation.enums_orientations import MotifRefus, StatutOrientation
from mediation.models import Destinataire, Orientation
from mediation.services import activites, orientations_decision
from mediation.services.orientations_relances import sweep
from mediation.vocabulaire import Thematique
from tests.clock import FROZEN_AT
from tests.inclusion.factories import MembershipFactory
from tests.mediation.factories_orientations import (
    acces_of,
    orient_to_place,
    orient_to_session,
    orient_to_theme,
    setup_orientations,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

JOUR = datetime.timedelta(days=1)


@contextlib.contextmanager
def jour(n, **plus):
    """The clock n days (and `plus`) after the orientation was sent (FROZEN_AT)."""
    with time_machine.travel(FROZEN_AT + n * JOUR + datetime.timedelta(**plus), tick=False):
        yield


def reminders(lieu=None, motif="relance"):
    qs = OutgoingEmail.objects.filter(kind=f"orientation.{motif}")
    return qs.filter(destinataire=lieu.courriels) if lieu is not None else qs


def expiry_emails():
    return OutgoingEmail.objects.filter(kind="orientation.expiration")


@pytest.fixture
def ctx():
    return setup_orientations()


# --- Reminders ---------------------------------------------------------------------------------


def test_reminder_at_d10_not_the_day_before_and_once(ctx):
    orientation = orient_to_place(ctx)
    with jour(9):
        assert sweep() == {}
    with jour(10, seconds=-1):
        assert sweep() == {}
    assert not reminders().exists()
    with jour(10):
        assert sweep() == {"relances J+10": 1}
        assert sweep() == {}  # a second sweep at once: nothing more
    with jour(11):
        assert sweep() == {}

    orientation.refresh_from_db()
    assert orientation.relances == 1
    assert orientation.relance_le == FROZEN_AT + 10 * JOUR
    assert orientation.statut == StatutOrientation.OUVERTE
    rappel = reminders().get()
    assert rappel.destinataire == "lieu1@example.org"
    assert rappel.sujet == "Relance 1/2 : orientation de Josiane sans réponse depuis 10 jours"
    assert "attend votre réponse depuis 10 jours" in rappel.texte
    assert "Sans réponse dans 20 jours (le 17 décembre 2026), elle expirera." in rappel.texte
    # A fresh link, valid again for 8 days from the reminder.
    destinataire = orientation.destinataires.get()
    assert destinataire.generation == 1
    assert destinataire.lien_expire_le == FROZEN_AT + 18 * JOUR
    assert Journal.objects.filter(action="orientation.relance", details__niveau=1).count() == 1


def test_reminder_at_d20_after_the_d10_one(ctx):
    orientation = orient_to_place(ctx)
    with jour(10):
        sweep()
    with jour(20, seconds=-1):
        assert sweep() == {}
    with jour(20):
        assert sweep() == {"relances J+20": 1}
    with jour(21):
        assert sweep() == {}

    orientation.refresh_from_db()
    assert orientation.relances == 2
    assert reminders(ctx.lieu).count() == 2
    second = reminders().latest("pk")
    assert second.sujet.startswith("Relance 2/2 : ")
    assert "depuis 20 jours" in second.texte
    assert "Sans réponse dans 10 jours (le 17 décembre 2026)" in second.texte
    assert "C'est la dernière relance : au bout de 30 jours (le 17 décembre 2026)" in second.texte
    first = reminders().earliest("pk")
    assert "nous vous relançons au bout de 10 puis 20 jours" in first.texte


def test_a_sweep_that_missed_d10_sends_only_the_d20_reminder(ctx):
    orientation = orient_to_place(ctx)
    with jour(22):
        assert sweep(wet_run=False) == {"relances J+20": 1}
        assert sweep() == {"relances J+20": 1}
        assert sweep() == {}
    orientation.refresh_from_db()
    assert orientation.relances == 2
    assert reminders().count() == 1
    assert reminders().get().sujet.startswith("Relance 2/2")


def test_a_sweep_between_d10_and_d20_still_sends_the_first_one(ctx):
    orient_to_place(ctx)
    with jour(15):
        assert sweep() == {"relances J+10": 1}
    with jour(20):
        assert sweep() == {"relances J+20": 1}


def test_taken_into_account_is_still_reminded_but_a_decision_stops_reminders(ctx):
    ouverte = orient_to_place(ctx)
    orientations_decision.take_into_account(acces=acces_of(ouverte, ctx.mediateur))
    acceptee = orient_to_place(ctx, lieu=ctx.lieux[1])
    orientations_decision.accept(
        acces=acces_of(acceptee, ctx.mediateurs[1]), rdv_le=FROZEN_AT + 40 * JOUR
    )
    refusee = orient_to_place(ctx, prevenir_sms=False)
    orientations_decision.decline(
        acces=acces_of(refusee, ctx.mediateur), motifs=[MotifRefus.EN_EMPLOI]
    )
    with jour(10):
        assert sweep() == {"relances J+10": 1}
    assert reminders().get().about == f"mediation.orientation#{ouverte.pk}"
    with jour(30):
        assert sweep() == {"expirées": 1}
    for orientation in (acceptee, refusee):
        orientation.refresh_from_db()
    assert acceptee.statut == StatutOrientation.ACCEPTEE
    assert refusee.statut == StatutOrientation.REFUSEE


def test_theme_a_place_that_refused_gets_no_reminder(ctx):
    orientation = orient_to_theme(ctx)
    assert orientation.destinataires.count() == 2
    orientations_decision.decline(
        acces=acces_of(orientation, ctx.mediateurs[1]),
        motifs=[MotifRefus.SESSION_COMPLETE],
    )
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.OUVERTE  # the other place may still accept

    with jour(10):
        assert sweep() == {"relances J+10": 1}
    with jour(20):
        assert sweep() == {"relances J+20": 1}
    assert reminders(ctx.lieux[0]).count() == 2
    assert not reminders(ctx.lieux[1]).exists()
    refused_place = Destinataire.objects.get(orientation=orientation, lieu=ctx.lieux[1])
    assert refused_place.generation == 0  # its link was not renewed either

    with jour(30):
        assert sweep() == {"expirées": 1}
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.EXPIREE
    assert expiry_emails().count() == 1


def test_manual_reminder_does_not_replace_the_automatic_ones(ctx):
    from mediation.services import orientations

    orientation = orient_to_place(ctx)
    with jour(5):
        orientations.remind(acteur=ctx.prescripteur, orientation=orientation)
    assert reminders(motif="relance_manuelle").count() == 1
    with jour(10):
        assert sweep() == {"relances J+10": 1}


# --- Expiry ------------------------------------------------------------------------------------


def test_expiry_at_d30_the_prescripteur_told_once(ctx):
    orientation = orient_to_place(ctx)
    with jour(10):
        sweep()
    with jour(20):
        sweep()
    with jour(30, seconds=-1):
        assert sweep() == {}
    with jour(30):
        assert sweep() == {"expirées": 1}
        assert sweep() == {}
    with jour(31):
        assert sweep() == {}

    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.EXPIREE
    assert orientation.expire_le == FROZEN_AT + 30 * JOUR
    email = expiry_emails().get()
    assert email.destinataire == ctx.prescripteur.email
    assert email.sujet == "Orientation expirée sans réponse : Josiane"
    assert "orientez la personne vers un autre lieu" in email.texte
    assert "Médiathèque 1" in email.texte
    assert f"/pro/orientations/{orientation.uuid}/" in email.texte
    assert Journal.objects.filter(action="orientation.expiration").count() == 1
    # No reminder on the way out.
    assert reminders().count() == 2


def test_expiry_without_reminders_sends_no_late_reminder(ctx):
    orient_to_place(ctx)
    with jour(45):
        assert sweep(wet_run=False) == {"expirées": 1}
        assert sweep() == {"expirées": 1}
    assert not reminders().exists()
    assert expiry_emails().count() == 1


def test_an_inactive_prescripteur_is_not_emailed_but_the_orientation_expires(ctx):
    orientation = orient_to_place(ctx)
    type(ctx.prescripteur).objects.filter(pk=ctx.prescripteur.pk).update(is_active=False)
    with jour(30):
        assert sweep() == {"expirées": 1}
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.EXPIREE
    assert not expiry_emails().exists()


# --- Automatic ends ----------------------------------------------------------------------------


def test_presence_at_the_session_ends_it(ctx):
    orientation = orient_to_session(ctx)
    orientation = orientations_decision.accept(
        acces=acces_of(orientation, ctx.mediateur), session=ctx.session
    )
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert sweep() == {}  # accepted, not yet given

    with time_machine.travel(ctx.session.debut + datetime.timedelta(minutes=5), tick=False):
        set_presence(
            acteur=ctx.mediateur,
            inscription=orientation.inscription,
            statut=StatutInscription.PRESENT,
        )
        assert sweep(wet_run=False) == {"terminées": 1}
        assert sweep() == {"terminées": 1}
        assert sweep() == {}

    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.TERMINEE
    assert orientation.termine_le == ctx.session.debut + datetime.timedelta(minutes=5)
    assert Journal.objects.filter(action="orientation.fin", details__via="presence").count() == 1


def test_presence_ends_a_session_orientation_nobody_answered(ctx):
    """The person was registered with the request and came: the service was given, even if
    the place never answered. No reminder, no expiry telling the prescripteur 'no answer'."""
    orientation = orient_to_session(ctx)
    with time_machine.travel(ctx.session.debut + datetime.timedelta(minutes=5), tick=False):
        set_presence(
            acteur=ctx.mediateur,
            inscription=orientation.inscription,
            statut=StatutInscription.PRESENT,
        )
    with jour(10):
        assert sweep(wet_run=False) == {"terminées": 1}
        assert sweep() == {"terminées": 1}
    with jour(30):
        assert sweep() == {}
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.TERMINEE
    assert orientation.termine_le == FROZEN_AT + 10 * JOUR
    assert orientation.decide_le is None
    assert not reminders().exists()
    assert not expiry_emails().exists()
    assert Journal.objects.filter(action="orientation.fin", details__via="presence").count() == 1


def test_a_session_orientation_still_waiting_without_presence_is_reminded(ctx):
    orientation = orient_to_session(ctx)
    with time_machine.travel(ctx.session.debut + datetime.timedelta(minutes=5), tick=False):
        set_presence(
            acteur=ctx.mediateur,
            inscription=orientation.inscription,
            statut=StatutInscription.ABSENT,
        )
    with jour(10):
        assert sweep() == {"relances J+10": 1}
    with jour(30):
        assert sweep() == {"expirées": 1}


def test_absence_at_the_session_does_not_end_it(ctx):
    orientation = orient_to_session(ctx)
    orientation = orientations_decision.accept(
        acces=acces_of(orientation, ctx.mediateur), session=ctx.session
    )
    with time_machine.travel(ctx.session.debut + datetime.timedelta(minutes=5), tick=False):
        set_presence(
            acteur=ctx.mediateur,
            inscription=orientation.inscription,
            statut=StatutInscription.ABSENT,
        )
        assert sweep() == {}
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE


def _follow_the_person(ctx, mediateur):
    """The receiving médiateur also works for the prescribing CCAS: only then can they see
    the person's file and write a record with it (accepting an orientation gives no access
    to the file)."""
    MembershipFactory(user=mediateur, structure=ctx.ccas, role=Role.MEDIATEUR)
    return type(mediateur).objects.get(pk=mediateur.pk)  # its roles read afresh


def _record(mediateur, personne, date):
    return activites.record_individuelle(
        acteur=mediateur, beneficiaire=personne, date=date, thematiques=[Thematique.EMAIL]
    )


def test_an_activity_record_of_the_place_after_the_decision_ends_it(ctx):
    orientation = orient_to_place(ctx)
    with jour(2):
        orientation = orientations_decision.accept(
            acces=acces_of(orientation, ctx.mediateur), rdv_le=FROZEN_AT + 5 * JOUR
        )
    mediateur = _follow_the_person(ctx, ctx.mediateur)
    with jour(5, hours=2):
        activite = _record(mediateur, ctx.personne, (FROZEN_AT + 5 * JOUR).date())
        assert sweep() == {"terminées": 1}
        assert sweep() == {}
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.TERMINEE
    assert orientation.activite == activite
    assert Journal.objects.filter(action="orientation.fin", details__via="activite").count() == 1


def test_the_day_of_the_decision_is_the_paris_day(ctx):
    """Decided at 0 h 30 in Paris (still the day before in UTC): a record of the day before
    does not end it, one of that day does."""
    orientation = orient_to_place(ctx)
    minuit_et_demi = (FROZEN_AT + 2 * JOUR).replace(hour=0, minute=30)
    with time_machine.travel(minuit_et_demi, tick=False):
        orientation = orientations_decision.accept(
            acces=acces_of(orientation, ctx.mediateur), rdv_le=FROZEN_AT + 5 * JOUR
        )
    mediateur = _follow_the_person(ctx, ctx.mediateur)
    with jour(2, hours=2):
        _record(mediateur, ctx.personne, (FROZEN_AT + JOUR).date())
        assert sweep() == {}
        _record(mediateur, ctx.personne, (FROZEN_AT + 2 * JOUR).date())
        assert sweep() == {"terminées": 1}


def test_records_that_do_not_end_it(ctx):
    """A record from before the decision, one of another structure, a deleted one."""
    orientation = orient_to_place(ctx)
    ctx.mediateurs = [_follow_the_person(ctx, m) for m in ctx.mediateurs]
    ctx.mediateur = ctx.mediateurs[0]
    with jour(1):
        avant = _record(ctx.mediateur, ctx.personne, (FROZEN_AT + JOUR).date())
    with jour(2):
        orientation = orientations_decision.accept(
            acces=acces_of(orientation, ctx.mediateur), rdv_le=FROZEN_AT + 5 * JOUR
        )
    assert avant.date < orientation.decide_le.date()
    with jour(5, hours=2):
        # A médiateur of the other place's structure also sees the person.
        _record(ctx.mediateurs[1], ctx.personne, (FROZEN_AT + 5 * JOUR).date())
        supprimee = _record(ctx.mediateur, ctx.personne, (FROZEN_AT + 5 * JOUR).date())
        activites.delete_activite(acteur=ctx.mediateur, activite=supprimee)
        assert sweep() == {}
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE


# --- Dry run and the command -------------------------------------------------------------------


def _snapshot():
    return (
        list(Orientation.objects.order_by("pk").values()),
        list(Destinataire.objects.order_by("pk").values()),
        OutgoingEmail.objects.count(),
        Journal.objects.count(),
    )


def test_dry_run_counts_and_writes_nothing(ctx):
    for _ in range(3):
        orient_to_place(ctx)
    with jour(-10):
        orient_to_place(ctx)  # D+20 at the sweep
    with jour(-25):
        orient_to_place(ctx)  # D+35 at the sweep: expires
    with jour(10):
        before = _snapshot()
        assert sweep(wet_run=False) == {"relances J+10": 3, "relances J+20": 1, "expirées": 1}
        assert _snapshot() == before
        assert sweep() == {"relances J+10": 3, "relances J+20": 1, "expirées": 1}
        assert _snapshot() != before


def test_command_dry_run_by_default(ctx):
    orient_to_place(ctx)
    out = io.StringIO()
    with jour(10):
        before = _snapshot()
        call_command("relances_orientations", stdout=out)
        assert _snapshot() == before
    assert out.getvalue() == (
        "Simulation : relances J+10 : 1.\n"
        "Rien n'a changé. Relancez avec --wet-run pour appliquer.\n"
    )


def test_command_wet_run_does_one_pass(ctx):
    orient_to_place(ctx)
    with jour(-25):
        orient_to_place(ctx)
    out = io.StringIO()
    with jour(10):
        call_command("relances_orientations", "--wet-run", stdout=out)
        assert out.getvalue() == "relances J+10 : 1, expirées : 1.\n"
        out = io.StringIO()
        call_command("relances_orientations", "--wet-run", stdout=out)
        assert out.getvalue() == "Rien à faire.\n"
    assert reminders().count() == 1
    assert expiry_emails().count() == 1


def test_command_nothing_to_do(ctx):
    out = io.StringIO()
    call_command("relances_orientations", stdout=out)
    assert out.getvalue() == "Simulation : rien à faire.\n"


def test_command_loop_needs_wet_run(ctx):
    with pytest.raises(CommandError, match="--boucle ne sert qu'avec --wet-run"):
        call_command("relances_orientations", "--boucle")


def test_command_loop_repeats_every_minute(ctx, monkeypatch):
    from mediation.management.commands import relances_orientations

    orient_to_place(ctx)
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(relances_orientations.time, "sleep", sleep)
    out = io.StringIO()
    with jour(10), pytest.raises(KeyboardInterrupt):
        call_command("relances_orientations", "--wet-run", "--boucle", stdout=out)
    assert sleeps == [60, 60]
    assert out.getvalue() == "relances J+10 : 1.\n"  # quiet when there is nothing to do


def test_help_is_french():
    from mediation.management.commands.relances_orientations import Command

    assert "Simulation sans --wet-run" in Command.help
