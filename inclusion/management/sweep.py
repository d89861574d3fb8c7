"""The periodic sweeps of the outboxes (SMS, e-mail): one pass, or every minute with --boucle."""

import time

from django.core.management.base import BaseCommand


class SweepCommand(BaseCommand):
    """Subclasses set `send_due`: a function returning {status: count} for one pass."""

    send_due = None

    def add_arguments(self, parser):
        parser.add_argument("--boucle", action="store_true", help="Recommencer chaque minute.")

    def handle(self, *args, boucle=False, **options):
        while True:
            counts = self.send_due()
            if counts:
                self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
            if not boucle:
                return
            time.sleep(60)
