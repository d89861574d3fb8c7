"""Accounts of professionals: forgotten password (request, link, new password).

Designed for the rest of the account life (invitations, "Mon compte"): e-mails go through
inclusion.emails.send_email, links are built by `signed_link`, password changes by
`set_new_password` (validators, journal, every other session ended).

Decisions:
- Only active accounts with a usable password get a link; the person sees the same answer
  whatever the address (an inactive account is told nothing: its coordinator reactivates it).
- Kiosk-only accounts (volunteers) get a link too: their password opens the kiosk on a device
  that is not registered, and their PIN is not touched.
- Sessions end through Django's session auth hash: every request of every store (database,
  cached database on Redis, the kiosk's) checks the hash of the password it was opened with,
  so a new password ends every other session at its next request.
"""

import dataclasses
import datetime
import hashlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from inclusion.emails.service import absolute_url, send_email
from inclusion.limites import HEURE, Limite
from inclusion.services.journal import write_journal

logger = logging.getLogger(__name__)

KIND_REINITIALISATION = "mot_de_passe"

REFUS = {
    "trop_de_demandes_adresse": (
        "Trop de demandes pour cette adresse : attendez une heure avant de recommencer, "
        "ou appelez le {telephone}."
    ),
    "trop_de_demandes_ip": (
        "Trop de demandes depuis cet appareil : attendez une heure avant de recommencer, "
        "ou appelez le {telephone}."
    ),
}


@dataclasses.dataclass(frozen=True)
class Demande:
    accepted: bool
    code: str = ""  # why it was refused, for callers (never match `message`)

    def message(self, telephone):
        """The French refusal shown to the person, with the help phone."""
        return REFUS.get(self.code, "").format(telephone=telephone)


def normalize_email(email):
    return (email or "").strip().lower()


def _empreinte(email):
    """A cache key for an address that does not show it."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:24]


def _limites():
    return (
        (
            Limite("reinit_adresse", settings.INCLUSION_REINITIALISATION_PAR_ADRESSE, HEURE),
            "adresse",
        ),
        (Limite("reinit_ip", settings.INCLUSION_REINITIALISATION_PAR_IP, HEURE), "ip"),
    )


def request_password_reset(*, email, ip):
    """ "Mot de passe oublié": the same work whatever the address (two counters, one task);
    whether an account exists is decided by the task, never in the request."""
    valeurs = {"adresse": _empreinte(email), "ip": ip or "inconnue"}
    for limite, quoi in _limites():
        if limite.atteinte(valeurs[quoi]):
            logger.info("password reset refused: too many requests per %s", quoi)
            return Demande(accepted=False, code=f"trop_de_demandes_{quoi}")
    for limite, quoi in _limites():
        limite.record(valeurs[quoi])
    adresse = normalize_email(email)
    transaction.on_commit(lambda: send_password_reset_email.enqueue(adresse))
    return Demande(accepted=True)


def signed_link(url_name, user, **kwargs):
    """(absolute link, secret part) for a link that names `user` and carries Django's token:
    it changes when the password (or the last sign-in) changes, and expires after
    PASSWORD_RESET_TIMEOUT."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse(url_name, kwargs={"uidb64": uidb64, "token": token, **kwargs})
    return absolute_url(path), f"{uidb64}/{token}"


def account_for_reset(email):
    """The account a forgotten-password link may go to, or None."""
    user = (
        get_user_model()
        .objects.filter(email__iexact=normalize_email(email), is_active=True)
        .first()
    )
    if user is None or not user.has_usable_password():
        return None
    return user


def send_password_reset_link(*, email, now=None):
    """Queue the e-mail with a one-hour link when `email` is an account's; None otherwise."""
    user = account_for_reset(email)
    if user is None:
        return None
    now = now or timezone.now()
    lien, secret = signed_link("comptes:nouveau_mot_de_passe", user)
    with transaction.atomic():
        message = send_email(
            to=user.email,
            template="reinitialisation",
            context={"prenom": user.first_name, "lien": lien},
            kind=KIND_REINITIALISATION,
            about=user,
            secrets=(secret,),
            useless_after=now + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
        )
        write_journal(
            acteur=None,
            action="compte.mot_de_passe.demande",
            objet=user,
            details={"email": message.pk},
        )
    return message


@task()
def send_password_reset_email(email):
    """The worker's half of request_password_reset (next to it: the two call each other)."""
    send_password_reset_link(email=email)


def set_new_password(*, user, password, acteur=None, action="compte.mot_de_passe.reinitialise"):
    """Set a new password after the project's validators; every other session of the account
    ends (their session auth hash no longer matches), and a used link stops working."""
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        write_journal(acteur=acteur or user, action=action, objet=user)
    logger.info("password changed for user %s", user.pk)
    return user
