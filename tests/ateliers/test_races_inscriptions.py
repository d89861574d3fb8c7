"""Races on PostgreSQL (issue 13): a cancellation that promotes the first person of the waiting
list, against new registrations for the same session. The freed seat goes to the person
promoted, who keeps it; the session is never overbooked. SQLite serialises writers and proves
nothing here: these tests skip there."""

import datetime
import threading
import time
import zoneinfo

import pytest
import time_machine

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription, Session
from ateliers.services import registrations
from tests.ateliers.factories import setup_atelier
from tests.inclusion.factories import BeneficiaireFactory
from tests.pass_numerique.test_concurrency import _hammer

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

T0 = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(T0, tick=False):
        yield


def _full_session_with_waiting_list(capacite, en_attente):
    """A session whose `capacite` seats are taken, and `en_attente` people waiting."""
    ctx = setup_atelier(capacite=capacite, debut=T0 + datetime.timedelta(days=3))
    structure = ctx["prescripteur"].memberships.get().structure
    ctx["structure"] = structure

    def add(n):
        return [
            registrations.register(
                session=ctx["session"],
                beneficiaire=BeneficiaireFactory(structure=structure),
                canal=Canal.PRO,
                acteur=ctx["prescripteur"],
            )
            for _ in range(n)
        ]

    ctx["seats"], ctx["waiting"] = add(capacite), add(en_attente)
    assert {i.statut for i in ctx["waiting"]} == {StatutInscription.EN_ATTENTE}
    return ctx


def _register(ctx, person):
    inscription = registrations.register(
        session=ctx["session"], beneficiaire=person, canal=Canal.PRO, acteur=ctx["prescripteur"]
    )
    return [(person.pk, inscription.statut)]


def _cancel(ctx, inscription):
    registrations.cancel_registration(inscription=inscription, acteur=ctx["mediateur"])
    return [(inscription.beneficiaire_id, StatutInscription.ANNULE)]


def _assert_never_overbooked(session):
    session = Session.objects.get(pk=session.pk)
    inscrits = Inscription.objects.filter(session=session, statut=StatutInscription.INSCRIT)
    assert session.nb_inscrits == inscrits.count() == session.capacite
    rangs = list(
        Inscription.objects.filter(session=session, statut=StatutInscription.EN_ATTENTE)
        .order_by("rang_attente")
        .values_list("rang_attente", flat=True)
    )
    assert len(rangs) == len(set(rangs))
    return rangs


def test_a_newcomer_arriving_during_a_promotion_waits_behind(monkeypatch):
    """The seat freed by a cancellation goes to the first in line even when someone registers
    while the promotion is under way (a pause inside it): the newcomer waits, second."""
    ctx = _full_session_with_waiting_list(capacite=1, en_attente=1)
    [seat], [first] = ctx["seats"], ctx["waiting"]
    newcomer = BeneficiaireFactory(structure=ctx["structure"])
    promoting = threading.Event()
    original = registrations.promote

    def pause_then_promote(session, now, acteur=None):
        promoting.set()
        time.sleep(0.2)  # the seat is free, not yet given: the newcomer tries now
        return original(session, now, acteur=acteur)

    monkeypatch.setattr(registrations, "promote", pause_then_promote)

    def worker(i):
        if i == 0:
            return _cancel(ctx, seat)
        assert promoting.wait(timeout=10)
        return _register(ctx, newcomer)

    outcomes = _hammer(worker, threads=2)
    assert (newcomer.pk, StatutInscription.EN_ATTENTE) in outcomes
    first.refresh_from_db()
    assert first.statut == StatutInscription.INSCRIT and first.promu_le == T0
    assert _assert_never_overbooked(ctx["session"]) == [2]


def test_cancellations_and_registrations_at_once_keep_the_promoted_seated(monkeypatch):
    """Three cancellations and eight registrations at once, with 3 seats and 2 people waiting:
    both people waiting get a seat and keep it, three seats taken in all, the others wait."""
    ctx = _full_session_with_waiting_list(capacite=3, en_attente=2)
    newcomers = [BeneficiaireFactory(structure=ctx["structure"]) for _ in range(8)]
    original_promote, original_check = registrations.promote, registrations._check_person

    def pause_then_promote(session, now, acteur=None):
        time.sleep(0.002)
        return original_promote(session, now, acteur=acteur)

    def check_then_pause(session, beneficiaire):
        original_check(session, beneficiaire)
        time.sleep(0.002)

    monkeypatch.setattr(registrations, "promote", pause_then_promote)
    monkeypatch.setattr(registrations, "_check_person", check_then_pause)
    jobs = [lambda s=s: _cancel(ctx, s) for s in ctx["seats"]]
    jobs += [lambda p=p: _register(ctx, p) for p in newcomers]
    _hammer(lambda i: jobs[i](), threads=len(jobs))
    for inscription in ctx["waiting"]:
        inscription.refresh_from_db()
        assert inscription.statut == StatutInscription.INSCRIT and inscription.promu_le == T0
    assert len(_assert_never_overbooked(ctx["session"])) == 7
    seated = Inscription.objects.filter(
        beneficiaire__in=newcomers, statut=StatutInscription.INSCRIT
    )
    assert seated.count() == 1
