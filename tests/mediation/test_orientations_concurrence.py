"""Races on orientations, on PostgreSQL (issue 16): threads with their own connections, held
between their read and their write (a barrier both must reach, then a pause inside the
writing transaction), so the race really happens. Two places accepting one theme orientation
at once: one wins, the other is told "deja_decidee", one registration. An acceptance and a
refusal at once: one decision. Two places refusing at once: refused, not left open. Two sweeps
at once: each reminder and each expiry once. SQLite serialises writers and proves nothing
here: these tests skip there."""

import copy
import datetime
import threading
import time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connections

from ateliers.enums import StatutInscription
from ateliers.models import Inscription, Session
from inclusion.models import Journal, OutgoingEmail
from mediation.enums_orientations import StatutOrientation
from mediation.models import Orientation
from mediation.services import orientations, orientations_decision, orientations_relances
from mediation.services.orientations_decision import accept, decline
from mediation.services.orientations_relances import sweep
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory
from tests.mediation.factories_orientations import (
    acces_of,
    orient_to_place,
    orient_to_session,
    orient_to_theme,
    setup_orientations,
)
from tests.validation import error_codes as codes

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen"),
]

JOUR = datetime.timedelta(days=1)
RDV = FROZEN_AT + 2 * JOUR
PAUSE = 0.3


@pytest.fixture
def ctx():
    return setup_orientations()


def race(*workers):
    """Run each worker in its own thread (and connection); returns their outcomes in order:
    the value returned, or the codes of the ValidationError raised."""
    outcomes, errors = [None] * len(workers), []

    def run(i, worker):
        try:
            outcomes[i] = worker()
        except ValidationError as error:
            outcomes[i] = codes(error)
        except Exception as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    return outcomes


def hold_after(monkeypatch, module, name, barrier):
    """Every call of module.name, once done (the read), waits until all racers have done it."""
    original = getattr(module, name)

    def read_then_wait(*args, **kwargs):
        result = original(*args, **kwargs)
        barrier.wait(timeout=10)
        return result

    monkeypatch.setattr(module, name, read_then_wait)


@pytest.fixture
def slow_journal(monkeypatch):
    """A pause inside the writing transaction (the journal line is written just before the
    commit): a racer that did not wait for the winner's lock would read stale rows."""
    original = orientations_decision.journal

    def pause_then_write(*args, **kwargs):
        time.sleep(PAUSE)
        return original(*args, **kwargs)

    monkeypatch.setattr(orientations_decision, "journal", pause_then_write)


def door(orientation, ctx, n):
    return acces_of(Orientation.objects.get(pk=orientation.pk), ctx.mediateurs[n], ctx.lieux[n])


# --- Two places, one theme orientation -------------------------------------------------------


def test_two_places_accepting_one_theme_at_once_one_wins(ctx, monkeypatch, slow_journal):
    orientation = orient_to_theme(ctx)
    doors = [door(orientation, ctx, 0), door(orientation, ctx, 1)]
    hold_after(monkeypatch, orientations_decision, "_check_session", threading.Barrier(2))

    outcomes = race(
        lambda: accept(acces=doors[0], session=ctx.sessions[0]).lieu_id,
        lambda: accept(acces=doors[1], session=ctx.sessions[1]).lieu_id,
    )

    orientation = Orientation.objects.get(pk=orientation.pk)
    assert orientation.statut == StatutOrientation.ACCEPTEE
    winner = [o for o in outcomes if isinstance(o, int)]
    assert winner == [orientation.lieu_id]
    assert outcomes.count({"deja_decidee"}) == 1
    # One registration, at the winner's session; the loser's session untouched.
    [inscription] = Inscription.objects.all()
    assert inscription.session.lieu_id == orientation.lieu_id
    assert inscription.statut == StatutInscription.INSCRIT
    assert orientation.inscription == inscription
    assert sorted(Session.objects.values_list("nb_inscrits", flat=True)) == [0, 1]
    assert Journal.objects.filter(action="orientation.acceptation").count() == 1
    assert OutgoingEmail.objects.filter(kind="orientation.decision").count() == 1


def test_two_places_accepting_appointments_at_once_one_wins(ctx, monkeypatch, slow_journal):
    orientation = orient_to_theme(ctx)
    doors = [door(orientation, ctx, 0), door(orientation, ctx, 1)]
    hold_after(monkeypatch, orientations_decision, "_check_appointment", threading.Barrier(2))

    outcomes = race(
        lambda: accept(acces=doors[0], rdv_le=RDV).lieu_id,
        lambda: accept(acces=doors[1], rdv_le=RDV + JOUR).lieu_id,
    )

    orientation = Orientation.objects.get(pk=orientation.pk)
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert [o for o in outcomes if isinstance(o, int)] == [orientation.lieu_id]
    assert {"deja_decidee"} in outcomes
    # The appointment is the winner's, not a mix of both.
    assert orientation.rdv_le == (RDV if orientation.lieu_id == ctx.lieux[0].pk else RDV + JOUR)
    assert Journal.objects.filter(action="orientation.acceptation").count() == 1


def test_two_places_refusing_at_once_refuse_it(ctx, monkeypatch, slow_journal):
    """Each refusal reads whether another place may still answer; without the row lock both
    would see the other's refusal uncommitted and leave the orientation open forever."""
    orientation = orient_to_theme(ctx)
    doors = [door(orientation, ctx, 0), door(orientation, ctx, 1)]
    hold_after(monkeypatch, orientations_decision, "_check_refusal", threading.Barrier(2))

    outcomes = race(
        lambda: decline(acces=doors[0], motifs=["non_mobile"]).statut,
        lambda: decline(acces=doors[1], motifs=["session_complete"]).statut,
    )

    # The first refusal leaves it open for the other place; the second closes it.
    assert sorted(outcomes) == [StatutOrientation.OUVERTE, StatutOrientation.REFUSEE]
    orientation = Orientation.objects.get(pk=orientation.pk)
    assert orientation.statut == StatutOrientation.REFUSEE
    assert orientation.destinataires.filter(decline_le__isnull=True).count() == 0
    assert Journal.objects.filter(action="orientation.refus").count() == 1
    assert Journal.objects.filter(action="orientation.refus_lieu").count() == 1
    assert OutgoingEmail.objects.filter(kind="orientation.decision").count() == 1


def test_two_acceptances_for_the_last_seat_one_gets_it(monkeypatch, slow_journal):
    """Two people's orientations accepted at once with the session's last seat: one is
    seated; the other is refused "session_complete" (a seat was promised, not the waiting
    list) and its orientation still waits."""
    ctx = setup_orientations(capacite=1)
    other = copy.copy(ctx)
    other.personne = BeneficiaireFactory(structure=ctx.ccas, consentant=True)
    first, second = orient_to_place(ctx), orient_to_place(other)
    doors = [door(first, ctx, 0), door(second, ctx, 0)]
    hold_after(monkeypatch, orientations_decision, "_check_session", threading.Barrier(2))

    outcomes = race(
        lambda: accept(acces=doors[0], session=ctx.session).statut,
        lambda: accept(acces=doors[1], session=ctx.session).statut,
    )

    assert sorted(outcomes, key=str) == [StatutOrientation.ACCEPTEE, {"session_complete"}]
    statuts = sorted(Orientation.objects.values_list("statut", flat=True))
    assert statuts == [StatutOrientation.ACCEPTEE, StatutOrientation.OUVERTE]
    [inscription] = Inscription.objects.all()
    assert inscription.statut == StatutInscription.INSCRIT
    assert Orientation.objects.get(statut=StatutOrientation.ACCEPTEE).inscription == inscription
    session = Session.objects.get(pk=ctx.session.pk)
    assert session.nb_inscrits == 1 and session.dernier_rang_attente == 0


def test_a_new_link_asked_twice_at_once_is_sent_once(ctx, monkeypatch):
    destinataire = orient_to_place(ctx).destinataires.get()
    original = orientations._new_link

    def pause_then_issue(*args, **kwargs):
        time.sleep(PAUSE)
        return original(*args, **kwargs)

    monkeypatch.setattr(orientations, "_new_link", pause_then_issue)
    with time_machine.travel(FROZEN_AT + 9 * JOUR, tick=False):
        outcomes = race(
            lambda: orientations.send_new_link(destinataire=destinataire),
            lambda: orientations.send_new_link(destinataire=destinataire),
        )
    assert sorted(outcomes) == [False, True]
    assert OutgoingEmail.objects.filter(kind="orientation.nouveau_lien").count() == 1
    destinataire.refresh_from_db()
    assert destinataire.generation == 1


# --- An acceptance and a refusal at once -----------------------------------------------------


@pytest.mark.parametrize("round_", range(3))
def test_accept_and_decline_of_one_place_at_once_one_decision(ctx, monkeypatch, round_):
    """Through both doors of one place (its médiateur, its link): one decision stands, the
    other is told "deja_decidee"; a refusal leaves no registration behind."""
    orientation = orient_to_session(ctx)
    made = orientation.inscription
    pro = door(orientation, ctx, 0)
    barrier = threading.Barrier(2)
    hold_after(monkeypatch, orientations_decision, "_check_session", barrier)
    hold_after(monkeypatch, orientations_decision, "_check_refusal", barrier)
    # Alternate which one is slower inside its transaction.
    original = orientations_decision.journal

    def pause_for(action):
        def journal(name, *args, **kwargs):
            if name.startswith(action):
                time.sleep(PAUSE)
            return original(name, *args, **kwargs)

        return journal

    monkeypatch.setattr(
        orientations_decision, "journal", pause_for(("acceptation", "refus", "")[round_])
    )

    outcomes = race(
        lambda: accept(acces=pro, session=ctx.session).statut,
        lambda: decline(acces=door(orientation, ctx, 0), motifs=["non_eligible"]).statut,
    )

    orientation = Orientation.objects.get(pk=orientation.pk)
    made.refresh_from_db()
    assert orientation.statut in (StatutOrientation.ACCEPTEE, StatutOrientation.REFUSEE)
    assert outcomes.count({"deja_decidee"}) == 1
    assert orientation.statut in outcomes
    if orientation.statut == StatutOrientation.ACCEPTEE:
        assert made.statut == StatutInscription.INSCRIT and orientation.inscription == made
        assert orientation.destinataires.get().decline_le is None
    else:
        assert made.statut == StatutInscription.ANNULE
        assert not Inscription.objects.exclude(statut=StatutInscription.ANNULE).exists()
    assert Session.objects.get(pk=ctx.session.pk).nb_inscrits == (
        1 if orientation.statut == StatutOrientation.ACCEPTEE else 0
    )
    decisions = Journal.objects.filter(action__in=("orientation.acceptation", "orientation.refus"))
    assert decisions.count() == 1


def test_accept_and_decline_of_two_places_at_once(ctx, monkeypatch, slow_journal):
    """One place accepts while the other refuses: the acceptance stands whichever commits
    first; the refusal either counts for its place or is told "deja_decidee"."""
    orientation = orient_to_theme(ctx)
    doors = [door(orientation, ctx, 0), door(orientation, ctx, 1)]
    barrier = threading.Barrier(2)
    hold_after(monkeypatch, orientations_decision, "_check_appointment", barrier)
    hold_after(monkeypatch, orientations_decision, "_check_refusal", barrier)

    outcomes = race(
        lambda: accept(acces=doors[0], rdv_le=RDV).statut,
        lambda: decline(acces=doors[1], motifs=["non_mobile"]).statut,
    )

    orientation = Orientation.objects.get(pk=orientation.pk)
    assert outcomes[0] == StatutOrientation.ACCEPTEE
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.lieu == ctx.lieux[0] and orientation.rdv_le == RDV
    assert not Journal.objects.filter(action="orientation.refus").exists()
    refused_here = orientation.destinataires.get(lieu=ctx.lieux[1]).decline_le is not None
    assert refused_here == (outcomes[1] != {"deja_decidee"})


# --- Two sweeps at once ----------------------------------------------------------------------


class Read(list):
    """Rows already read, standing in for the sweep's querysets."""

    def iterator(self):
        return iter(self)

    def select_related(self, *fields):
        return self


@pytest.fixture
def sweeps_read_together(monkeypatch):
    """Both sweeps read what is due before either writes anything."""
    barrier = threading.Barrier(2)
    due_expiry, due_reminders = (
        orientations_relances._due_expiry,
        orientations_relances._due_reminders,
    )

    def expiry_read(now):
        rows = Read(due_expiry(now).select_related("structure", "prescripteur"))
        barrier.wait(timeout=10)
        return rows

    def reminders_read(now):
        rows = [(level, Read(qs)) for level, qs in due_reminders(now)]
        barrier.wait(timeout=10)
        return rows

    monkeypatch.setattr(orientations_relances, "_due_expiry", expiry_read)
    monkeypatch.setattr(orientations_relances, "_due_reminders", reminders_read)
    original = orientations_relances.relaunch_places

    def pause_then_relaunch(*args, **kwargs):
        time.sleep(PAUSE)
        return original(*args, **kwargs)

    monkeypatch.setattr(orientations_relances, "relaunch_places", pause_then_relaunch)


def test_two_sweeps_at_once_send_each_reminder_once(ctx, sweeps_read_together):
    theme = orient_to_theme(ctx)
    lieu = orient_to_place(ctx, lieu=ctx.lieux[1])
    with time_machine.travel(FROZEN_AT + 10 * JOUR + datetime.timedelta(hours=1), tick=False):
        outcomes = race(sweep, sweep)
    reminders = OutgoingEmail.objects.filter(kind="orientation.relance")
    assert sorted(reminders.values_list("destinataire", flat=True)) == [
        "lieu1@example.org",
        "lieu2@example.org",
        "lieu2@example.org",
    ]
    assert sum(o.get("relances J+10", 0) for o in outcomes) == 2
    for orientation in (theme, lieu):
        orientation.refresh_from_db()
        assert orientation.relances == 1
    assert Journal.objects.filter(action="orientation.relance").count() == 2
    # Each place's link was re-issued once.
    assert sorted(d.generation for o in (theme, lieu) for d in o.destinataires.all()) == [1, 1, 1]


def test_two_sweeps_at_once_expire_each_orientation_once(ctx, sweeps_read_together):
    orient_to_theme(ctx)
    orient_to_place(ctx)
    with time_machine.travel(FROZEN_AT + 30 * JOUR, tick=False):
        outcomes = race(sweep, sweep)
    assert sum(o.get("expirées", 0) for o in outcomes) == 2
    assert OutgoingEmail.objects.filter(kind="orientation.expiration").count() == 2
    assert Journal.objects.filter(action="orientation.expiration").count() == 2
    assert set(Orientation.objects.values_list("statut", flat=True)) == {StatutOrientation.EXPIREE}
