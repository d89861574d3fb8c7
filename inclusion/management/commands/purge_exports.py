from django.core.management.base import BaseCommand

from inclusion.services.exports_fichiers import purge_expired


class Command(BaseCommand):
    help = (
        "Efface les exports de plus de 24 heures (fichiers et lignes). Simulation sans --wet-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Effacer vraiment.")

    def handle(self, *args, wet_run=False, **options):
        counts = purge_expired(wet_run=wet_run)
        prefix = "" if wet_run else "Simulation : "
        self.stdout.write(
            f"{prefix}exports effacés : {counts['exports']}, fichiers effacés : "
            f"{counts['fichiers']}."
        )
