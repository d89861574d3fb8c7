"""The periodic sweeps of the outboxes (SMS, e-mail): one pass, or every minute with --boucle.

Each pass also purges the exports past their 24 hours (inclusion/services/exports_fichiers.py;
`manage.py purge_exports` does it alone): the promise "kept 24 hours" holds wherever a sweep
runs, with no extra process to schedule.

About once an hour a pass also runs every retention purge (inclusion.conservation; `manage.py
purger_donnees` by hand). The throttle is the last run's journal line, not a timer in this
process: the SMS and e-mail sweeps both run, a restart forgets timers, and the journal line is
wanted anyway. Two sweeps starting together may both run: the purges are idempotent."""

import logging
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

logger = logging.getLogger(__name__)


def purge_exports():
    from inclusion.services.exports_fichiers import purge_expired

    counts = purge_expired(wet_run=True)
    return {"exports effacés": counts["exports"]} if counts["exports"] else {}


def purge_conservation():
    from inclusion.services.purges import run_purges_if_due

    try:
        return run_purges_if_due(timezone.now()) or {}
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
