"""Daily: J-30 alerts, then expiry of the chèques and carnets past the tolerance.

Dry run unless --wet-run: it prints what it would do and changes nothing.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from pass_numerique.services import expiry


class Command(BaseCommand):
    help = "Alertes J-30 et expiration des chèques après la tolérance (simulation sans --wet-run)."

    def add_arguments(self, parser):
        parser.add_argument("--wet-run", action="store_true", help="Appliquer vraiment.")
        parser.add_argument("--date", help="Date du jour (AAAA-MM-JJ), pour rattraper un jour.")

    def handle(self, *args, wet_run=False, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError("--date attend une date AAAA-MM-JJ.") from error
        for alerte in expiry.alerts(today=today):
            p = alerte.programme
            self.stdout.write(
                f"Alerte : « {p.nom} » finit le {p.fin_validite:%d/%m/%Y} "
                f"(acceptés jusqu'au {p.date_limite:%d/%m/%Y}) : {alerte.carnets} carnet(s), "
                f"{alerte.cheques} chèque(s) encore valables."
            )
            for s in alerte.structures:
                self.stdout.write(f"  - {s.nom} : {s.carnets} carnet(s), {s.cheques} chèque(s)")
        todo = expiry.programmes_to_expire(today=today)
        if not todo:
            self.stdout.write("Rien à faire expirer.")
            return
        if not wet_run:
            for item in todo:
                self.stdout.write(
                    f"Simulation : « {item.programme.nom} » : {item.cheques} chèque(s) et "
                    f"{item.carnets} carnet(s) expireraient."
                )
            self.stdout.write("Simulation : rien n'a changé. Relancez avec --wet-run.")
            return
        for item in expiry.expire_all(today=today):
            self.stdout.write(
                self.style.SUCCESS(
                    f"« {item.programme.nom} » : {item.cheques} chèque(s) et {item.carnets} "
                    "carnet(s) expirés."
                )
            )
