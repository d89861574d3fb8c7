"""Races on PostgreSQL that test_concurrency.py did not cover (issue 13): a chèque of the
person's own pass cashed twice at once, "bloquer et remplacer" against a redemption, and both
redemption writes (the single PostgreSQL statement, and the ORM path SQLite uses) raced on
PostgreSQL. SQLite serialises writers and proves nothing here: these tests skip there."""

import datetime
import threading
import time
import zoneinfo

import pytest
import time_machine
from django.db import connection, transaction

from pass_numerique.enums import StatutCarnet, StatutCheque
from pass_numerique.models import Carnet, Cheque, Encaissement
from pass_numerique.services import issuance, redemption
from tests.inclusion.factories import BeneficiaireFactory
from tests.pass_numerique.factories import issued, setup_pass
from tests.pass_numerique.test_concurrency import _hammer

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

T0 = datetime.datetime(2026, 3, 10, 14, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
PERIODE = redemption.PeriodeService(debut=T0 - datetime.timedelta(hours=1), fin=T0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture(params=["postgresql", "orm"])
def write_path(request, monkeypatch):
    """Each race runs through both writes of a redemption: the one-statement write used on
    PostgreSQL, and the ORM write (three statements in a transaction) used elsewhere."""
    if request.param == "orm":
        monkeypatch.setattr(redemption, "_write_postgresql", redemption._write_orm)
    return request.param


@pytest.fixture
def slow_evaluate(monkeypatch):
    """Pause 2 ms after a chèque is judged good (the read) and before the gate (the write)."""
    original = redemption.evaluate

    def evaluate_then_pause(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(0.002)
        return result

    monkeypatch.setattr(redemption, "evaluate", evaluate_then_pause)


def _person_with_pass(cheques):
    ctx = setup_pass(cheques_par_carnet=cheques)
    person = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
    [item] = issued(ctx, beneficiaire=person)
    return ctx, person, item


def _own(ctx, person, demande_id):
    return redemption.redeem_own_cheque(
        acteur=ctx["mediateur"],
        lieu=ctx["lieu"],
        beneficiaire=person,
        prestation="atelier",
        demande_id=demande_id,
        periode=PERIODE,
    )


def _own_attempt(ctx, person, demande_id):
    try:
        return [_own(ctx, person, demande_id).pk]
    except redemption.RedemptionRefused as refused:
        return [refused.check.reason]


@pytest.mark.parametrize("cheques", [1, 3])
def test_own_cheques_cashed_at_once_each_exactly_once(write_path, slow_evaluate, cheques):
    """Ten médiateurs' clicks at once on a pass of 1 (or 3) chèques: 1 (or 3) redemptions,
    each of another chèque, the others told there is none left."""
    ctx, person, item = _person_with_pass(cheques)
    outcomes = _hammer(lambda i: _own_attempt(ctx, person, issuance.new_request_id()), threads=10)
    paid = [o for o in outcomes if o != "aucun_cheque"]
    assert len(paid) == cheques and len(outcomes) == 10
    assert Encaissement.objects.count() == cheques
    assert Encaissement.objects.values("cheque").distinct().count() == cheques
    carnet = Carnet.objects.get(pk=item.carnet.pk)
    assert carnet.nb_cheques_utilises == cheques and carnet.statut == StatutCarnet.EPUISE
    assert not Cheque.objects.filter(statut=StatutCheque.VALIDE).exists()


def test_own_cheque_form_sent_five_times_at_once_cashes_one(write_path, slow_evaluate):
    """The same form (one demande_id) sent five times at once: one redemption, and each of
    the five answers is that redemption (no error, no "no chèque left")."""
    ctx, person, item = _person_with_pass(3)
    demande_id = issuance.new_request_id()
    outcomes = _hammer(lambda i: _own_attempt(ctx, person, demande_id), threads=5)
    [encaissement] = Encaissement.objects.all()
    assert outcomes == [encaissement.pk] * 5
    assert Carnet.objects.get(pk=item.carnet.pk).nb_cheques_utilises == 1


def test_scanned_cheque_form_sent_five_times_at_once_cashes_one(write_path, slow_evaluate):
    """The same for a scanned chèque (redeem_cheque): the five answers are one redemption."""
    ctx, person, item = _person_with_pass(3)
    code, demande_id = item.cheque_codes[0][1], issuance.new_request_id()

    def scan(i):
        try:
            encaissement = redemption.redeem_cheque(
                acteur=ctx["mediateur"],
                lieu=ctx["lieu"],
                code=code,
                prestation="atelier",
                demande_id=demande_id,
            )
            return [encaissement.pk]
        except redemption.RedemptionRefused as refused:
            return [refused.check.reason]

    outcomes = _hammer(scan, threads=5)
    [encaissement] = Encaissement.objects.all()
    assert outcomes == [encaissement.pk] * 5


def _pause_after_first_update(started, seconds=0.3):
    """An execute wrapper: after this connection's first UPDATE, tell `started` and wait, so
    that the other side of the race runs while this transaction holds its first locks."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not started.is_set() and "UPDATE" in sql.upper():
            started.set()
            time.sleep(seconds)
        return result

    return wrapper


def _block_and_redeem(ctx, item, first):
    """Block-and-replace the carnet and redeem its first chèque at the same time; `first` says
    which of the two takes its first locks, the other starting while it holds them."""
    code = item.cheque_codes[0][1]
    started = threading.Event()

    def block():
        issuance.block_and_replace(acteur=ctx["prescripteur"], carnet=item.carnet)
        return ["bloque"]

    def redeem():
        try:
            redemption.redeem_cheque(
                acteur=ctx["mediateur"],
                lieu=ctx["lieu"],
                code=code,
                prestation="atelier",
                demande_id=issuance.new_request_id(),
            )
            return ["encaisse"]
        except redemption.RedemptionRefused as refused:
            return [refused.check.reason]

    def worker(i):
        leader, follower = (block, redeem) if first == "bloquer" else (redeem, block)
        if i == 0:
            # As the attendance does: the redemption inside the caller's transaction, so its
            # locks are held while the other side starts.
            with connection.execute_wrapper(_pause_after_first_update(started)):
                with transaction.atomic():
                    return leader()
        assert started.wait(timeout=10)
        return follower()

    return _hammer(worker, threads=2)


@pytest.mark.parametrize("first", ["bloquer", "encaisser"])
def test_block_and_replace_against_a_redemption_counts_the_money_once(write_path, first):
    ctx = setup_pass()
    person = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
    [item] = issued(ctx, beneficiaire=person)
    outcomes = _block_and_redeem(ctx, item, first)
    assert "bloque" in outcomes
    paid = Encaissement.objects.count()
    # Who took its locks first wins; the other one waits, then sees what the winner did.
    assert outcomes.count("encaisse") == paid == (1 if first == "encaisser" else 0)
    old = Carnet.objects.get(pk=item.carnet.pk)
    new = Carnet.objects.get(remplace=old)
    assert old.statut == StatutCarnet.BLOQUE
    # Every chèque of the lost carnet is either cashed once or carried to the new carnet.
    assert old.cheques.filter(statut=StatutCheque.ANNULE).count() == 10 - paid
    assert new.nb_cheques == new.cheques.filter(statut=StatutCheque.VALIDE).count() == 10 - paid
    assert old.cheques.filter(statut=StatutCheque.ENCAISSE).count() == paid
