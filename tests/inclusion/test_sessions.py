"""Sessions end everywhere on sign-out, and production refuses a per-process cache.

Without Redis every worker has its own memory cache: a session read through it would stay
alive in the other workers after a sign-out (10 hours), and every rate limit would count per
process."""

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

from inclusion.enums import Role
from tests.inclusion.factories import member

pytestmark = pytest.mark.usefixtures("frozen")

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "inclusion.redis_cache.RedisCache", "LOCATION": "redis://x/0"}}


@contextmanager
def memoire_d_un_autre_processus():
    """What another worker's own memory cache still holds: a copy taken now, put back after
    the block (what this process deletes, that one never hears of)."""
    cache = caches[settings.SESSION_CACHE_ALIAS]
    copie = dict(cache._cache), dict(cache._expire_info)
    yield
    cache._cache.update(copie[0])
    cache._expire_info.update(copie[1])


@pytest.mark.django_db
def test_signing_out_in_one_worker_signs_out_in_every_worker():
    utilisateur = member(Role.MEDIATEUR)
    premier, second = Client(), Client()
    premier.force_login(utilisateur)
    # The same session cookie, answered by two workers (the browser kept it: a copy).
    second.cookies[settings.SESSION_COOKIE_NAME] = premier.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    accueil = reverse("pro:accueil")
    assert second.get(accueil).status_code == 200
    with memoire_d_un_autre_processus():
        premier.post(reverse("pro:deconnexion"))
    response = second.get(accueil)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pro:connexion"))


def _reglage(nom, **env):
    """A setting as production computes it from these environment variables."""
    environ = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    environ.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, **env)
    sortie = subprocess.run(
        [sys.executable, "-c", f"import inclusion.settings as s; print(s.{nom})"],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return sortie.stdout.strip()


def test_sessions_are_read_through_the_cache_only_when_it_is_shared():
    assert _reglage("SESSION_ENGINE") == "django.contrib.sessions.backends.db"
    assert (
        _reglage("SESSION_ENGINE", REDIS_URL="redis://127.0.0.1:6379/0")
        == "django.contrib.sessions.backends.cached_db"
    )


def _ids(**reglages):
    from django.test import override_settings

    with override_settings(**reglages):
        return {m.id for m in run_checks(include_deployment_checks=True)}


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_production_without_a_shared_cache_fails_the_deploy_check(backend):
    caches_ = {"default": {"BACKEND": backend, "LOCATION": "/tmp/inclusion-test-cache"}}
    assert "inclusion.E001" in _ids(DEBUG=False, CACHES=caches_)


def test_the_deploy_check_passes_with_redis_or_in_development():
    assert "inclusion.E001" not in _ids(DEBUG=False, CACHES=REDIS)
    assert "inclusion.E001" not in _ids(DEBUG=True, CACHES=LOCMEM)


def test_the_deploy_check_speaks_french():
    from inclusion.checks import cache_partage

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(settings, "DEBUG", False)
        mp.setattr(settings, "CACHES", LOCMEM)
        (erreur,) = cache_partage(None)
    assert erreur.id == "inclusion.E001"
    assert "REDIS_URL" in erreur.hint and "processus" in erreur.msg


def test_cached_sessions_over_a_per_process_cache_fail_the_deploy_check():
    engine = "django.contrib.sessions.backends.cached_db"
    assert "inclusion.E002" in _ids(DEBUG=False, CACHES=LOCMEM, SESSION_ENGINE=engine)
    assert "inclusion.E002" not in _ids(DEBUG=False, CACHES=REDIS, SESSION_ENGINE=engine)


SMTP = "django.core.mail.backends.smtp.EmailBackend"
FROM = "Ville de Montclair <ne-pas-repondre@montclair.fr>"


@pytest.mark.parametrize("backend", ["console", "locmem", "dummy", "filebased"])
def test_production_that_sends_no_email_fails_the_deploy_check(backend):
    reglages = {"DEBUG": False, "CACHES": REDIS, "DEFAULT_FROM_EMAIL": FROM}
    ids = _ids(EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend", **reglages)
    assert "inclusion.E003" in ids
    assert "inclusion.E003" not in _ids(EMAIL_BACKEND=SMTP, **reglages)


def test_a_localhost_sender_fails_the_deploy_check_and_development_is_left_alone():
    local = "Inclusion numérique <ne-pas-repondre@localhost>"
    ids = _ids(DEBUG=False, CACHES=REDIS, EMAIL_BACKEND=SMTP, DEFAULT_FROM_EMAIL=local)
    assert "inclusion.E004" in ids and "inclusion.E003" not in ids
    assert "inclusion.E004" not in _ids(
        DEBUG=False, CACHES=REDIS, EMAIL_BACKEND=SMTP, DEFAULT_FROM_EMAIL=FROM
    )
    dev = _ids(DEBUG=True, CACHES=LOCMEM, DEFAULT_FROM_EMAIL=local)
    assert not {"inclusion.E003", "inclusion.E004"} & dev


def test_production_without_a_second_factor_fails_the_deploy_check():
    reglages = {"CACHES": REDIS, "EMAIL_BACKEND": SMTP, "DEFAULT_FROM_EMAIL": FROM}
    assert "inclusion.E005" in _ids(DEBUG=False, INCLUSION_DOUBLE_FACTEUR="aucun", **reglages)
    for valeur in ("sensibles", "tous"):
        assert "inclusion.E005" not in _ids(
            DEBUG=False, INCLUSION_DOUBLE_FACTEUR=valeur, **reglages
        )
    assert "inclusion.E005" not in _ids(DEBUG=True, INCLUSION_DOUBLE_FACTEUR="aucun")


def test_an_unknown_second_factor_setting_fails_every_check():
    assert "inclusion.E006" in _ids(DEBUG=True, INCLUSION_DOUBLE_FACTEUR="oui")
    assert "inclusion.E006" not in _ids(DEBUG=True, INCLUSION_DOUBLE_FACTEUR="tous")
