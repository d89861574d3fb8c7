"""PIN attempt counters are atomic and shared (issue 12): many workers hammering one account
or one device get exactly the limit, not the limit times the workers. Threads with their own
database connections, on PostgreSQL; a pause between the counter's check and the failure it
records, so a read-then-write counter really races."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connections
from django.test import override_settings

from mediation.services import bornes
from tests.mediation.factories import PIN, setup_kiosque

REDIS_URL = "redis://127.0.0.1:6379/13"
DEBUT = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def slow_check(monkeypatch):
    original = bornes.check_password

    def pause_then_check(*args, **kwargs):
        time.sleep(0.005)
        return original(*args, **kwargs)

    monkeypatch.setattr(bornes, "check_password", pause_then_check)


@pytest.fixture
def redis_default_cache():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    caches = {
        "default": {
            "BACKEND": "inclusion.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "test-pin",
        }
    }
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        cache.clear()
        yield cache
        cache.clear()


def _hammer(ctx, emails):
    outcomes, errors = [], []
    barrier = threading.Barrier(len(emails))

    def run(email):
        try:
            barrier.wait()
            try:
                user = bornes.check_pin(email=email, pin="9731", borne=ctx["borne"])
                outcomes.append("refuse" if user is None else "ok")
            except bornes.TropDEssaisPin:
                outcomes.append("trop")
        except Exception as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(email,)) for email in emails]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert errors == []
    return outcomes


def _one_account(ctx):
    outcomes = _hammer(ctx, [ctx["volontaire"].email] * 20)
    assert outcomes.count("refuse") == bornes.MAX_ECHECS_PIN
    assert outcomes.count("trop") == 20 - bornes.MAX_ECHECS_PIN


def _one_device(ctx):
    outcomes = _hammer(ctx, [f"personne{i}@exemple.fr" for i in range(40)])
    assert outcomes.count("refuse") == bornes.MAX_ECHECS_PIN_BORNE
    assert outcomes.count("trop") == 40 - bornes.MAX_ECHECS_PIN_BORNE


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_threads_on_one_account_get_exactly_the_limit(slow_check):
    _one_account(setup_kiosque())


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_forty_threads_on_one_device_get_exactly_the_limit(slow_check):
    _one_device(setup_kiosque())


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_on_redis(slow_check, redis_default_cache):
    ctx = setup_kiosque()
    _one_account(ctx)
    _one_device(setup_kiosque())


@pytest.mark.django_db
def test_a_right_pin_gives_its_place_back_and_the_window_is_fixed():
    ctx = setup_kiosque()
    email = ctx["volontaire"].email
    with time_machine.travel(DEBUT, tick=False) as traveller:
        for _ in range(bornes.MAX_ECHECS_PIN - 1):
            assert bornes.check_pin(email=email, pin="9731", borne=ctx["borne"]) is None
        assert bornes.check_pin(email=email.upper(), pin=PIN, borne=ctx["borne"])
        # The right PIN cleared this person's counter: 5 more tries.
        for _ in range(bornes.MAX_ECHECS_PIN):
            assert bornes.check_pin(email=email, pin="9731", borne=ctx["borne"]) is None
        with pytest.raises(bornes.TropDEssaisPin) as refused:
            bornes.check_pin(email=f" {email.upper()} ", pin=PIN, borne=ctx["borne"])
        assert refused.value.code == "trop_d_essais_pin"
        # Trying on during the window does not stretch it.
        traveller.shift(datetime.timedelta(minutes=14))
        with pytest.raises(bornes.TropDEssaisPin):
            bornes.check_pin(email=email, pin=PIN, borne=ctx["borne"])
        traveller.shift(datetime.timedelta(minutes=1, seconds=1))
        assert bornes.check_pin(email=email, pin=PIN, borne=ctx["borne"]) == ctx["volontaire"]
