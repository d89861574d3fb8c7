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


EMAILS_QUI_NE_PARTENT_PAS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security, deploy=True)
def emails_sortants(app_configs, **kwargs):
    """Production must send its e-mails: a forgotten password or an alert printed to a
    console reaches nobody, and the person is told it was sent."""
    if settings.DEBUG:
        return []
    erreurs = []
    if settings.EMAIL_BACKEND in EMAILS_QUI_NE_PARTENT_PAS:
        erreurs.append(
            Error(
                "Les e-mails ne partent pas : ils sont seulement écrits dans la console ou "
                "gardés en mémoire.",
                hint="Donnez EMAIL_URL (par exemple smtp+tls://utilisateur:mot-de-passe@smtp."
                "exemple.fr:587) en production.",
                id="inclusion.E003",
            )
        )
    if settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        erreurs.append(
            Error(
                "L'adresse d'expédition des e-mails est en @localhost : les messageries les "
                "refuseront.",
                hint="Donnez DEFAULT_FROM_EMAIL (par exemple "
                "« Ville <ne-pas-repondre@ville.fr> »).",
                id="inclusion.E004",
            )
        )
    return erreurs


DOUBLE_FACTEUR_VALEURS = {"sensibles", "tous", "aucun"}


@register(Tags.security)
def double_facteur_connu(app_configs, **kwargs):
    if settings.INCLUSION_DOUBLE_FACTEUR in DOUBLE_FACTEUR_VALEURS:
        return []
    return [
        Error(
            f"INCLUSION_DOUBLE_FACTEUR vaut « {settings.INCLUSION_DOUBLE_FACTEUR} » : "
            "valeur inconnue.",
            hint="Choisissez sensibles (par défaut), tous ou aucun (démonstration seulement).",
            id="inclusion.E006",
        )
    ]


@register(Tags.security, deploy=True)
def double_facteur_en_production(app_configs, **kwargs):
    """Coordinators move public money and read every file: production never runs without a
    second factor for them."""
    if settings.DEBUG or settings.INCLUSION_DOUBLE_FACTEUR != "aucun":
        return []
    return [
        Error(
            "La double authentification est désactivée (INCLUSION_DOUBLE_FACTEUR=aucun).",
            hint="En production, laissez sensibles (coordinateurs et administration) ou "
            "choisissez tous ; « aucun » est réservé à la démonstration.",
            id="inclusion.E005",
        )
    ]
