from django.core.management.base import BaseCommand
from django.utils import timezone

from inclusion import conservation
from inclusion.services.anonymisation import CLE_DOSSIERS, anonymise_inactive


class Command(BaseCommand):
    help = (
        "Anonymise les dossiers sans activité depuis le délai de conservation (réglage "
        "INCLUSION_CONSERVATION_DOSSIER_INACTIF), par lots. Simulation sans --wet-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Anonymiser vraiment.")

    def handle(self, *args, wet_run=False, **options):
        counts = anonymise_inactive(timezone.now(), wet_run=wet_run)
        n = counts.get(CLE_DOSSIERS, 0)
        duree = conservation.delai("dossier_inactif").duree_en_mots
        if not wet_run:
            self.stdout.write(
                f"Simulation : {n} dossier{'s' if n > 1 else ''} sans activité depuis {duree} "
                f"{'seraient anonymisés' if n > 1 else 'serait anonymisé'}. "
                "Relancez avec --wet-run pour anonymiser."
            )
            return
        details = ", ".join(
            f"{libelle} : {count}"
            for libelle, count in sorted(counts.items())
            if libelle != CLE_DOSSIERS
        )
        self.stdout.write(
            f"{n} dossier{'s' if n > 1 else ''} sans activité depuis {duree} "
            f"anonymisé{'s' if n > 1 else ''}." + (f" {details}." if details else "")
        )
