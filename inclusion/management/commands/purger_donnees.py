from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inclusion import conservation
from inclusion.services.purges import CleInconnue, run_purges


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation : efface ou supprime ce qui a dépassé son délai "
        "(SMS, e-mails, invitations, exports, sessions, texte des orientations, journal). "
        "Simulation sans --wet-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Effacer vraiment.")
        parser.add_argument(
            "--seulement",
            nargs="+",
            metavar="CLE",
            help="Seulement ces délais (par exemple : sms_texte journal).",
        )

    def handle(self, *args, wet_run=False, seulement=None, **options):
        try:
            resultats = run_purges(timezone.now(), wet_run=wet_run, cles=seulement)
        except CleInconnue as exc:
            connues = ", ".join(conservation.purges())
            raise CommandError(
                f"Délai inconnu : {', '.join(exc.args[0])}. Délais avec une purge : {connues}."
            ) from None
        prefix = "" if wet_run else "Simulation : "
        for cle, counts in resultats.items():
            detail = ", ".join(f"{k} : {v}" for k, v in counts.items()) or "rien à compter"
            self.stdout.write(f"{prefix}{cle} — {detail}.")
