"""Background tasks left RUNNING by a worker that died (issue 19): marked FAILED, not retried.

The database backend (django_tasks_db) claims a task by setting it RUNNING with `started_at`
and the worker's id, then records SUCCESSFUL or FAILED when the task returns or raises. A
worker killed meanwhile (out of memory, kill -9, the host rebooting) records nothing: the row
would stay RUNNING forever. A worker's id is a random string per process, recorded nowhere
else, so "its worker is gone" is decided from two facts the database does hold:

- the task has been RUNNING for longer than settings.INCLUSION_TACHES_ORPHELINES_MINUTES
  (60 by default), well beyond the longest task (a national export takes minutes); and
- a worker ran the heartbeat (inclusion/tasks_sante.py) after the task started. A worker runs
  one task at a time: with a single worker this proves the task's process moved on or was
  replaced; with several it proves the queue is being served. While no worker beats (the only
  worker is stuck in that task, or every worker is down), nothing is marked: the readiness
  check already reports the worker, and marking would not make anything run.

Such a task is marked FAILED through the library's own fields, by one conditional UPDATE (a
worker that was only slow and then finishes writes its own result over ours). It is never
enqueued again: the library knows nothing of idempotency, and the tasks that matter recover
from their own rows (the SMS and e-mail outboxes resend what is still due on the next sweep;
an export left "en cours" is purged after its 24 hours and can be asked again).
"""

import logging
from collections import Counter
from datetime import timedelta
from traceback import format_exception

from django.conf import settings
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from inclusion.models import TravailPeriodique
from inclusion.services.travaux import WORKER

logger = logging.getLogger(__name__)

# The periodic chore (inclusion/hooks_periodique.py) and its count, kept in its
# TravailPeriodique row, which /sante/pret/ reads.
NOM_TRAVAIL = "taches_orphelines"
LIBELLE = "tâches orphelines marquées en échec"


class OrphanedTask(Exception):
    """What an orphaned task's result says it failed of (its class path and "traceback")."""


def bound():
    """How long a task may stay RUNNING before it counts as orphaned (when a worker beats)."""
    return timedelta(minutes=getattr(settings, "INCLUSION_TACHES_ORPHELINES_MINUTES", 60))


def orphaned_tasks(now, heartbeat):
    """Task results RUNNING since before the bound and before the worker's last heartbeat
    (`heartbeat`: its instant, None when no worker ever beat, then nothing counts)."""
    if heartbeat is None:
        return DBTaskResult.objects.none()
    limite = min(now - bound(), heartbeat)
    return DBTaskResult.objects.running().filter(started_at__lt=limite)


def _last_heartbeat():
    return (
        TravailPeriodique.objects.filter(nom=WORKER)
        .values_list("derniere_reussite", flat=True)
        .first()
    )


def _error(minutes):
    error = OrphanedTask(
        f"Tâche abandonnée : en cours depuis plus de {minutes} minutes sans résultat, alors "
        "qu'un worker a repris la file depuis. Le processus qui l'exécutait s'est arrêté "
        "(mémoire, arrêt forcé, redémarrage). Marquée en échec par les travaux périodiques, "
        "sans nouvel essai."
    )
    return (
        f"{OrphanedTask.__module__}.{OrphanedTask.__qualname__}",
        "".join(format_exception(error)),
    )


def fail_orphaned_tasks(*, now, wet_run=False):
    """Mark the orphaned tasks FAILED (only counts them unless `wet_run`); returns how many.
    Run twice, the second finds nothing. The log says how many of each task, never their
    arguments."""
    orphelines = orphaned_tasks(now, _last_heartbeat())
    found = dict(orphelines.values_list("pk", "task_path"))
    if not wet_run or not found:
        return len(found)
    minutes = int(bound().total_seconds() // 60)
    exception_class_path, traceback = _error(minutes)
    # Conditional on still being RUNNING: a result written meanwhile by a worker stays.
    n = orphelines.filter(pk__in=list(found)).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=exception_class_path,
        traceback=traceback,
    )
    par_tache = Counter(found.values())
    logger.warning(
        "%d tâche(s) orpheline(s) marquée(s) en échec (en cours depuis plus de %d minutes) : %s",
        n,
        minutes,
        ", ".join(f"{path} × {count}" for path, count in sorted(par_tache.items())),
    )
    return n
