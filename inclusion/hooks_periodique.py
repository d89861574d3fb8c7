"""Issue 19: this layer's chores for the periodic command (registry.register_periodic).

The SMS and e-mail outboxes, the exports' 24 hours, the retention purges, the finished task
results, the tasks a dead worker left running, and the worker's heartbeat. The older sweeps
(send_due_sms, send_due_emails, through inclusion/management/sweep.py) call these same
functions: one copy of each rule."""

import datetime

from django.db import transaction

from inclusion.registry import Travail, register_periodic
from inclusion.services.taches_orphelines import NOM_TRAVAIL as NOM_TACHES_ORPHELINES

# Finished background-task rows (ids and arguments only) are kept this long, then deleted.
RESULTATS_TACHES = datetime.timedelta(days=14)


def _labelled(counts, choices, prefix):
    return {f"{prefix} {choices(statut).label.lower()}": n for statut, n in counts.items()}


def send_due_sms(now):
    from inclusion.models import StatutSms
    from inclusion.sms.delivery import send_due

    return _labelled(send_due(now=now), StatutSms, "SMS")


def send_due_emails(now):
    from inclusion.emails.delivery import send_due
    from inclusion.models import StatutEmail

    return _labelled(send_due(now=now), StatutEmail, "e-mails")


def purge_exports(now):
    """Exports past their 24 hours, on every pass: the promise "kept 24 hours" holds within
    minutes, not within the hour of the retention purges."""
    from inclusion.services.exports_fichiers import purge_expired

    counts = purge_expired(now=now, wet_run=True)
    return {"exports effacés": counts["exports"]} if counts["exports"] else {}


def purge_conservation(now):
    """Every retention purge, about once an hour. The throttle is the last run's journal line
    (inclusion/services/purges.py, shared with `purger_donnees` and the older sweeps), so this
    chore is asked on every pass and does nothing when the last run is recent."""
    from inclusion.services.purges import run_purges_if_due

    return run_purges_if_due(now) or {}


def prune_task_results(now):
    """Finished background-task rows past RESULTATS_TACHES (the worker's queue table would
    otherwise grow by a heartbeat a pass, and a row per SMS or e-mail task)."""
    from django_tasks_db.models import DBTaskResult

    from inclusion.services.purges import delete_rows, par_lots

    finies = DBTaskResult.objects.finished().filter(finished_at__lt=now - RESULTATS_TACHES)
    n = par_lots(finies, delete_rows, wet_run=True)
    return {"résultats de tâches supprimés": n} if n else {}


def fail_orphaned_tasks(now):
    """Tasks left RUNNING by a worker that died: FAILED once past their bound
    (inclusion/services/taches_orphelines.py)."""
    from inclusion.services import taches_orphelines

    n = taches_orphelines.fail_orphaned_tasks(now=now, wet_run=True)
    return {taches_orphelines.LIBELLE: n} if n else {}


def request_heartbeat(now):
    """Ask the worker for its heartbeat (inclusion/tasks_sante.py), once this pass's writes
    are committed."""
    from inclusion.tasks_sante import heartbeat

    transaction.on_commit(heartbeat.enqueue)
    return {"battements demandés": 1}


ZERO = datetime.timedelta(0)
for travail in (
    Travail("battement_worker", "Battement du worker", request_heartbeat, ZERO, ordre=1),
    Travail("sms", "Envoi des SMS arrivés à échéance", send_due_sms, ZERO, ordre=50),
    Travail("emails", "Envoi des e-mails arrivés à échéance", send_due_emails, ZERO, ordre=60),
    Travail("exports", "Effacement des exports de plus de 24 h", purge_exports, ZERO, ordre=70),
    Travail(
        "conservation", "Purges de conservation, si la dernière a plus d'une heure",
        purge_conservation, ZERO, ordre=80,
    ),
    Travail(
        "resultats_taches", "Suppression des résultats de tâches terminées",
        prune_task_results, datetime.timedelta(days=1), ordre=90,
    ),
    Travail(
        NOM_TACHES_ORPHELINES, "Tâches laissées en cours par un worker arrêté : en échec",
        fail_orphaned_tasks, ZERO, ordre=95,
    ),
):  # fmt: skip
    register_periodic(travail)
