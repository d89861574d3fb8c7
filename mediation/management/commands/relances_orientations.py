"""The sweep of orientations: reminders at D+10 and D+20, expiry at D+30, automatic ends.

Dry run unless --wet-run: it prints what it would do and changes nothing."""

import time

from django.core.management.base import BaseCommand, CommandError

from mediation.services.orientations_relances import sweep

ORDRE = ("relances J+10", "relances J+20", "expirées", "terminées")


def _ligne(counts):
    return ", ".join(f"{k} : {counts[k]}" for k in sorted(counts, key=_rang))


def _rang(cle):
    return (ORDRE.index(cle), cle) if cle in ORDRE else (len(ORDRE), cle)


class Command(BaseCommand):
    help = (
        "Orientations sans réponse : relance les lieux à 10 et 20 jours, fait expirer à 30 "
        "jours (le prescripteur est prévenu), termine celles dont le service a été rendu "
        "(présence à la session, compte rendu d'activité). Simulation sans --wet-run ; sans "
        "risque de doublon, à lancer au moins une fois par jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run", action="store_true", help="Appliquer vraiment (envoyer les e-mails)."
        )
        parser.add_argument(
            "--boucle", action="store_true", help="Recommencer chaque minute (avec --wet-run)."
        )

    def handle(self, *args, wet_run=False, boucle=False, **options):
        if boucle and not wet_run:
            raise CommandError(
                "--boucle ne sert qu'avec --wet-run : une simulation suffit une fois."
            )
        while True:
            counts = sweep(wet_run=wet_run)
            if not wet_run:
                if not counts:
                    self.stdout.write("Simulation : rien à faire.")
                    return
                self.stdout.write(f"Simulation : {_ligne(counts)}.")
                self.stdout.write("Rien n'a changé. Relancez avec --wet-run pour appliquer.")
                return
            if counts:
                self.stdout.write(f"{_ligne(counts)}.")
            elif not boucle:
                self.stdout.write("Rien à faire.")
            if not boucle:
                return
            time.sleep(60)
