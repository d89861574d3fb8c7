"""The periodic work, one pass (or one a minute with --boucle): every registered chore that
is due, under a lease in the database (inclusion/services/travaux.py).

Safe from cron or a timer every few minutes on several hosts at once: one runs the pass, the
others print that another host runs it and exit 0."""

import datetime
import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from inclusion import registry
from inclusion.models import TravailPeriodique, Verrou
from inclusion.services import travaux

logger = logging.getLogger(__name__)


def _counts(counts):
    return ", ".join(f"{k} : {v}" for k, v in sorted(counts.items())) or "rien à faire"


def _moment(value):
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else "jamais"


def _intervalle(value):
    if not value:
        return "à chaque passe"
    if value % travaux.JOUR == datetime.timedelta(0):
        return "une fois par jour" if value.days == 1 else f"tous les {value.days} jours"
    return f"toutes les {int(value.total_seconds() // 60)} min"


class Command(BaseCommand):
    help = (
        "Travaux périodiques (SMS et e-mails à envoyer, rappels, relances, expiration des pass, "
        "purges, battement du worker) : ceux qui sont dus, une passe. Sans risque depuis cron "
        "sur plusieurs machines : une seule fait la passe, les autres passent leur tour. Avec "
        "--boucle, recommence chaque minute ; --liste montre les travaux et leur dernière passe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--boucle", action="store_true", help="Recommencer chaque minute.")
        parser.add_argument(
            "--liste", action="store_true", help="Lister les travaux et leur dernière passe."
        )

    def handle(self, *args, boucle=False, liste=False, **options):
        if liste:
            return self.list_work()
        if not boucle:
            bilan = self.one_pass()
            if bilan.echecs:
                raise CommandError(f"{len(bilan.echecs)} travail(s) en échec.")
            return
        while True:
            # A long-lived process: drop a connection the database closed or that is too old
            # (CONN_MAX_AGE), as a request would; a pass that cannot reach the database is
            # logged and the next minute tries again.
            close_old_connections()
            try:
                self.one_pass()
            except Exception:
                logger.exception("Passe des travaux périodiques en échec")
            time.sleep(60)

    def one_pass(self):
        bilan = travaux.run_periodic()
        if bilan.statut == travaux.IGNORE:
            self.stdout.write("Une autre machine fait déjà la passe : rien à faire ici.")
            return bilan
        for nom, counts in bilan.faits.items():
            self.stdout.write(f"{nom} : {_counts(counts)}")
        for nom in bilan.echecs:
            self.stderr.write(f"{nom} : en échec (voir les journaux)")
        if bilan.interrompu:
            self.stderr.write("Verrou perdu en cours de passe : une autre machine continue.")
        return bilan

    def list_work(self):
        rows = {row.nom: row for row in TravailPeriodique.objects.all()}
        for travail in registry.periodic_work():
            row = rows.get(travail.nom)
            self.stdout.write(
                f"{travail.nom} — {travail.libelle} ({_intervalle(travail.intervalle)})"
            )
            if row is None:
                self.stdout.write("    jamais lancé")
                continue
            self.stdout.write(
                f"    dernier début {_moment(row.dernier_debut)}, dernière réussite "
                f"{_moment(row.derniere_reussite)}, dernier échec {_moment(row.dernier_echec)}"
                + (f" ({row.erreur})" if row.erreur else "")
            )
            if row.resultat:
                self.stdout.write(f"    {_counts(row.resultat)}")
        for nom, libelle in ((travaux.PASSE, "Dernière passe"), (travaux.WORKER, "Worker")):
            row = rows.get(nom)
            self.stdout.write(
                f"{libelle} : dernière fin {_moment(row.derniere_fin if row else None)}"
            )
        verrou = Verrou.objects.filter(nom=travaux.NOM_VERROU).first()
        if verrou and verrou.expire_le and verrou.expire_le > timezone.now():
            self.stdout.write(
                f"Passe en cours sur {verrou.detenteur} depuis {_moment(verrou.pris_le)}"
            )
