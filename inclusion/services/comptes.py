"""Accounts of professionals: forgotten password (request, link, new password), leavers
(deactivation by a coordinator, reactivation) and "Mon compte" (name, password, e-mail address
changed through a link sent to the new one, signing out everywhere).

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
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from inclusion import perms, registry
from inclusion.emails.service import absolute_url, send_email
from inclusion.enums import Role
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


# --- Leavers: deactivation by a coordinator, reactivation -----------------------------------


@dataclasses.dataclass(frozen=True)
class Desactivation:
    """What a deactivation did, as counts (the journal holds the same)."""

    rattachements: int
    revocations: dict  # account closer's name → how many things it revoked
    invitations: int

    @property
    def revoques(self):
        return sum(self.revocations.values())


def _refus(message, code):
    return ValidationError(message, code=code)


def _coordinator_accounts():
    """Active accounts holding an active coordinator role (in an active structure)."""
    return get_user_model().objects.filter(
        is_active=True,
        memberships__active=True,
        memberships__structure__active=True,
        memberships__role=Role.COORDINATEUR,
    )


def _count(resultat):
    """A count from a helper that answers with a number or with the rows it changed."""
    if resultat is None:
        return 0
    if isinstance(resultat, bool | int):
        return int(resultat)
    return len(resultat)


def deactivate_account(*, acteur, user, now=None):
    """A coordinator deactivates a leaver's account, in one transaction:
    - the account can no longer sign in, and every open session ends at its next request
      (generation_sessions is part of the session auth hash, whatever the session store);
    - its active memberships end (dated, journalised by territoire.remove_membership);
    - every registered account closer revokes what a higher layer gave it (kiosk PINs,
      private calendar…);
    - the invitations it sent, or that were sent to it, and nobody accepted are cancelled
      (services.invitations.cancel_pending_invitations).
    `now` dates the deactivation, the closers and the invitations; the memberships are dated
    by remove_membership's own clock. Nothing is deleted: the journal and activity rows keep
    pointing at the account. Nobody is told by e-mail (a leaver's mailbox may be gone).

    Refusals (ValidationError codes): `non_autorise` (perms.can_manage_account),
    `deja_desactive`, `dernier_coordinateur`."""
    from inclusion.services import invitations
    from inclusion.services.territoire import remove_membership

    if not perms.can_manage_account(acteur, user):
        raise _refus(
            "Vous ne pouvez pas désactiver ce compte : demandez-le à un coordinateur.",
            "non_autorise",
        )
    now = now or timezone.now()
    User = get_user_model()
    with transaction.atomic():
        # The coordinators' rows too, in one order: two coordinators deactivating each other
        # at once wait for each other, and the second sees the first one's change.
        list(
            User.objects.select_for_update()
            .filter(pk__in=_coordinator_accounts().values("pk"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        compte = User.objects.select_for_update().get(pk=user.pk)
        # Read again once the locks are held (a new snapshot): a concurrent deactivation
        # committed meanwhile is seen.
        coordinateurs = set(_coordinator_accounts().values_list("pk", flat=True))
        if not compte.is_active:
            raise _refus("Ce compte est déjà désactivé.", "deja_desactive")
        if compte.pk in coordinateurs and len(coordinateurs) == 1:
            raise _refus(
                "C'est le dernier compte de coordinateur actif : le territoire n'aurait plus "
                "personne pour le gérer. Faites d'abord d'une autre personne un coordinateur.",
                "dernier_coordinateur",
            )
        rattachements = list(compte.memberships.filter(active=True).select_related("structure"))
        for membership in rattachements:
            remove_membership(acteur=acteur, membership=membership)
        User.objects.filter(pk=compte.pk).update(
            is_active=False,
            desactive_le=now,
            generation_sessions=F("generation_sessions") + 1,
        )
        compte.is_active, compte.desactive_le = False, now  # as the closers will see it
        revocations = {
            nom: _count(closer(compte, acteur, now))
            for nom, closer in registry.account_closers().items()
        }
        annulees = _count(
            invitations.cancel_pending_invitations(acteur=acteur, user=compte, now=now)
        )
        resultat = Desactivation(
            rattachements=len(rattachements), revocations=revocations, invitations=annulees
        )
        write_journal(
            acteur=acteur,
            action="compte.desactive",
            objet=compte,
            details={
                "rattachements": resultat.rattachements,
                "revocations": revocations,
                "invitations": annulees,
            },
        )
    user.refresh_from_db(fields=["is_active", "desactive_le", "generation_sessions"])
    perms.forget_roles(user)
    logger.info("account %s deactivated by %s", user.pk, acteur.pk)
    return resultat


def reactivate_account(*, acteur, user):
    """The account can sign in again. Its memberships are not given back: the coordinator
    invites it again into structures (an invitation adds memberships to an existing account).
    Refusals: `non_autorise`, `deja_actif`."""
    if not perms.can_manage_account(acteur, user):
        raise _refus(
            "Vous ne pouvez pas réactiver ce compte : demandez-le à un coordinateur.",
            "non_autorise",
        )
    User = get_user_model()
    with transaction.atomic():
        compte = User.objects.select_for_update().get(pk=user.pk)
        if compte.is_active:
            raise _refus("Ce compte est déjà actif.", "deja_actif")
        User.objects.filter(pk=compte.pk).update(is_active=True, desactive_le=None)
        write_journal(acteur=acteur, action="compte.reactive", objet=compte)
    user.refresh_from_db(fields=["is_active", "desactive_le"])
    return user


# --- "Mon compte" ---------------------------------------------------------------------------


def sign_out_everywhere(*, user):
    """Every session of the account ends at its next request, this one included (the caller
    signs this one out at once)."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(
            generation_sessions=F("generation_sessions") + 1
        )
        write_journal(acteur=user, action="compte.deconnexion_partout", objet=user)
    user.refresh_from_db(fields=["generation_sessions"])
    return user


def update_profile(*, user, prenom, nom):
    """The person's own first and last names (shown to colleagues, in e-mails)."""
    champs = {"first_name": (prenom or "").strip(), "last_name": (nom or "").strip()}
    changes = sorted(k for k, v in champs.items() if getattr(user, k) != v)
    for k, v in champs.items():
        setattr(user, k, v)
    user.full_clean(exclude=[f.name for f in user._meta.fields if f.name not in champs])
    if changes:
        with transaction.atomic():
            user.save(update_fields=changes)
            write_journal(
                acteur=user, action="compte.profil", objet=user, details={"champs": changes}
            )
    return user


def _limite_mot_de_passe():
    return Limite("compte_mot_de_passe_faux", MAX_MOTS_DE_PASSE_FAUX, HEURE)


def _check_current_password(user, password, champ):
    """Refuse a wrong current password (`mot_de_passe_incorrect`); after too many wrong ones
    in an hour, refuse every attempt (`trop_d_essais`): a session left open on a shared
    computer is not a way to guess the password."""
    limite = _limite_mot_de_passe()
    if limite.atteinte(user.pk):
        raise ValidationError(
            {
                champ: _refus(
                    "Trop d'essais : attendez une heure, ou utilisez « Mot de passe oublié ».",
                    "trop_d_essais",
                )
            }
        )
    if not user.check_password(password or ""):
        limite.record(user.pk)
        raise ValidationError(
            {champ: _refus("Ce n'est pas votre mot de passe actuel.", "mot_de_passe_incorrect")}
        )


def change_password(*, user, ancien, nouveau):
    """The person changes their password: the current one first (`mot_de_passe_incorrect`),
    then the project's validators. Every session ends (the password is in the session auth
    hash); the view keeps its own with update_session_auth_hash."""
    _check_current_password(user, ancien, "ancien")
    try:
        return set_new_password(user=user, password=nouveau, action="compte.mot_de_passe.change")
    except ValidationError as error:
        raise ValidationError({"nouveau": error.error_list}) from error


# --- E-mail address change ------------------------------------------------------------------

SALT_CHANGEMENT_EMAIL = "inclusion.comptes.changement_email"
KIND_CHANGEMENT_EMAIL = "changement_email"
MAX_DEMANDES_EMAIL = 5  # per account and hour
MAX_MOTS_DE_PASSE_FAUX = 10  # per account and hour, on "Mon compte"
ADRESSE_PRISE = "Cette adresse ne peut pas être utilisée."


def _empreinte_adresse(email):
    """A keyed hash of the current address: the link (readable by whoever holds it) does not
    show it, and dies once the address has changed."""
    return salted_hmac(SALT_CHANGEMENT_EMAIL, normalize_email(email)).hexdigest()[:32]


def _duree_changement_email():
    return datetime.timedelta(hours=settings.INCLUSION_CHANGEMENT_EMAIL_HEURES)


def _adresse_prise(user, adresse):
    return get_user_model().objects.filter(email__iexact=adresse).exclude(pk=user.pk).exists()


def request_email_change(*, user, nouvelle, password, now=None):
    """Send a confirmation link to the new address (valid INCLUSION_CHANGEMENT_EMAIL_HEURES
    hours, signed, single use), and tell the current address that a change was asked
    (without the link). Nothing changes until the link is opened.

    Refusals: `mot_de_passe_incorrect`, `trop_d_essais` (field "password"), `meme_adresse`,
    `adresse_prise` (field "nouvelle": the same words whether another account has it or not
    allowed), `trop_de_demandes`."""
    now = now or timezone.now()
    _check_current_password(user, password, "password")
    adresse = normalize_email(nouvelle)
    if adresse == normalize_email(user.email):
        raise ValidationError(
            {"nouvelle": _refus("C'est déjà l'adresse de votre compte.", "meme_adresse")}
        )
    if _adresse_prise(user, adresse):
        raise ValidationError({"nouvelle": _refus(ADRESSE_PRISE, "adresse_prise")})
    limite = Limite("changement_email", MAX_DEMANDES_EMAIL, HEURE)
    if limite.atteinte(user.pk):
        raise _refus(
            "Trop de demandes de changement d'adresse : attendez une heure avant de recommencer.",
            "trop_de_demandes",
        )
    limite.record(user.pk)
    token = signing.dumps(
        {"u": user.pk, "e": adresse, "a": _empreinte_adresse(user.email)},
        salt=SALT_CHANGEMENT_EMAIL,
        compress=True,
    )
    lien = absolute_url(reverse("mon_compte:email_confirmer", kwargs={"token": token}))
    heures = settings.INCLUSION_CHANGEMENT_EMAIL_HEURES
    with transaction.atomic():
        confirmation = send_email(
            to=adresse,
            template="email_change",
            context={"prenom": user.first_name, "lien": lien, "heures": heures},
            kind=KIND_CHANGEMENT_EMAIL,
            about=user,
            secrets=(token,),
            useless_after=now + _duree_changement_email(),
        )
        information = send_email(
            to=user.email,
            template="email_change_demande",
            context={"prenom": user.first_name, "heures": heures},
            kind=KIND_CHANGEMENT_EMAIL,
            about=user,
        )
        write_journal(
            acteur=user,
            action="compte.email.demande",
            objet=user,
            details={"emails": [confirmation.pk, information.pk]},
        )
    return confirmation


def email_change_of(token, now=None):
    """(account, new address) a confirmation link names, or a ValidationError:
    `lien_invalide` (altered, already used, account deactivated), `lien_expire`."""
    duree = _duree_changement_email()
    if now is not None:
        duree -= now - timezone.now()
    try:
        data = signing.loads(token, salt=SALT_CHANGEMENT_EMAIL, max_age=duree)
    except signing.SignatureExpired as error:
        raise _refus(LIEN_EXPIRE, "lien_expire") from error
    except signing.BadSignature as error:
        raise _refus(LIEN_INVALIDE, "lien_invalide") from error
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(_empreinte_adresse(user.email), data.get("a", "")):
        raise _refus(LIEN_INVALIDE, "lien_invalide")
    return user, data["e"]


LIEN_EXPIRE = "Ce lien est trop ancien : demandez un nouveau changement d'adresse."
LIEN_INVALIDE = "Ce lien ne marche plus : il a déjà servi, ou il n'est pas complet."


def confirm_email_change(*, token, now=None):
    """Open the link: the account's address becomes the new one (checked free again), the
    previous address is told. Refusals: those of email_change_of, `adresse_prise`."""
    User = get_user_model()
    with transaction.atomic():
        lu, adresse = email_change_of(token, now)
        user = User.objects.select_for_update().get(pk=lu.pk)
        if not user.is_active or user.email != lu.email:  # changed since read: link used
            raise _refus(LIEN_INVALIDE, "lien_invalide")
        if _adresse_prise(user, adresse):
            raise _refus(ADRESSE_PRISE, "adresse_prise")
        ancienne = user.email
        try:
            with transaction.atomic():
                User.objects.filter(pk=user.pk).update(email=adresse)
        except IntegrityError as error:  # taken in between by another account
            raise _refus(ADRESSE_PRISE, "adresse_prise") from error
        user.email = adresse
        information = send_email(
            to=ancienne,
            template="email_change_fait",
            context={"prenom": user.first_name},
            kind=KIND_CHANGEMENT_EMAIL,
            about=user,
        )
        write_journal(
            acteur=user,
            action="compte.email.change",
            objet=user,
            details={"email": information.pk},
        )
    logger.info("email address changed for user %s", user.pk)
    return user
