"""System checks of the socle (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends whose data are not shared by every process (or not kept at all): counters and
# sessions read through them differ from one worker to the next.
CACHES_PAR_PROCESSUS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}
SESSIONS_PAR_CACHE = {
    "django.contrib.sessions.backends.cache",
    "django.contrib.sessions.backends.cached_db",
}


def _par_processus(alias):
    return settings.CACHES.get(alias, {}).get("BACKEND", "") in CACHES_PAR_PROCESSUS


@register(Tags.caches, Tags.security, deploy=True)
def cache_partage(app_configs, **kwargs):
    """Production (DEBUG off) needs a cache shared by every process: the rate limits of the
    sign-in, the kiosk PINs and the public journeys count there."""
    if settings.DEBUG or not _par_processus("default"):
        return []
    return [
        Error(
            "Le cache n'est pas partagé entre les processus : chaque processus compte ses "
            "propres tentatives (connexion, codes, PIN des bornes).",
            hint="Donnez REDIS_URL (par exemple redis://127.0.0.1:6379/0) en production.",
            id="inclusion.E001",
        )
    ]


@register(Tags.caches, Tags.security, deploy=True)
def sessions_partagees(app_configs, **kwargs):
    """Sessions read from a per-process cache outlive a sign-out in the other processes."""
    if settings.DEBUG or settings.SESSION_ENGINE not in SESSIONS_PAR_CACHE:
        return []
    if not _par_processus(getattr(settings, "SESSION_CACHE_ALIAS", "default")):
        return []
    return [
        Error(
            "Les sessions sont lues dans un cache propre à chaque processus : une personne "
            "déconnectée resterait connectée dans les autres processus.",
            hint="Gardez SESSION_ENGINE sur la base de données, ou donnez REDIS_URL.",
            id="inclusion.E002",
        )
    ]
