"""Tasks left RUNNING by a worker that died (issue 19): the periodic chore marks them FAILED
once they are older than the bound and a worker has beaten since they started
(inclusion/services/taches_orphelines.py)."""

import datetime
import io
import logging

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from inclusion import registry
from inclusion.models import TravailPeriodique
from inclusion.services import taches_orphelines, travaux
from inclusion.services.taches_orphelines import fail_orphaned_tasks
from inclusion.sms.tasks import deliver_sms
from tests.clock import FROZEN_AT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MINUTE = datetime.timedelta(minutes=1)
ORPHAN_PATH = "inclusion.services.taches_orphelines.OrphanedTask"


def _task(status, *, started_ago=None, finished_ago=None, phone="0612345678"):
    return DBTaskResult.objects.create(
        task_path=deliver_sms.module_path,
        # An argument that must never reach a log line.
        args_kwargs={"args": [phone], "kwargs": {}},
        status=status,
        started_at=None if started_ago is None else FROZEN_AT - started_ago,
        finished_at=None if finished_ago is None else FROZEN_AT - finished_ago,
        worker_ids=["w-mort"] if started_ago is not None else [],
        backend_name="default",
    )


def _heartbeat(ago):
    moment = FROZEN_AT - ago
    TravailPeriodique.objects.update_or_create(
        nom=travaux.WORKER, defaults={"derniere_fin": moment, "derniere_reussite": moment}
    )


def _fresh(row):
    return DBTaskResult.objects.get(pk=row.pk)


@pytest.fixture
def tasks():
    """One task in each state a sweep meets, with a worker that beat two minutes ago."""
    _heartbeat(2 * MINUTE)
    return {
        "orpheline": _task("RUNNING", started_ago=61 * MINUTE),
        "recente": _task("RUNNING", started_ago=59 * MINUTE),
        "finie": _task("SUCCESSFUL", started_ago=3 * 60 * MINUTE, finished_ago=170 * MINUTE),
        "echouee": _task("FAILED", started_ago=3 * 60 * MINUTE, finished_ago=170 * MINUTE),
        "en_file": _task("READY"),
    }


def test_a_task_running_past_the_bound_is_failed_and_the_others_untouched(tasks, caplog):
    before = {nom: _fresh(row) for nom, row in tasks.items()}
    with caplog.at_level(logging.WARNING):
        assert fail_orphaned_tasks(now=FROZEN_AT, wet_run=True) == 1
    orpheline = _fresh(tasks["orpheline"])
    assert orpheline.status == "FAILED" and orpheline.finished_at == FROZEN_AT
    assert orpheline.exception_class_path == ORPHAN_PATH
    assert "en cours depuis plus de 60 minutes" in orpheline.traceback
    assert orpheline.worker_ids == ["w-mort"] and orpheline.started_at == FROZEN_AT - 61 * MINUTE
    # The library reads it as any failed task: one error, of our class.
    result = orpheline.task_result
    assert result.status == "FAILED"
    assert [e.exception_class_path for e in result.errors] == [ORPHAN_PATH]
    for nom in ("recente", "finie", "echouee", "en_file"):
        row = _fresh(tasks[nom])
        assert (row.status, row.finished_at, row.traceback) == (
            before[nom].status, before[nom].finished_at, before[nom].traceback,
        ), nom  # fmt: skip
    # A count and the task's path in the log; never its arguments.
    assert "1 tâche(s) orpheline(s)" in caplog.text
    assert f"{deliver_sms.module_path} × 1" in caplog.text
    assert "0612345678" not in caplog.text


def test_twice_is_the_same_as_once(tasks):
    assert fail_orphaned_tasks(now=FROZEN_AT, wet_run=True) == 1
    after_first = list(DBTaskResult.objects.order_by("pk").values())
    assert fail_orphaned_tasks(now=FROZEN_AT, wet_run=True) == 0
    assert list(DBTaskResult.objects.order_by("pk").values()) == after_first
    # Later, the recent one crosses the bound in turn; the first keeps its first marking.
    assert fail_orphaned_tasks(now=FROZEN_AT + 5 * MINUTE, wet_run=True) == 1
    assert _fresh(tasks["recente"]).finished_at == FROZEN_AT + 5 * MINUTE
    assert _fresh(tasks["orpheline"]).finished_at == FROZEN_AT


def test_a_dry_run_only_counts(tasks):
    assert fail_orphaned_tasks(now=FROZEN_AT) == 1
    assert _fresh(tasks["orpheline"]).status == "RUNNING"


def test_nothing_is_failed_while_no_worker_has_beaten_since_it_started():
    """The only worker may still be in that task, or every worker is down: wait for one."""
    orpheline = _task("RUNNING", started_ago=3 * 60 * MINUTE)
    assert fail_orphaned_tasks(now=FROZEN_AT, wet_run=True) == 0  # no worker ever beat
    _heartbeat(3 * 60 * MINUTE + MINUTE)  # the last beat is older than the task
    assert fail_orphaned_tasks(now=FROZEN_AT, wet_run=True) == 0
    assert _fresh(orpheline).status == "RUNNING"
    _heartbeat(MINUTE)  # a worker (restarted, or another one) serves the queue again
    assert fail_orphaned_tasks(now=FROZEN_AT, wet_run=True) == 1


@override_settings(INCLUSION_TACHES_ORPHELINES_MINUTES=10)
def test_the_bound_comes_from_the_settings(tasks):
    assert fail_orphaned_tasks(now=FROZEN_AT, wet_run=True) == 2
    assert {_fresh(tasks[nom]).status for nom in ("orpheline", "recente")} == {"FAILED"}
    assert "plus de 10 minutes" in _fresh(tasks["recente"]).traceback


def test_a_slow_worker_that_finishes_after_all_keeps_its_result(tasks):
    fail_orphaned_tasks(now=FROZEN_AT, wet_run=True)
    # The worker was only slow: it records its result over ours (the library's own call).
    tasks["orpheline"].set_successful(None)
    row = _fresh(tasks["orpheline"])
    assert row.status == "SUCCESSFUL" and row.exception_class_path == ""


# --- In the periodic work -----------------------------------------------------------------


def _command(*args):
    out = io.StringIO()
    call_command("travaux_periodiques", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_chore_is_registered_and_runs_on_every_pass(tasks):
    work = {t.nom: t for t in registry.periodic_work()}
    assert work[taches_orphelines.NOM_TRAVAIL].intervalle == datetime.timedelta(0)
    listed = _command("--liste")
    assert (
        "taches_orphelines — Tâches laissées en cours par un worker arrêté : en échec "
        "(à chaque passe)"
    ) in listed
    bilan = travaux.run_periodic(travaux=[work[taches_orphelines.NOM_TRAVAIL]])
    assert bilan.faits == {"taches_orphelines": {"tâches orphelines marquées en échec": 1}}
    row = TravailPeriodique.objects.get(nom=taches_orphelines.NOM_TRAVAIL)
    assert row.resultat == {"tâches orphelines marquées en échec": 1}
    assert _fresh(tasks["orpheline"]).status == "FAILED"
    # The next pass finds nothing and says so.
    bilan = travaux.run_periodic(travaux=[work[taches_orphelines.NOM_TRAVAIL]])
    assert bilan.faits == {"taches_orphelines": {}}
    assert "tâches orphelines" not in _command("--liste")
