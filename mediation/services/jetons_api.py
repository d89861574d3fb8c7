"""Tokens of the funders' tools (activity aggregates of /api/v1/activites/).

A token is 256 random bits shown once at creation; only its SHA-256 fingerprint is stored,
with its first characters in clear to recognise it in a list. Revoking is final.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inclusion import perms as socle
from inclusion.services.journal import write_journal
from mediation.models_api import JetonApi

PREFIXE = "inj_"
LONGUEUR_PREFIXE = 8
LONGUEUR_MAX = 100
# The last use is written at most this often per token: a busy client does not turn every
# read into a write.
INTERVALLE_USAGE = datetime.timedelta(minutes=5)


def fingerprint(clear):
    return hashlib.sha256(clear.encode("utf-8")).hexdigest()


def can_manage_jetons(user):
    """Coordinators give and revoke the funders' tokens (they see the whole territory)."""
    return socle.is_coordinateur(user)


@transaction.atomic
def create_jeton(*, acteur, nom, now=None):
    """A new token for a funder's tool: (JetonApi, clear token shown once)."""
    if not can_manage_jetons(acteur):
        raise PermissionDenied("Seuls les coordinateurs créent les jetons d'API.")
    nom = " ".join((nom or "").split())
    if not nom:
        raise ValidationError(
            {"nom": ValidationError("Indiquez l'outil ou le financeur.", code="nom_requis")}
        )
    clear = PREFIXE + secrets.token_urlsafe(32)
    jeton = JetonApi(
        nom=nom[:150],
        prefixe=clear[:LONGUEUR_PREFIXE],
        empreinte=fingerprint(clear),
        cree_par=acteur,
        cree_le=now or timezone.now(),
    )
    jeton.save()
    write_journal(acteur=acteur, action="api.jeton.creation", objet=jeton)
    return jeton, clear


@transaction.atomic
def revoke_jeton(*, acteur, jeton, now=None):
    """Revoke once (a conditional UPDATE); a second call changes nothing. Returns True if
    this call revoked it."""
    if not can_manage_jetons(acteur):
        raise PermissionDenied("Seuls les coordinateurs révoquent les jetons d'API.")
    now = now or timezone.now()
    done = JetonApi.objects.filter(pk=jeton.pk, revoque_le__isnull=True).update(revoque_le=now)
    if done:
        jeton.revoque_le = now
        write_journal(acteur=acteur, action="api.jeton.revocation", objet=jeton)
    return bool(done)


class JetonRefuse(Exception):
    """A token that opens nothing; `code` says why (never matched on text)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def authenticate_jeton(clear, now=None):
    """The live JetonApi of this clear token, its last use recorded (throttled)."""
    if not clear or len(clear) > LONGUEUR_MAX or not clear.isascii():
        raise JetonRefuse("jeton_inconnu", "Jeton inconnu.")
    jeton = JetonApi.objects.filter(empreinte=fingerprint(clear)).first()
    if jeton is None:
        raise JetonRefuse("jeton_inconnu", "Jeton inconnu.")
    if jeton.revoque_le is not None:
        raise JetonRefuse("jeton_revoque", "Ce jeton a été révoqué.")
    record_use(jeton, now=now)
    return jeton


def record_use(jeton, now=None):
    """Write the last use when the stored one is older than INTERVALLE_USAGE (no write at
    all otherwise; the conditional UPDATE keeps concurrent requests to one write)."""
    now = now or timezone.now()
    seuil = now - INTERVALLE_USAGE
    if jeton.dernier_usage_le is not None and jeton.dernier_usage_le > seuil:
        return False
    done = (
        JetonApi.objects.filter(pk=jeton.pk)
        .filter(Q(dernier_usage_le__isnull=True) | Q(dernier_usage_le__lte=seuil))
        .update(dernier_usage_le=now)
    )
    if done:
        jeton.dernier_usage_le = now
    return bool(done)
