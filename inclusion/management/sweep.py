"""The periodic sweeps of the outboxes (SMS, e-mail): one pass, or every minute with --boucle.

Each pass also purges the exports past their 24 hours (inclusion/services/exports_fichiers.py;
`manage.py purge_exports` does it alone): the promise "kept 24 hours" holds wherever a sweep
runs, with no extra process to schedule."""

import time

from django.core.management.base import BaseCommand


def purge_exports():
    from inclusion.services.exports_fichiers import purge_expired

    counts = purge_expired(wet_run=True)
    return {"exports effacés": counts["exports"]} if counts["exports"] else {}


class SweepCommand(BaseCommand):
    """Subclasses set `send_due`: a function returning {status: count} for one pass."""

    send_due = None
    housekeeping = (purge_exports,)

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
