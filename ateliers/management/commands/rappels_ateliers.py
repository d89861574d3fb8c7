import time

from django.core.management.base import BaseCommand

from ateliers.services.rappels import sweep


class Command(BaseCommand):
    help = (
        "Prépare les rappels SMS des ateliers (48 h avant, et le matin). Sans risque de "
        "doublon : à lancer toutes les quelques minutes. Avec --boucle, recommence chaque minute."
    )

    def add_arguments(self, parser):
        parser.add_argument("--boucle", action="store_true")

    def handle(self, *args, boucle=False, **options):
        while True:
            written = sweep()
            if written:
                self.stdout.write(f"{written} rappel(s) mis dans la file d'envoi.")
            if not boucle:
                return
            time.sleep(60)
