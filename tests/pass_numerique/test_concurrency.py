"""Races on PostgreSQL: many threads, each with its own connection, a pause between read and
write so the race really happens. SQLite serialises writers and proves nothing here."""

import random
import threading
import time

import pytest
from django.db import connection, connections

from pass_numerique.models import Carnet, Encaissement, Enveloppe
from pass_numerique.services import issuance, redemption
from tests.pass_numerique.factories import issued, setup_pass

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen"),
]

THREADS = 50
ATTEMPTS = 20


@pytest.fixture
def slow_read(monkeypatch):
    """Pause 2 ms after the check (the read) and before the conditional update (the write)."""
    original = redemption.check_cheque

    def check_then_pause(**kwargs):
        result = original(**kwargs)
        time.sleep(0.002)
        return result

    monkeypatch.setattr(redemption, "check_cheque", check_then_pause)


def _hammer(worker, threads=THREADS):
    results, errors = [], []
    barrier = threading.Barrier(threads)

    def run(i):
        try:
            barrier.wait()
            results.extend(worker(i))
        except Exception as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert errors == []
    return results


def _attempts(ctx, pick_code):
    def worker(i):
        rng = random.Random(i)
        outcomes = []
        for _ in range(ATTEMPTS):
            try:
                redemption.redeem_cheque(
                    acteur=ctx["mediateur"],
                    lieu=ctx["lieu"],
                    code=pick_code(rng),
                    prestation="atelier",
                    demande_id=issuance.new_request_id(),
                )
                outcomes.append("ok")
            except redemption.RedemptionRefused as refused:
                outcomes.append(refused.check.reason)
        return outcomes

    return worker


def test_one_cheque_hammered_is_redeemed_exactly_once(slow_read):
    assert connection.vendor == "postgresql"
    ctx = setup_pass()
    [item] = issued(ctx)
    code = item.cheque_codes[0][1]
    outcomes = _hammer(_attempts(ctx, lambda rng: code))
    assert len(outcomes) == THREADS * ATTEMPTS
    assert outcomes.count("ok") == 1
    assert set(outcomes) == {"ok", "deja_encaisse"}
    assert Encaissement.objects.count() == 1


def test_a_carnet_of_ten_gives_exactly_ten_redemptions(slow_read):
    ctx = setup_pass()
    [item] = issued(ctx)
    all_codes = [code for _, code in item.cheque_codes]
    outcomes = _hammer(_attempts(ctx, lambda rng: rng.choice(all_codes)))
    assert outcomes.count("ok") == 10
    assert Encaissement.objects.count() == 10
    assert Carnet.objects.get().statut == "epuise"


def test_concurrent_issuing_never_takes_the_envelope_below_zero():
    ctx = setup_pass(nb_cheques=55)

    def worker(i):
        try:
            issued(ctx)
            return ["ok"]
        except Exception as error:
            if "Il reste" in str(error):
                return ["vide"]
            raise

    outcomes = _hammer(worker, threads=20)
    assert outcomes.count("ok") == 5
    enveloppe = Enveloppe.objects.get()
    assert enveloppe.nb_cheques_emis == 50 and enveloppe.solde == 5
    assert Carnet.objects.count() == 5
