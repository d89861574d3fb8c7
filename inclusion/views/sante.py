"""Readiness check (issue 19), for load balancers and monitoring: is this host able to serve?

/sante/ (inclusion/views/public.py) only says the process answers. /sante/pret/ checks the
database (a trivial query), the cache (a key written and read back), the worker's heartbeat
(inclusion/tasks_sante.py), the last periodic pass (inclusion/services/travaux.py) and the age
of the oldest SMS due to be sent. Thresholds in minutes: settings.INCLUSION_SANTE.

It answers 200 {"statut": "pret"} or 503 {"statut": "pas_pret"}, with per check only "ok" and
an age in minutes: no host name, version or message that would help an attacker, and nothing
about a person. Beside the checks, for information only (it never makes a host "pas prêt"):
how many tasks left running by a dead worker the last periodic pass marked failed
(inclusion/services/taches_orphelines.py), read from that chore's row with the other stamps.
Three queries whatever the data, one when the database is down."""

import logging
import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.db import connection
from django.db.models import Min
from django.http import JsonResponse
from django.utils import timezone

from inclusion import outbox
from inclusion.models import SmsMessage, StatutSms, TravailPeriodique
from inclusion.services import taches_orphelines
from inclusion.services.travaux import PASSE, WORKER

logger = logging.getLogger(__name__)

CLE_CACHE = "sante:pret"


def _minutes(now, moment):
    return max(0, int((now - moment).total_seconds() // 60))


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _check_cache():
    jeton = secrets.token_hex(8)
    cache = caches["default"]
    cache.set(CLE_CACHE, jeton, timeout=60)
    return cache.get(CLE_CACHE) == jeton


def _oldest_due_sms(now):
    """When the oldest SMS due now became due (None when none waits): the sweep's own rule."""
    return outbox.due(SmsMessage, a_envoyer=StatutSms.A_ENVOYER, now=now).aggregate(
        oldest=Min("pas_avant")
    )["oldest"]


FAILED = object()


def _safely(name, check):
    """check(), or FAILED when it raises."""
    try:
        return check()
    except Exception as error:
        # The class name only: a driver's message may name the host or the database.
        logger.warning(
            "Préparation : vérification « %s » en échec (%s)", name, type(error).__name__
        )
        return FAILED


def _verification(ok, age=None):
    return {"ok": ok, "age_minutes": age}


def _stamps():
    """{nom: (derniere_fin, resultat)} of the worker, the pass and the orphaned-tasks chore."""
    noms = (WORKER, PASSE, taches_orphelines.NOM_TRAVAIL)
    rows = TravailPeriodique.objects.filter(nom__in=noms).values_list(
        "nom", "derniere_fin", "resultat"
    )
    return {nom: (fin, resultat) for nom, fin, resultat in rows}


def _orphaned_count(stamps):
    """The tasks the orphaned-tasks chore marked failed on its last run; None before it ran."""
    if stamps is FAILED or taches_orphelines.NOM_TRAVAIL not in stamps:
        return None
    _, resultat = stamps[taches_orphelines.NOM_TRAVAIL]
    return int((resultat or {}).get(taches_orphelines.LIBELLE, 0))


@login_not_required
def pret(request):
    now = timezone.now()
    seuils = settings.INCLUSION_SANTE
    base = _safely("base", _check_database) is True
    cache = _safely("cache", _check_cache) is True
    verifications = {"base": _verification(base), "cache": _verification(cache)}
    # Without the database nothing else can be read: no more waiting on it.
    stamps = _safely("travaux", _stamps) if base else FAILED
    for key, nom in (("worker", WORKER), ("periodique", PASSE)):
        moment = None if stamps is FAILED else stamps.get(nom, (None, None))[0]
        age = _minutes(now, moment) if moment else None
        verifications[key] = _verification(age is not None and age <= seuils[key], age)
    oldest = _safely("sms", lambda: _oldest_due_sms(now)) if base else FAILED
    if oldest is FAILED:
        verifications["sms"] = _verification(False)
    else:
        age = _minutes(now, oldest) if oldest else 0
        verifications["sms"] = _verification(age <= seuils["sms"], age)
    ready = all(v["ok"] for v in verifications.values())
    response = JsonResponse(
        {
            "statut": "pret" if ready else "pas_pret",
            "verifications": verifications,
            "informations": {"taches_orphelines": _orphaned_count(stamps)},
        },
        status=200 if ready else 503,
    )
    response["Cache-Control"] = "no-store"
    return response
