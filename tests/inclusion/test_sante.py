"""Readiness (/sante/pret/, issue 19): database, cache, worker heartbeat, last periodic pass,
oldest due SMS; 200 when all are fine, 503 otherwise; ages only, three queries. Beside them,
for information, the tasks the last periodic pass found orphaned."""

import datetime
from unittest import mock

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

from inclusion.models import SmsMessage, StatutSms, TravailPeriodique
from inclusion.services import taches_orphelines
from inclusion.services.travaux import PASSE, WORKER
from tests.clock import FROZEN_AT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MINUTE = datetime.timedelta(minutes=1)
URL = "/sante/pret/"


def _stamp(nom, age):
    moment = FROZEN_AT - age
    TravailPeriodique.objects.update_or_create(
        nom=nom, defaults={"derniere_fin": moment, "derniere_reussite": moment}
    )


def _sms(pas_avant, statut=StatutSms.A_ENVOYER):
    return SmsMessage.objects.create(
        telephone="+33612345678", corps="Bonjour", kind="essai", encodage="GSM-7",
        segments=1, pas_avant=pas_avant, statut=statut,
    )  # fmt: skip


@pytest.fixture
def healthy():
    _stamp(WORKER, 2 * MINUTE)
    _stamp(PASSE, 4 * MINUTE)


def _get(client):
    response = client.get(URL)
    return response, response.json()


def test_ready_when_every_part_is_fine(client, healthy, django_assert_num_queries):
    assert reverse("sante_pret") == URL
    _sms(FROZEN_AT + 5 * MINUTE)  # not due yet: does not count
    _sms(FROZEN_AT - 3 * 60 * MINUTE, statut=StatutSms.ENVOYE)  # sent long ago: neither
    _sms(FROZEN_AT - 12 * MINUTE)
    with django_assert_num_queries(3):
        response, body = _get(client)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert body == {
        "statut": "pret",
        "verifications": {
            "base": {"ok": True, "age_minutes": None},
            "cache": {"ok": True, "age_minutes": None},
            "worker": {"ok": True, "age_minutes": 2},
            "periodique": {"ok": True, "age_minutes": 4},
            "sms": {"ok": True, "age_minutes": 12},
        },
        # The orphaned-tasks chore never ran here.
        "informations": {"taches_orphelines": None},
    }


def test_same_queries_with_nothing_recorded(client, django_assert_num_queries):
    with django_assert_num_queries(3):
        response, body = _get(client)
    assert response.status_code == 503 and body["statut"] == "pas_pret"
    checks = body["verifications"]
    assert checks["worker"] == {"ok": False, "age_minutes": None}  # never seen
    assert checks["periodique"] == {"ok": False, "age_minutes": None}
    assert checks["sms"] == {"ok": True, "age_minutes": 0}  # nothing waits


@pytest.mark.parametrize(
    ("nom", "key", "limit"), [(WORKER, "worker", 10), (PASSE, "periodique", 15)]
)
def test_a_late_worker_or_pass_is_not_ready(client, healthy, nom, key, limit):
    _stamp(nom, limit * MINUTE)
    response, body = _get(client)
    assert response.status_code == 200
    _stamp(nom, (limit + 1) * MINUTE)
    response, body = _get(client)
    assert response.status_code == 503 and body["statut"] == "pas_pret"
    assert body["verifications"][key] == {"ok": False, "age_minutes": limit + 1}
    others = {k: v["ok"] for k, v in body["verifications"].items() if k != key}
    assert all(others.values())


def test_the_orphaned_tasks_last_marked_are_information_only(
    client, healthy, django_assert_num_queries
):
    """What the last pass marked failed (inclusion/services/taches_orphelines.py), read with
    the other stamps: no query more, and the host stays ready."""
    row = TravailPeriodique.objects.create(
        nom=taches_orphelines.NOM_TRAVAIL, derniere_fin=FROZEN_AT - MINUTE,
        resultat={taches_orphelines.LIBELLE: 2},
    )  # fmt: skip
    with django_assert_num_queries(3):
        response, body = _get(client)
    assert response.status_code == 200 and body["statut"] == "pret"
    assert body["informations"] == {"taches_orphelines": 2}
    assert "taches_orphelines" not in body["verifications"]
    row.resultat = {}  # the next pass found none
    row.save()
    _, body = _get(client)
    assert body["informations"] == {"taches_orphelines": 0}


def test_an_sms_waiting_too_long_is_not_ready(client, healthy):
    _sms(FROZEN_AT - 31 * MINUTE)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["verifications"]["sms"] == {"ok": False, "age_minutes": 31}


@override_settings(INCLUSION_SANTE={"worker": 1, "periodique": 1, "sms": 60})
def test_thresholds_come_from_the_settings(client, healthy):
    _sms(FROZEN_AT - 31 * MINUTE)
    _, body = _get(client)
    assert {k: v["ok"] for k, v in body["verifications"].items()} == {
        "base": True, "cache": True, "worker": False, "periodique": False, "sms": True,
    }  # fmt: skip


def test_database_down(client, healthy, caplog):
    broken = mock.patch(
        "inclusion.views.sante.connection.cursor",
        side_effect=OperationalError('could not connect to server "db.interne" (10.0.0.5)'),
    )
    with broken:
        response, body = _get(client)
    assert response.status_code == 503
    assert body["verifications"] == {
        "base": {"ok": False, "age_minutes": None},
        "cache": {"ok": True, "age_minutes": None},
        "worker": {"ok": False, "age_minutes": None},
        "periodique": {"ok": False, "age_minutes": None},
        "sms": {"ok": False, "age_minutes": None},
    }
    assert body["informations"] == {"taches_orphelines": None}
    # Neither the answer nor the log names the host.
    assert "db.interne" not in response.content.decode() and "10.0.0.5" not in caplog.text
    assert "OperationalError" in caplog.text


class BrokenCache(BaseCache):
    """A cache whose server does not answer."""

    def __init__(self, location, params):
        super().__init__(params)

    def set(self, *args, **kwargs):
        raise ConnectionError("redis://secret@cache.interne:6379")

    def get(self, *args, **kwargs):
        raise ConnectionError("redis://secret@cache.interne:6379")

    def clear(self):
        pass


class ForgetfulCache(BrokenCache):
    """A cache that accepts writes and forgets them (full, or evicting)."""

    def set(self, *args, **kwargs):
        pass

    def get(self, key, default=None, version=None):
        return default


@pytest.mark.parametrize("backend", ["BrokenCache", "ForgetfulCache"])
def test_cache_down(client, healthy, backend):
    caches = {"default": {"BACKEND": f"tests.inclusion.test_sante.{backend}"}}
    with override_settings(CACHES=caches):
        response, body = _get(client)
    assert response.status_code == 503
    assert body["verifications"]["cache"] == {"ok": False, "age_minutes": None}
    assert "interne" not in response.content.decode()
    assert all(v["ok"] for k, v in body["verifications"].items() if k != "cache")


def test_liveness_stays_as_it_was(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/sante/")
    assert response.status_code == 200 and response.content == b"ok"
