"""Second factor of the espace pro's sign-in: an authenticator app (TOTP, django-otp) and ten
single-use recovery codes.

Decisions:
- One TOTP device per account ("application"), one static device ("secours") holding the
  recovery codes. Enrolment creates an unconfirmed TOTP device; it counts once a first code
  from the app is accepted.
- Completing an enrolment raises `generation_sessions`: any other session of the account
  (opened with the password only) ends. The view keeps the enrolling session
  (update_session_auth_hash).
- Wrong codes are throttled by django-otp (1, 2, 4, 8… seconds after each failure, per
  device); a code typed too soon is refused with `trop_d_essais` without being checked.
- A TOTP code is checked under a row lock (a code is accepted once: django-otp remembers the
  last time step used); a recovery code is spent by a conditional DELETE (one winner).
- A coordinator's reset deletes both devices and ends every session of the account; the
  person is told by e-mail and sets up a new app at the next sign-in.
"""

import base64
import dataclasses
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusion import perms
from inclusion.double_facteur import requires_second_factor
from inclusion.emails.service import send_email
from inclusion.services.journal import write_journal

NOM_APPLICATION = "application"
NOM_SECOURS = "secours"
NOMBRE_CODES = 10
# No i, l, o: easy to read back from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyz"
KIND_REINITIALISE = "double_facteur_reinitialise"

MESSAGES = {
    "code_invalide": "Ce code ne marche pas. Vérifiez-le et réessayez.",
    "trop_d_essais": "Trop d'essais : attendez {duree} avant de taper un nouveau code.",
    "requis": "Votre rôle demande la double authentification : vous ne pouvez pas l'arrêter.",
    "interdit": "Vous ne pouvez pas réinitialiser la double authentification de ce compte.",
    "deja_actif": "La double authentification est déjà activée sur ce compte.",
    "pas_actif": "La double authentification n'est pas activée sur ce compte.",
}


@dataclasses.dataclass(frozen=True)
class Statut:
    """What "Mon compte" shows of the second factor."""

    active: bool
    recovery_codes_left: int
    required: bool


def _refus(code, field="code", **kwargs):
    error = ValidationError(MESSAGES[code].format(**kwargs), code=code)
    return ValidationError({field: error}) if field else error


def application(user, confirmed=True):
    """The account's authenticator app device, or None."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()
        if getattr(user, "pk", None)
        else None
    )


def secours(user):
    return StaticDevice.objects.filter(user=user, name=NOM_SECOURS, confirmed=True).first()


def is_active(user):
    return application(user) is not None


def with_second_factor(users):
    """`users` annotated with `double_facteur_actif` (one subquery, for lists of accounts)."""
    return users.annotate(
        double_facteur_actif=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    )


def status(user):
    device = secours(user)
    return Statut(
        active=is_active(user),
        recovery_codes_left=device.token_set.count() if device else 0,
        required=requires_second_factor(user),
    )


def new_recovery_code():
    """`abcd-efgh`: 8 letters from 23 (about 36 bits), easy to copy by hand."""
    lettres = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{lettres[:4]}-{lettres[4:]}"


def normalize_code(code):
    """What a person types, as stored: digits for the app; `abcd-efgh` for a recovery code
    (spaces, capitals and a missing hyphen forgiven)."""
    brut = "".join((code or "").split()).lower()
    if brut.isdigit():
        return brut
    lettres = brut.replace("-", "")
    if len(lettres) == 8 and lettres.isalpha():
        return f"{lettres[:4]}-{lettres[4:]}"
    return brut


def secret_groups(device):
    """The app's secret key in base 32, in groups of 4 (typed by hand when no QR code)."""
    cle = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(cle[i : i + 4] for i in range(0, len(cle), 4))


def enrolment_device(user):
    """The enrolment under way (an unconfirmed app device), or None."""
    return application(user, confirmed=False)


def start_enrolment(user):
    """A new unconfirmed TOTP device for `user` (replacing one not confirmed)."""
    if is_active(user):
        raise _refus("deja_actif", field=None)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=NOM_APPLICATION, confirmed=False)
        write_journal(acteur=user, action="compte.double_facteur.activation_commencee", objet=user)
    return device


def _duree(secondes):
    """A wait in words: "5 secondes", "3 minutes", "2 heures"."""
    for unite, taille in (("heure", 3600), ("minute", 60)):
        if secondes >= 2 * taille:
            n = -(-secondes // taille)  # rounded up
            return f"{n} {unite}s"
    return f"{secondes} seconde{'s' if secondes > 1 else ''}"


def _check_allowed(device):
    allowed, data = device.verify_is_allowed()
    if not allowed:
        attente = 1
        if data and data.get("locked_until"):
            attente = max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
        raise _refus("trop_d_essais", duree=_duree(attente))


def _verify_totp(device, code):
    """`device` when it accepts `code` (checked under a row lock: a code is accepted once),
    else None (a failure is counted); `trop_d_essais` when a code comes too soon."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
    if device is None:
        return None
    _check_allowed(device)
    # django-otp's verify_token counts a failure and remembers the time step used.
    return device if device.verify_token(code) else None


def _new_codes(user):
    """Replace the recovery codes of `user` by ten new ones; returns them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=NOM_SECOURS, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = []
    while len(codes) < NOMBRE_CODES:
        code = new_recovery_code()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return codes


def confirm_enrolment(user, device, code):
    """Accept the first code of the app: the device is confirmed, ten recovery codes are
    made and returned (to show once), every other session of the account ends."""
    if device.user_id != user.pk or device.confirmed:
        raise _refus("code_invalide")
    code = normalize_code(code)
    with transaction.atomic():
        if _verify_totp(device, code) is None:
            refus = _refus("code_invalide")
        else:
            refus = None
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
            device.refresh_from_db()
            codes = _new_codes(user)
            _end_sessions(user)
            write_journal(acteur=user, action="compte.double_facteur.active", objet=user)
    if refus is not None:
        raise refus  # after the transaction: the failure count stays recorded
    return codes


def _end_sessions(user):
    get_user_model().objects.filter(pk=user.pk).update(
        generation_sessions=F("generation_sessions") + 1
    )
    user.refresh_from_db(fields=["generation_sessions"])


def _spend_recovery_code(user, code):
    device = StaticDevice.objects.select_for_update().filter(user=user, name=NOM_SECOURS).first()
    if device is None or not device.confirmed:
        return None, None
    _check_allowed(device)
    spent, _ = StaticToken.objects.filter(device=device, token=code).delete()
    if not spent:
        device.throttle_increment()
        return None, device
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return device, device


def verify(user, code):
    """The device that accepts `code` (a code from the app, or a recovery code, spent), or a
    ValidationError on "code" with the code `code_invalide` or `trop_d_essais`."""
    code = normalize_code(code)
    refus = None
    with transaction.atomic():
        app = application(user)
        if code.isdigit():
            if app is None:
                refus = _refus("code_invalide")
            else:
                device = _verify_totp(app, code)
                if device is None:
                    refus = _refus("code_invalide")
                else:
                    write_journal(acteur=user, action="compte.double_facteur.verifie", objet=user)
                    return device
        else:
            device, tried = _spend_recovery_code(user, code)
            if device is None:
                if tried is None and app is not None:
                    # No recovery codes: a wrong guess still counts against the app.
                    app = TOTPDevice.objects.select_for_update().get(pk=app.pk)
                    _check_allowed(app)
                    app.throttle_increment()
                refus = _refus("code_invalide")
            else:
                restants = device.token_set.count()
                write_journal(
                    acteur=user,
                    action="compte.double_facteur.code_secours",
                    objet=user,
                    details={"restants": restants},
                )
                return device
    raise refus


def regenerate_recovery_codes(user):
    """Ten new recovery codes for an account whose second factor is active (the old ones
    stop working); returns them, to show once."""
    if not is_active(user):
        raise _refus("pas_actif", field=None)
    with transaction.atomic():
        codes = _new_codes(user)
        write_journal(acteur=user, action="compte.double_facteur.codes_regeneres", objet=user)
    return codes


def remove_second_factor(*, acteur, user):
    """The person turns their second factor off (the view asked for a current code first);
    refused with `requis` when their role requires one."""
    if acteur.pk != user.pk:
        raise _refus("interdit", field=None)
    if requires_second_factor(user):
        raise _refus("requis", field=None)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        write_journal(acteur=acteur, action="compte.double_facteur.desactive", objet=user)


def reset_second_factor(*, acteur, user):
    """A coordinator resets someone's second factor (lost phone, no recovery code left):
    devices deleted, every session of the account ended, the person told by e-mail; they
    set up a new app at their next sign-in."""
    if not perms.can_manage_account(acteur, user):
        raise _refus("interdit", field=None)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _end_sessions(user)
        message = send_email(
            to=user.email,
            template="double_facteur_reinitialise",
            context={
                "prenom": user.first_name,
                "acteur": acteur.get_full_name() or acteur.get_short_name(),
            },
            kind=KIND_REINITIALISE,
            about=user,
        )
        write_journal(
            acteur=acteur,
            action="compte.double_facteur.reinitialise",
            objet=user,
            details={"email": message.pk},
        )
    return user
