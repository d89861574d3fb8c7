"""Two hosts start the periodic pass at the same instant on PostgreSQL: exactly one runs it,
the other skips. Both read the lease row before either updates it (a barrier between
get_or_create and the conditional UPDATE), so the UPDATEs really meet; the winner's chore
then waits until the loser has given up, so the two passes overlap. SQLite serialises writers
and proves nothing here: these tests skip there."""

import threading

import pytest
import time_machine
from django.db import connections

from inclusion.models import TravailPeriodique, Verrou
from inclusion.registry import Travail
from inclusion.services import travaux
from tests.clock import FROZEN_AT

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

HOSTS = 2


def _race(monkeypatch, chores, hosts=HOSTS):
    barrier = threading.Barrier(hosts)
    get_or_create = Verrou.objects.get_or_create

    def get_or_create_then_wait(*args, **kwargs):
        result = get_or_create(*args, **kwargs)
        barrier.wait(timeout=30)
        return result

    # This model's manager only (the Manager class is shared by every model).
    monkeypatch.setattr(Verrou.objects, "get_or_create", get_or_create_then_wait)
    bilans, errors = {}, []

    def run(i):
        try:
            bilans[i] = travaux.run_periodic(holder=f"hote-{i}:{i}", travaux=chores)
        except Exception as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(hosts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return bilans


def test_two_hosts_at_once_one_runs_the_other_skips(monkeypatch):
    loser_gave_up = threading.Event()
    ran = []

    def slow(now):
        ran.append(threading.get_ident())
        # Still running while the other host tries: it must skip, not wait or run.
        assert loser_gave_up.wait(timeout=30)
        return {"faits": 1}

    chores = [Travail("lent", "Lent", slow, travaux.JOUR)]

    original = travaux.take_lease

    def take_lease(holder, now, nom=travaux.NOM_VERROU):
        pris = original(holder, now, nom)
        if pris is None:
            loser_gave_up.set()
        return pris

    monkeypatch.setattr(travaux, "take_lease", take_lease)
    with time_machine.travel(FROZEN_AT, tick=False):
        bilans = _race(monkeypatch, chores)
    statuts = sorted(b.statut for b in bilans.values())
    assert statuts == [travaux.FAIT, travaux.IGNORE]
    assert len(ran) == 1
    assert TravailPeriodique.objects.get(nom="lent").resultat == {"faits": 1}
    assert Verrou.objects.get().expire_le is None  # the winner gave it back


def test_many_passes_at_once_run_each_chore_once(monkeypatch):
    ran = []
    chores = [Travail("compte", "Compte", lambda now: ran.append(now) or {}, travaux.JOUR)]
    with time_machine.travel(FROZEN_AT, tick=False):
        bilans = _race(monkeypatch, chores, hosts=6)
    assert sorted(b.statut for b in bilans.values()).count(travaux.FAIT) == 1
    assert len(ran) == 1
