"""Kiosk devices (registered by a coordinator, activated once on the device) and PINs."""

import datetime
import hashlib
import re
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from inclusion.services.journal import write_journal
from mediation import perms
from mediation.models import BorneKiosque, CodePin

MAX_ECHECS_PIN = 5
MAX_ECHECS_PIN_BORNE = 20
FENETRE_ECHECS_PIN = datetime.timedelta(minutes=15)
_PIN_RE = re.compile(r"^\d{4,6}$")


class TropDEssaisPin(Exception):
    code = "trop_d_essais_pin"
    message = (
        "Trop de codes PIN faux. Attendez 15 minutes, ou connectez-vous avec votre mot de passe."
    )


def hash_jeton(jeton):
    return hashlib.sha256(jeton.encode("ascii")).hexdigest()


def nouveau_jeton():
    """(clear token shown once, hash stored)."""
    jeton = secrets.token_urlsafe(32)
    return jeton, hash_jeton(jeton)


@transaction.atomic
def register_borne(*, acteur, lieu, libelle):
    """Register a device for `lieu`; returns (borne, clear token for the activation link)."""
    if not perms.can_manage_bornes(acteur):
        raise PermissionDenied("Seuls les coordinateurs enregistrent les appareils du kiosque.")
    jeton, empreinte = nouveau_jeton()
    borne = BorneKiosque(
        structure=lieu.structure, lieu=lieu, libelle=libelle, jeton_hash=empreinte, cree_par=acteur
    )
    borne.full_clean()
    borne.save()
    write_journal_borne(acteur=acteur, borne=borne, action="kiosque.appareil.creation")
    return borne, jeton


def write_journal_borne(*, acteur, borne, action):
    write_journal(
        acteur=acteur,
        action=action,
        objet=borne,
        structure=borne.structure,
        details={"lieu": borne.lieu_id},
    )


def activation_pending(jeton):
    """The device this activation link is for, if it may still be activated."""
    if not jeton or len(jeton) > 100:
        return None
    return (
        BorneKiosque.objects.actives()
        .select_related("lieu", "structure")
        .filter(jeton_hash=hash_jeton(jeton), active_le__isnull=True)
        .first()
    )


def activate_borne(*, jeton, now=None):
    """Activate the device once (the link then stops working). Returns the borne or None."""
    now = now or timezone.now()
    borne = activation_pending(jeton)
    if borne is None:
        return None
    if not BorneKiosque.objects.filter(pk=borne.pk, active_le__isnull=True).update(active_le=now):
        return None  # activated by someone else in the meantime
    borne.active_le = now
    write_journal_borne(acteur=None, borne=borne, action="kiosque.appareil.activation")
    return borne


@transaction.atomic
def renew_activation(*, borne, acteur=None):
    """A new activation link for a device (reinstalled browser, new tablet): the old link and
    the old device cookie stop working. Returns the clear token."""
    if acteur is not None and not perms.can_manage_bornes(acteur):
        raise PermissionDenied("Seuls les coordinateurs gèrent les appareils du kiosque.")
    jeton, empreinte = nouveau_jeton()
    BorneKiosque.objects.filter(pk=borne.pk).update(jeton_hash=empreinte, active_le=None)
    borne.jeton_hash, borne.active_le = empreinte, None
    write_journal_borne(acteur=acteur, borne=borne, action="kiosque.appareil.nouveau_lien")
    return jeton


def cookie_value(borne, jeton):
    return f"{borne.pk}:{jeton}"


def borne_du_cookie(value):
    """The active, activated device a (signed) cookie value names, or None."""
    pk, _, jeton = (value or "").partition(":")
    if not pk.isdigit() or not jeton:
        return None
    return (
        BorneKiosque.objects.actives()
        .select_related("lieu", "structure")
        .filter(pk=int(pk), jeton_hash=hash_jeton(jeton), active_le__isnull=False)
        .first()
    )


def validate_pin(pin):
    """4 to 6 digits, not all the same, not a plain sequence (1234, 654321…)."""
    pin = (pin or "").strip()
    if not _PIN_RE.match(pin):
        raise ValidationError("Le code PIN compte 4 à 6 chiffres, sans lettre ni espace.")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise ValidationError(
            "Ce code PIN est trop facile à deviner (chiffres identiques ou qui se suivent)."
        )
    return pin


@transaction.atomic
def set_pin(*, acteur, user, structure, pin):
    """Set (or replace) the PIN of `user` for the kiosk devices of `structure`."""
    if not perms.can_manage_bornes(acteur):
        raise PermissionDenied("Seuls les coordinateurs définissent les codes PIN du kiosque.")
    pin = validate_pin(pin)
    if (
        not user.memberships.actives()
        .filter(structure=structure, role__in=perms.ROLES_KIOSQUE)
        .exists()
    ):
        raise ValidationError(
            "Cette personne n'est ni volontaire ni médiateur de cette structure : "
            "rattachez-la d'abord à la structure."
        )
    code, _ = CodePin.objects.update_or_create(
        user=user,
        structure=structure,
        defaults={"pin_hash": make_password(pin), "cree_par": acteur},
    )
    write_journal(
        acteur=acteur,
        action="kiosque.pin.definition",
        objet=code,
        structure=structure,
        details={"utilisateur": user.pk},
    )
    return code


def _echecs_cles(borne, email):
    empreinte = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]
    return f"kiosque:pin:{borne.pk}:{empreinte}", f"kiosque:pin:{borne.pk}"


def _take_attempt(cle):
    """One more attempt on this counter; returns the count including it.

    Atomic and shared by every process (cache.add then cache.incr on the default cache,
    Redis in production): N workers never give N times the attempts. Fixed window: the
    counter lives FENETRE_ECHECS_PIN from its first attempt."""
    timeout = int(FENETRE_ECHECS_PIN.total_seconds())
    if cache.add(cle, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cle)
    except ValueError:  # expired between add and incr
        return 1 if cache.add(cle, 1, timeout=timeout) else cache.incr(cle)


def _give_back_attempt(cle):
    """Give back an attempt that was not a failure."""
    try:
        cache.decr(cle)
    except ValueError:
        pass


def check_pin(*, email, pin, borne):
    """The user whose PIN for `borne`'s structure is `pin`, or None (counted as a failure).

    Raises TropDEssaisPin after 5 failures for this e-mail on this device, or 20 on the
    device, within 15 minutes. Each attempt takes its place in the counters before the PIN
    is checked, so concurrent attempts cannot all read "not yet 5". Checked with the password
    hashers (constant time)."""
    cle_personne, cle_borne = _echecs_cles(borne, email or "")
    if _take_attempt(cle_personne) > MAX_ECHECS_PIN:
        raise TropDEssaisPin()
    if _take_attempt(cle_borne) > MAX_ECHECS_PIN_BORNE:
        raise TropDEssaisPin()
    code = (
        CodePin.objects.select_related("user")
        .filter(user__email__iexact=(email or "").strip(), structure=borne.structure_id)
        .first()
    )
    ok = code is not None and code.user.is_active and check_password(pin or "", code.pin_hash)
    if code is None:
        make_password(pin or "")  # same time whether the account exists or not
    if not ok:
        write_journal(
            acteur=None,
            action="kiosque.pin.echec",
            structure=borne.structure,
            details={"appareil": borne.pk, "lieu": borne.lieu_id},
        )
        return None
    cache.delete(cle_personne)
    _give_back_attempt(cle_borne)
    return code.user


def cookie_name():
    return getattr(settings, "KIOSQUE_COOKIE", "kiosque_appareil")


COOKIE_SALT = "mediation.kiosque.appareil"
