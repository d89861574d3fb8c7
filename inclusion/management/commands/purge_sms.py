"""Kept for the scripts that call it: the SMS part of `purger_donnees` (sms_texte, then
sms_lignes), with the delays of settings.INCLUSION_CONSERVATION, journalised the same way."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from inclusion.services.purges import run_purges

ORDRE = ("SMS supprimés", "SMS reçus supprimés", "textes effacés", "textes reçus effacés")


class Command(BaseCommand):
    help = (
        "Efface le texte des SMS et supprime les SMS anciens (délais sms_texte et sms_lignes). "
        "Simulation sans --wet-run. Voir aussi purger_donnees."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Effacer vraiment.")

    def handle(self, *args, wet_run=False, **options):
        # Texts are blanked before old rows go (declared order): a dry run counts exactly what
        # a wet run does.
        resultats = run_purges(timezone.now(), wet_run=wet_run, cles=["sms_texte", "sms_lignes"])
        counts = {k: v for r in resultats.values() for k, v in r.items()}
        prefix = "" if wet_run else "Simulation : "
        self.stdout.write(prefix + ", ".join(f"{k} : {counts[k]}" for k in ORDRE) + ".")
