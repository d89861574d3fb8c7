"""The periodic work (issue 19): one pass under a lease in the database, each due chore in its
own try, recorded in TravailPeriodique; `manage.py travaux_periodiques`."""

import datetime
import io
import logging

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from inclusion import registry
from inclusion.models import SmsMessage, StatutSms, TravailPeriodique, Verrou
from inclusion.registry import Travail
from inclusion.services import travaux
from tests.clock import FROZEN_AT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MINUTE = datetime.timedelta(minutes=1)
HEURE = datetime.timedelta(hours=1)
JOUR = datetime.timedelta(days=1)
ZERO = datetime.timedelta(0)


class Calls:
    """A chore that remembers when it ran and returns a count."""

    def __init__(self, counts=None):
        self.moments = []
        self.counts = {"faits": 1} if counts is None else counts

    def __call__(self, now):
        self.moments.append(now)
        return self.counts


def boom(now):
    raise ValueError("0612345678 Mme Dupont")  # personal data in the message, on purpose


# --- The lease ------------------------------------------------------------------------------


def test_the_lease_is_taken_once_until_released():
    assert travaux.take_lease("a:1", FROZEN_AT) == FROZEN_AT
    assert travaux.take_lease("b:2", FROZEN_AT + MINUTE) is None
    verrou = Verrou.objects.get()
    assert (verrou.detenteur, verrou.expire_le) == ("a:1", FROZEN_AT + 30 * MINUTE)
    assert not travaux.release_lease("b:2", FROZEN_AT + MINUTE)  # not b's to give back
    assert travaux.release_lease("a:1", FROZEN_AT)
    assert travaux.take_lease("b:2", FROZEN_AT + MINUTE) == FROZEN_AT + MINUTE


@override_settings(INCLUSION_VERROU_MINUTES=5)
def test_an_expired_lease_is_taken_over_and_the_old_holder_loses_it():
    """A host that died mid-pass holds the work back no longer than the lease."""
    pris = travaux.take_lease("mort:1", FROZEN_AT)
    assert travaux.take_lease("b:2", FROZEN_AT + 4 * MINUTE) is None
    assert travaux.take_lease("b:2", FROZEN_AT + 5 * MINUTE) is not None
    assert not travaux.renew_lease("mort:1", pris, FROZEN_AT + 6 * MINUTE)
    assert not travaux.release_lease("mort:1", pris)
    assert Verrou.objects.get().detenteur == "b:2"


def test_a_renewed_lease_lasts_longer():
    pris = travaux.take_lease("a:1", FROZEN_AT)
    assert travaux.renew_lease("a:1", pris, FROZEN_AT + 20 * MINUTE)
    assert travaux.take_lease("b:2", FROZEN_AT + 40 * MINUTE) is None
    assert travaux.take_lease("b:2", FROZEN_AT + 50 * MINUTE) is not None


def test_a_pass_after_a_crash_takes_the_expired_lease():
    Verrou.objects.create(
        nom=travaux.NOM_VERROU, detenteur="mort:1", pris_le=FROZEN_AT - HEURE,
        expire_le=FROZEN_AT - 30 * MINUTE,
    )  # fmt: skip
    chore = Calls()
    bilan = travaux.run_periodic(holder="b:2", travaux=[Travail("a", "A", chore, ZERO)])
    assert bilan.statut == travaux.FAIT and len(chore.moments) == 1
    verrou = Verrou.objects.get()
    assert (verrou.detenteur, verrou.expire_le) == ("b:2", None)  # released at the end


def test_a_held_lease_skips_the_pass():
    travaux.take_lease("a:1", FROZEN_AT - MINUTE)
    chore = Calls()
    bilan = travaux.run_periodic(holder="b:2", travaux=[Travail("a", "A", chore, ZERO)])
    assert bilan.statut == travaux.IGNORE
    assert chore.moments == [] and not TravailPeriodique.objects.exists()
    assert Verrou.objects.get().detenteur == "a:1"  # untouched


def test_a_lease_lost_mid_pass_stops_the_pass():
    """Slower than its lease: another host took it; the rest of the pass is theirs."""

    def steal(now):
        Verrou.objects.update(detenteur="b:2", pris_le=now)
        return {}

    after = Calls()
    bilan = travaux.run_periodic(
        holder="a:1", travaux=[Travail("vol", "V", steal, ZERO), Travail("b", "B", after, ZERO)]
    )
    assert bilan.interrompu and bilan.faits == {"vol": {}}
    assert after.moments == []
    assert Verrou.objects.get().detenteur == "b:2"  # not released by a:1
    assert TravailPeriodique.objects.get(nom=travaux.PASSE).derniere_fin is None


# --- The chores -----------------------------------------------------------------------------


def test_each_chore_is_recorded_and_a_failure_never_stops_the_others(caplog):
    first, last = Calls({"envoyés": 3}), Calls({})
    chores = [
        Travail("premier", "P", first, ZERO, ordre=1),
        Travail("casse", "C", boom, ZERO, ordre=2),
        Travail("dernier", "D", last, ZERO, ordre=3),
    ]
    with caplog.at_level(logging.ERROR, logger="inclusion.services.travaux"):
        bilan = travaux.run_periodic(holder="a:1", travaux=chores)
    assert bilan.faits == {"premier": {"envoyés": 3}, "dernier": {}}
    assert bilan.echecs == ["casse"]
    rows = {row.nom: row for row in TravailPeriodique.objects.all()}
    assert rows["premier"].resultat == {"envoyés": 3}
    assert rows["premier"].derniere_reussite == FROZEN_AT and rows["premier"].erreur == ""
    casse = rows["casse"]
    assert (casse.dernier_debut, casse.derniere_fin, casse.dernier_echec) == (FROZEN_AT,) * 3
    assert casse.derniere_reussite is None and casse.erreur == "ValueError"
    assert len(last.moments) == 1
    # The pass ended, but not all well: its end is known, its last success is not.
    passe = rows[travaux.PASSE]
    assert passe.derniere_fin == FROZEN_AT and passe.derniere_reussite is None
    # The log line names the chore, never the exception's message.
    (record,) = caplog.records
    assert "casse" in record.getMessage() and "0612345678" not in record.getMessage()


def test_a_chore_that_failed_is_tried_again_on_the_next_pass_then_recovers():
    state = {"casse": True}

    def flaky(now):
        if state["casse"]:
            raise RuntimeError("panne")
        return {"ok": 1}

    chores = [Travail("fragile", "F", flaky, JOUR)]
    assert travaux.run_periodic(holder="a:1", travaux=chores).echecs == ["fragile"]
    state["casse"] = False
    with time_machine.travel(FROZEN_AT + 5 * MINUTE, tick=False):
        assert travaux.run_periodic(holder="a:1", travaux=chores).faits == {"fragile": {"ok": 1}}
    row = TravailPeriodique.objects.get(nom="fragile")
    assert row.erreur == "" and row.dernier_echec == FROZEN_AT
    assert row.derniere_reussite == FROZEN_AT + 5 * MINUTE


def test_counts_must_be_numbers():
    """Counts only: a chore returning a text (a name, a number) fails instead of storing it."""
    chore = Travail("bavard", "B", lambda now: {"personne": "Mme Dupont"}, ZERO)
    assert travaux.run_periodic(holder="a:1", travaux=[chore]).echecs == ["bavard"]
    assert TravailPeriodique.objects.get(nom="bavard").resultat == {}


def test_a_daily_chore_runs_once_a_day_and_a_pass_chore_every_time():
    daily, every, hourly = Calls(), Calls(), Calls()
    chores = [
        Travail("quotidien", "Q", daily, JOUR),
        Travail("horaire", "H", hourly, HEURE),
        Travail("toujours", "T", every, ZERO),
    ]
    # A pass every 5 minutes from 10:00 to 23:55, then on to the next day at 00:05.
    moments = [FROZEN_AT + i * 5 * MINUTE for i in range(168)]
    moments.append(FROZEN_AT.replace(hour=0, minute=5) + JOUR)
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            assert travaux.run_periodic(holder="a:1", travaux=chores).statut == travaux.FAIT
    assert daily.moments == [FROZEN_AT, moments[-1]]  # the first pass after midnight
    assert len(every.moments) == len(moments)
    assert hourly.moments[:3] == [FROZEN_AT, FROZEN_AT + HEURE, FROZEN_AT + 2 * HEURE]
    assert len(hourly.moments) == 15


# --- The registered chores ------------------------------------------------------------------


def test_every_layer_registers_its_chores():
    assert [t.nom for t in registry.periodic_work()] == [
        "battement_worker",
        "expiration_pass",
        "rappels_ateliers",
        "relances_orientations",
        "pilotage_instantanes",
        "sms",
        "emails",
        "exports",
        "conservation",
        "resultats_taches",
        "taches_orphelines",
    ]
    assert {t.nom for t in registry.periodic_work()}.isdisjoint({travaux.PASSE, travaux.WORKER})


def test_a_real_pass_runs_every_chore_sends_due_sms_and_the_worker_stamps(
    django_capture_on_commit_callbacks, sms_delivered
):
    SmsMessage.objects.create(
        telephone="+33612345678", corps="Bonjour", kind="essai", encodage="GSM-7",
        segments=1, pas_avant=FROZEN_AT - MINUTE,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        bilan = travaux.run_periodic()
    assert bilan.echecs == [] and set(bilan.faits) == {t.nom for t in registry.periodic_work()}
    assert bilan.faits["sms"] == {"SMS envoyé": 1}
    assert SmsMessage.objects.get().statut == StatutSms.ENVOYE
    assert len(sms_delivered) == 1
    # The worker (here the immediate backend) ran the heartbeat task.
    assert TravailPeriodique.objects.get(nom=travaux.WORKER).derniere_reussite == FROZEN_AT
    # A second pass in the same minute: the daily chores are not due again.
    with django_capture_on_commit_callbacks(execute=True):
        bilan = travaux.run_periodic()
    assert set(bilan.pas_dus) == {"expiration_pass", "resultats_taches", "pilotage_instantanes"}


def test_old_task_results_are_pruned():
    from django_tasks_db.models import DBTaskResult

    from inclusion.tasks_sante import heartbeat

    def row(finished_at):
        return DBTaskResult.objects.create(
            task_path=heartbeat.module_path, args_kwargs={"args": [], "kwargs": {}},
            status="SUCCESSFUL", finished_at=finished_at, backend_name="default",
        )  # fmt: skip

    old, recent = row(FROZEN_AT - 15 * JOUR), row(FROZEN_AT - 13 * JOUR)
    from inclusion.hooks_periodique import prune_task_results

    assert prune_task_results(FROZEN_AT) == {"résultats de tâches supprimés": 1}
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


# --- The command ----------------------------------------------------------------------------


def _command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("travaux_periodiques", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_counts_then_skips_when_another_host_runs(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        out, err = _command()
    assert "battement_worker : battements demandés : 1" in out
    assert "sms : rien à faire" in out and err == ""
    travaux.take_lease("ailleurs:1", FROZEN_AT)
    out, _ = _command()  # exit code 0: no exception
    assert out.strip() == "Une autre machine fait déjà la passe : rien à faire ici."


def test_the_command_fails_when_a_chore_fails(monkeypatch):
    monkeypatch.setattr(
        registry, "_periodic_work", {"casse": Travail("casse", "Casse", boom, ZERO)}
    )
    with pytest.raises(CommandError, match="1 travail"):
        _command()
    assert TravailPeriodique.objects.get(nom="casse").erreur == "ValueError"


def test_the_command_lists_the_chores_and_their_last_run(django_capture_on_commit_callbacks):
    out, _ = _command("--liste")
    assert "expiration_pass — Alertes J-30 et expiration des pass (une fois par jour)" in out
    assert "sms — Envoi des SMS arrivés à échéance (à chaque passe)" in out
    assert "jamais lancé" in out
    with django_capture_on_commit_callbacks(execute=True):
        _command()
    with time_machine.travel(FROZEN_AT + MINUTE, tick=False):
        travaux.take_lease("hote-b:42", FROZEN_AT + MINUTE)
        out, _ = _command("--liste")
    assert "dernière réussite 17/11/2026 10:00" in out
    assert "battements demandés : 1" in out
    assert "Worker : dernière fin 17/11/2026 10:00" in out
    assert "Passe en cours sur hote-b:42 depuis 17/11/2026 10:01" in out


def test_the_loop_runs_a_pass_a_minute_and_outlives_a_failed_pass(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from django.db import OperationalError

    from inclusion.management.commands import travaux_periodiques

    sleeps, closes = [], []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise KeyboardInterrupt

    run_periodic = travaux.run_periodic

    def database_away_once(**kwargs):
        if not closes[1:]:
            raise OperationalError("server closed the connection unexpectedly")
        return run_periodic(**kwargs)

    monkeypatch.setattr(travaux_periodiques.time, "sleep", sleep)
    # The test's transaction is not a connection to drop; count the calls instead.
    monkeypatch.setattr(travaux_periodiques, "close_old_connections", lambda: closes.append(1))
    monkeypatch.setattr(travaux, "run_periodic", database_away_once)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(KeyboardInterrupt):
        _command("--boucle")
    assert sleeps == [60, 60, 60] and len(closes) == 3
    assert "Passe des travaux périodiques en échec" in caplog.text
    assert TravailPeriodique.objects.get(nom=travaux.PASSE).derniere_fin == FROZEN_AT
