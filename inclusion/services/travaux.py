"""The periodic work (issue 19): one pass of every registered chore that is due, under a lease.

Several hosts may start `manage.py travaux_periodiques` in the same minute (cron, timers): the
one whose conditional UPDATE takes the lease `Verrou("travaux_periodiques")` runs the pass, the
others skip it. The lease lasts settings.INCLUSION_VERROU_MINUTES, is renewed between chores
and given back at the end, so a host that dies mid-pass holds the work back no longer than that.

Each chore runs in its own try: one failing never stops the others. Its TravailPeriodique row
keeps when it last started, ended, succeeded or failed, its counts, and the class name of its
exception (never the message: it may quote personal data). The row of the pass itself
("passe") and the worker's heartbeat ("worker", inclusion/tasks_sante.py) are what the
readiness check (/sante/pret/) reads.
"""

import datetime
import logging
import os
import socket
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from inclusion import registry
from inclusion.models import TravailPeriodique, Verrou

logger = logging.getLogger(__name__)

NOM_VERROU = "travaux_periodiques"
# TravailPeriodique rows that are not chores: the pass (its end is the readiness' "periodique")
# and the worker's heartbeat.
PASSE = "passe"
WORKER = "worker"

FAIT = "fait"
IGNORE = "ignore"
JOUR = datetime.timedelta(days=1)


@dataclass
class Bilan:
    """What one call did: `statut` FAIT (the pass ran) or IGNORE (another host holds the lease)."""

    statut: str
    detenteur: str = ""
    # nom -> counts, for the chores that ran and succeeded
    faits: dict = field(default_factory=dict)
    # noms of the chores that raised
    echecs: list = field(default_factory=list)
    # noms of the chores not due yet
    pas_dus: list = field(default_factory=list)
    # True when the lease was lost mid-pass (it expired and another host took it)
    interrompu: bool = False


def holder_name():
    """This process, as the lease's holder: host name and pid (no address, no user)."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def _duree():
    return datetime.timedelta(minutes=settings.INCLUSION_VERROU_MINUTES)


def take_lease(holder, now, nom=NOM_VERROU):
    """The lease for `holder` if it is free or expired: one conditional UPDATE, so among
    processes racing for it exactly one wins. Returns the taking instant (the token that
    renew/release check), or None when another process holds it."""
    Verrou.objects.get_or_create(nom=nom)
    libre = Q(expire_le__isnull=True) | Q(expire_le__lte=now)
    taken = (
        Verrou.objects.filter(libre, nom=nom).update(
            detenteur=holder, pris_le=now, expire_le=now + _duree()
        )
        == 1
    )
    return now if taken else None


def renew_lease(holder, pris_le, now, nom=NOM_VERROU):
    """Push the lease's end back; False if it is no longer ours (it expired and was taken)."""
    return bool(
        Verrou.objects.filter(nom=nom, detenteur=holder, pris_le=pris_le).update(
            expire_le=now + _duree()
        )
    )


def release_lease(holder, pris_le, nom=NOM_VERROU):
    """Give the lease back, only if still ours; holder and taking instant stay for --liste."""
    return bool(
        Verrou.objects.filter(nom=nom, detenteur=holder, pris_le=pris_le).update(expire_le=None)
    )


def is_due(travail, derniere_reussite, now):
    """Due when it never succeeded, or its interval has passed since its last success (a
    failed or interrupted run is tried again on the next pass). Whole days count in calendar
    days (Europe/Paris): a daily chore runs once a day, on the first pass after midnight,
    without drifting by the pass's own duration."""
    if derniere_reussite is None or not travail.intervalle:
        return True
    if travail.intervalle >= JOUR and travail.intervalle % JOUR == datetime.timedelta(0):
        jours = (timezone.localdate(now) - timezone.localdate(derniere_reussite)).days
        return jours >= travail.intervalle.days
    return now - derniere_reussite >= travail.intervalle


def _record_start(nom, now):
    if not TravailPeriodique.objects.filter(nom=nom).update(dernier_debut=now):
        TravailPeriodique.objects.get_or_create(nom=nom, defaults={"dernier_debut": now})


def run_chore(travail):
    """Run one chore now and record it. Returns (ok, counts)."""
    debut = timezone.now()
    _record_start(travail.nom, debut)
    try:
        counts = {str(k): int(v) for k, v in (travail.fonction(debut) or {}).items()}
    except Exception as error:
        # The message may quote personal data: the log names the chore, the row keeps the class.
        logger.exception("Travail périodique « %s » en échec", travail.nom)
        fin = timezone.now()
        TravailPeriodique.objects.filter(nom=travail.nom).update(
            derniere_fin=fin, dernier_echec=fin, erreur=type(error).__name__[:200]
        )
        return False, {}
    fin = timezone.now()
    TravailPeriodique.objects.filter(nom=travail.nom).update(
        derniere_fin=fin, derniere_reussite=fin, resultat=counts, erreur=""
    )
    return True, counts


def run_periodic(*, holder=None, travaux=None):
    """One pass: take the lease or skip; run each due chore (registry order); give it back."""
    holder = holder or holder_name()
    travaux = registry.periodic_work() if travaux is None else travaux
    debut = timezone.now()
    pris_le = take_lease(holder, debut)
    if pris_le is None:
        return Bilan(statut=IGNORE)
    bilan = Bilan(statut=FAIT, detenteur=holder)
    try:
        _record_start(PASSE, debut)
        reussites = dict(
            TravailPeriodique.objects.filter(nom__in=[t.nom for t in travaux]).values_list(
                "nom", "derniere_reussite"
            )
        )
        for travail in travaux:
            if not is_due(travail, reussites.get(travail.nom), timezone.now()):
                bilan.pas_dus.append(travail.nom)
                continue
            ok, counts = run_chore(travail)
            if ok:
                bilan.faits[travail.nom] = counts
            else:
                bilan.echecs.append(travail.nom)
            if not renew_lease(holder, pris_le, timezone.now()):
                # Too slow: the lease expired and another host took it; it runs what is left.
                logger.warning("Verrou des travaux périodiques perdu en cours de passe")
                bilan.interrompu = True
                return bilan
        fin = timezone.now()
        ended = {"derniere_fin": fin}
        if not bilan.echecs:
            ended["derniere_reussite"] = fin
        TravailPeriodique.objects.filter(nom=PASSE).update(**ended)
    finally:
        release_lease(holder, pris_le)
    return bilan
