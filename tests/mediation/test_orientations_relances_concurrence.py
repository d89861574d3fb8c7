"""Two sweeps at once on PostgreSQL (a cron and a --boucle, or two hosts): each reminder,
expiry and end happens once. Both sweeps read the same due orientations before either writes
(a barrier between the read and the write), so the conditional UPDATEs really meet. SQLite
serialises writers and proves nothing here: these tests skip there."""

import datetime
import threading

import pytest
import time_machine

from inclusion.models import Journal, OutgoingEmail
from mediation.enums_orientations import StatutOrientation
from mediation.models import Orientation
from mediation.services import orientations_relances
from tests.clock import FROZEN_AT
from tests.mediation.factories_orientations import orient_to_place, setup_orientations
from tests.pass_numerique.test_concurrency import _hammer

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

SWEEPS = 2
JOUR = datetime.timedelta(days=1)


class _Rows(list):
    """A list read once, iterated like the queryset it replaces."""

    def iterator(self):
        return iter(self)

    def select_related(self, *fields):
        return self


def _read_then_wait(monkeypatch, barrier):
    """Every sweep reads its due orientations, then waits for the others before writing."""
    due_expiry = orientations_relances._due_expiry
    due_reminders = orientations_relances._due_reminders

    def expiry(now):
        return _Rows(due_expiry(now))

    def reminders(now):
        rows = [(level, _Rows(qs)) for level, qs in due_reminders(now)]
        barrier.wait(timeout=30)
        return rows

    monkeypatch.setattr(orientations_relances, "_due_expiry", expiry)
    monkeypatch.setattr(orientations_relances, "_due_reminders", reminders)


def test_two_sweeps_at_once_remind_and_expire_once(monkeypatch):
    with time_machine.travel(FROZEN_AT, tick=False):
        ctx = setup_orientations()
        rappels = [orient_to_place(ctx) for _ in range(4)]
    with time_machine.travel(FROZEN_AT - 20 * JOUR, tick=False):
        expirees = [orient_to_place(ctx, lieu=ctx.lieux[1]) for _ in range(3)]

    barrier = threading.Barrier(SWEEPS)
    _read_then_wait(monkeypatch, barrier)
    with time_machine.travel(FROZEN_AT + 10 * JOUR, tick=False):
        results = _hammer(lambda i: [orientations_relances.sweep()], threads=SWEEPS)

    total = {}
    for counts in results:
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
    assert total == {"relances J+10": 4, "expirées": 3}
    assert OutgoingEmail.objects.filter(kind="orientation.relance").count() == 4
    assert OutgoingEmail.objects.filter(kind="orientation.expiration").count() == 3
    assert Journal.objects.filter(action="orientation.relance").count() == 4
    assert Journal.objects.filter(action="orientation.expiration").count() == 3
    for o in Orientation.objects.filter(pk__in=[o.pk for o in rappels]):
        assert o.relances == 1
        assert o.destinataires.get().generation == 1  # one fresh link, not two
    assert set(
        Orientation.objects.filter(pk__in=[o.pk for o in expirees]).values_list("statut", flat=True)
    ) == {StatutOrientation.EXPIREE}
