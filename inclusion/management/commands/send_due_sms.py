import time

from django.core.management.base import BaseCommand

from inclusion.sms.delivery import send_due


class Command(BaseCommand):
    help = (
        "Envoie les SMS arrivés à échéance (fenêtre d'envoi, nouvelles tentatives). "
        "Avec --boucle, recommence chaque minute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--boucle", action="store_true", help="Recommencer chaque minute.")

    def handle(self, *args, boucle=False, **options):
        while True:
            counts = send_due()
            if counts:
                self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
            if not boucle:
                return
            time.sleep(60)
