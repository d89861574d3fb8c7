"""The dashboards at national size (issue 19): figures computed by the worker, kept, shown.

A territory of national size makes the dashboards read millions of rows (bench/national: the
whole territory's took minutes), far beyond what a page may take. So a scope whose dashboard
took more than INCLUSION_PILOTAGE_DIRECT_SECONDES to compute is served from an instantané
(mediation.models_pilotage.InstantanePilotage): the sections as they were computed, with the
time they were computed, refreshed by the worker once older than
INCLUSION_PILOTAGE_FRAICHEUR_MINUTES. The page says when its figures were computed, and when
newer ones are on their way. A scope that computes quickly (every collectivité's own
territory, most structures) is counted live, as before, and stores nothing.

A scope learns it is slow when a computation of its dashboard takes longer than the bound:
the periodic work computes the whole territory's default dashboard in the background for that
(a page would time out first), a page computing a structure's live records it.

The only writer of InstantanePilotage."""

import datetime
import hashlib
import json
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from inclusion.db_router import keep_on_primary
from inclusion.enums import Role
from mediation.models_pilotage import InstantanePilotage
from mediation.pilotage import tableau_de_bord
from mediation.pilotage.filtres import Portee, parse_filtres
from mediation.pilotage.sections import decode, encode

logger = logging.getLogger(__name__)

# Pages write and the worker writes these rows; a lagging replica would make a page ask again
# for figures already asked or computed.
keep_on_primary("mediation.instantanepilotage")

# Bump when the sections' content changes shape: older instantanés are then ignored.
VERSION = 1
# A computation taken by a worker that died is taken again after this.
CALCUL_ABANDONNE = datetime.timedelta(hours=1)
CONSERVATION = datetime.timedelta(days=7)  # unread instantanés are deleted after this
LECTURE = datetime.timedelta(hours=1)  # a page notes its reading at most once an hour


def direct_seconds():
    return getattr(settings, "INCLUSION_PILOTAGE_DIRECT_SECONDES", 1)


def freshness():
    return datetime.timedelta(minutes=getattr(settings, "INCLUSION_PILOTAGE_FRAICHEUR_MINUTES", 30))


def _digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _scope(portee):
    structures = None if portee.structures is None else sorted(portee.structures)
    return {"role": str(portee.role), "structures": structures}


def portee_key(portee):
    return _digest({"v": VERSION, **_scope(portee)})


def dashboard_key(filtres, portee):
    return _digest({"v": VERSION, "filtres": filtres.query(), **_scope(portee)})


@dataclass(frozen=True)
class Figures:
    """What a dashboard page shows. `sections` None: none computed yet (on their way);
    `calcule_le` None: counted live for this page; `en_cours`: newer figures are on their
    way."""

    sections: tuple | None
    calcule_le: datetime.datetime | None = None
    en_cours: bool = False


def _compute(filtres, portee):
    started = time.perf_counter()
    sections = tableau_de_bord.sections(filtres, portee)
    return sections, int((time.perf_counter() - started) * 1000)


def _is_slow(portee):
    bound = direct_seconds() * 1000
    return InstantanePilotage.objects.filter(
        portee=portee_key(portee), duree_ms__gte=bound
    ).exists()


def _parametres(filtres, portee):
    return {"filtres": filtres.query(), **_scope(portee)}


def _store(filtres, portee, sections, duree_ms, now):
    InstantanePilotage.objects.update_or_create(
        cle=dashboard_key(filtres, portee),
        defaults={
            "portee": portee_key(portee),
            "parametres": _parametres(filtres, portee),
            "donnees": [encode(s) for s in sections],
            "calcule_le": now,
            "duree_ms": duree_ms,
            "en_calcul_depuis": None,
        },
    )


def _ask(filtres, portee, row, now):
    """Queue one computation of this dashboard, unless one is already queued or running.
    True when queued."""
    if row is not None and row.en_calcul_depuis and row.en_calcul_depuis > now - CALCUL_ABANDONNE:
        return False
    if row is not None and row.demande_le and row.demande_le > now - CALCUL_ABANDONNE:
        if row.calcule_le is None or row.demande_le > row.calcule_le:
            return False  # asked already, not computed since: the task is in the queue
    cle = dashboard_key(filtres, portee)
    InstantanePilotage.objects.update_or_create(
        cle=cle,
        defaults={
            "portee": portee_key(portee),
            "parametres": _parametres(filtres, portee),
            "demande_le": now,
        },
    )
    transaction.on_commit(lambda: compute_dashboard.enqueue(cle))
    return True


def figures_for(filtres, portee, now=None):
    """The sections a dashboard page shows for these filters and this scope."""
    now = now or timezone.now()
    if not _is_slow(portee):
        sections, duree_ms = _compute(filtres, portee)
        if duree_ms >= direct_seconds() * 1000:
            _store(filtres, portee, sections, duree_ms, now)  # next time: in the background
        return Figures(tuple(sections))
    cle = dashboard_key(filtres, portee)
    row = InstantanePilotage.objects.filter(cle=cle).first()
    if row is not None and (row.lu_le is None or row.lu_le <= now - LECTURE):
        InstantanePilotage.objects.filter(cle=cle).update(lu_le=now)
    computed = row is not None and row.donnees is not None and row.calcule_le is not None
    fresh = computed and row.calcule_le > now - freshness()
    if not fresh:
        _ask(filtres, portee, row, now)
    if not computed:
        return Figures(None, en_cours=True)
    return Figures(tuple(decode(s) for s in row.donnees), row.calcule_le, en_cours=not fresh)


def _portee_of(parametres):
    structures = parametres.get("structures")
    return Portee(
        structures=None if structures is None else frozenset(structures),
        role=parametres.get("role") or Role.COORDINATEUR,
    )


def compute_stored(cle, now=None):
    """The worker's part: compute one asked dashboard. Taken by a conditional UPDATE, so a
    task enqueued twice computes once. Returns the time taken in ms, or None when not taken."""
    now = now or timezone.now()
    free = Q(en_calcul_depuis__isnull=True) | Q(en_calcul_depuis__lt=now - CALCUL_ABANDONNE)
    asked = Q(calcule_le__isnull=True) | Q(demande_le__gt=F("calcule_le"))
    rows = InstantanePilotage.objects.filter(cle=cle)
    if not rows.filter(free, asked).update(en_calcul_depuis=now):
        return None
    row = rows.get()
    filtres = parse_filtres(row.parametres["filtres"])
    portee = _portee_of(row.parametres)
    try:
        sections, duree_ms = _compute(filtres, portee)
    except Exception:
        rows.update(en_calcul_depuis=None)
        raise
    _store(filtres, portee, sections, duree_ms, now)
    logger.info("pilotage instantané %s calculé en %d ms", cle[:8], duree_ms)
    return duree_ms


@task()
def compute_dashboard(cle):
    compute_stored(cle)


def refresh(now):
    """The periodic work's part. The whole territory's default dashboard (the coordinators'
    landing page) is asked whenever it is older than the freshness bound: its computation's
    time tells whether the territory is slow (a page would time out first), and its landing
    page is then always ready. The slow dashboards read in the last week are asked again when
    old; those unread for a week, and those fast enough to be counted live, are deleted."""
    counts = {"demandés": 0, "supprimés": 0}
    territoire = Portee()
    filtres = parse_filtres({}, today=timezone.localdate(now))
    accueil = dashboard_key(filtres, territoire)
    row = InstantanePilotage.objects.filter(cle=accueil).first()
    if row is None or row.calcule_le is None or row.calcule_le <= now - freshness():
        counts["demandés"] += _ask(filtres, territoire, row, now)
    slow = Q(duree_ms__gte=direct_seconds() * 1000)
    stale = InstantanePilotage.objects.filter(
        slow, calcule_le__lte=now - freshness(), lu_le__gt=now - CONSERVATION
    ).exclude(cle=accueil)
    for old in stale:
        filtres_old = parse_filtres(old.parametres["filtres"])
        counts["demandés"] += _ask(filtres_old, _portee_of(old.parametres), old, now)
    unread = Q(lu_le__lte=now - CONSERVATION) | Q(
        lu_le__isnull=True, calcule_le__lte=now - CONSERVATION
    )
    fast = Q(duree_ms__lt=direct_seconds() * 1000)
    gone = InstantanePilotage.objects.filter(unread | fast).exclude(cle=accueil)
    counts["supprimés"] = gone.delete()[0]
    return counts
