import pytest
import time_machine

from inclusion.sms.backends import memory
from tests.clock import FROZEN_AT


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import caches

    from inclusion import page_cache

    for cache in caches.all():
        cache.clear()
    page_cache.forget()  # what this process kept from the emptied cache
    yield
    for cache in caches.all():
        cache.clear()
    page_cache.forget()


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    memory.outbox.clear()
    memory.delivered.clear()
    yield
    memory.outbox.clear()
    memory.delivered.clear()


@pytest.fixture
def frozen():
    """The clock stopped at tests.clock.FROZEN_AT for the whole test (pytestmark
    `usefixtures("frozen")`); a test may still travel elsewhere inside it."""
    with time_machine.travel(FROZEN_AT, tick=False):
        yield FROZEN_AT


@pytest.fixture
def sms_outbox():
    return memory.outbox


@pytest.fixture
def sms_delivered():
    return memory.delivered


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    is_pg = connection.vendor == "postgresql"
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgresql" in item.keywords and not is_pg:
            item.add_marker(skip_pg)


@pytest.fixture
def habillage_en_cache(db):
    """Query-count tests measure the steady state: the site's look, read by every page, is
    then served from the cache (its first read costs 2 queries)."""
    from django.test import RequestFactory

    from inclusion import registry

    registry.habillage(RequestFactory().get("/"))


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """One structure's objects for the permission matrix and the form fuzzing (issue 12),
    built once per module and rolled back after it (tests/matrix_world.py)."""
    from tests.matrix_world import world_for_module

    yield from world_for_module(django_db_blocker)
