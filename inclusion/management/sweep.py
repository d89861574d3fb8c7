"""The periodic sweeps of the outboxes (SMS, e-mail): one pass, or every minute with --boucle.

Each pass also purges the exports past their 24 hours (inclusion/services/exports_fichiers.py;
`manage.py purge_exports` does it alone): the promise "kept 24 hours" holds wherever a sweep
runs, with no extra process to schedule.

About once an hour a pass also runs every retention purge (inclusion.conservation; `manage.py
purger_donnees` by hand). The throttle is the last run's journal line, not a timer in this
process: the SMS and e-mail sweeps both run, a restart forgets timers, and the journal line is
wanted anyway. Two sweeps starting together may both run: the purges are idempotent.

Both chores are those of the periodic command (`manage.py travaux_periodiques`, issue 19:
inclusion/hooks_periodique.py), which runs the outboxes too, under a lease: one copy of each
rule. These sweeps stay for whoever already schedules them."""

import logging
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from inclusion import hooks_periodique

logger = logging.getLogger(__name__)


def purge_exports():
    return hooks_periodique.purge_exports(timezone.now())


def purge_conservation():
    try:
        return hooks_periodique.purge_conservation(timezone.now())
    except Exception:
        # A failing purge must not stop the outbox; the next pass tries again (no journal line).
        logger.exception("Purge de conservation en échec")
        return {}


class SweepCommand(BaseCommand):
    """Subclasses set `send_due`: a function returning {status: count} for one pass."""

    send_due = None
    housekeeping = (purge_exports, purge_conservation)

    def add_arguments(self, parser):
        parser.add_argument("--boucle", action="store_true", help="Recommencer chaque minute.")

    def handle(self, *args, boucle=False, **options):
        while True:
            counts = self.send_due()
            if counts:
                self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
            for chore in self.housekeeping:
                done = chore()
                if done:
                    self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(done.items())))
            if not boucle:
                return
            time.sleep(60)
