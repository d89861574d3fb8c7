"""Invitations of professionals by e-mail: who may give what, the signed single-use link,
accepting it (new account or existing one), re-sending, revoking, cancelling.

Decisions:
- The structure's référent is a flag on a membership (Membership.referent), not a role: a
  référent still works as a prescripteur or a médiateur, and roles drive every permission.
- Nobody grants more than they hold: a coordinator (or a superuser) gives any role in any
  active structure and the référent flag; a référent gives, in the structures where they are
  référent, the roles they hold there plus volontaire, never the flag. Invitations never make
  superusers or staff.
- The link carries a signed {"i": pk, "s": secret}; only sha256(secret) is stored, compared in
  constant time. Re-sending draws a new secret: the earlier link stops working. The link never
  goes to the journal or the logs; the outbox masks it once sent.
- Accepting writes the memberships with the invitation as authority (acteur=None for
  territoire.add_membership, whose acteur must be a coordinator); the journal line
  "invitation.acceptee" names the person who accepted.
"""

import dataclasses
import datetime
import hashlib
import logging
import secrets as secrets_module

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from inclusion import perms
from inclusion.emails.service import absolute_url, send_email
from inclusion.enums import Role
from inclusion.models import Invitation, InvitationRole, Membership, Structure, User
from inclusion.models.invitations import MotifAnnulation
from inclusion.mots_du_temps import date_et_annee_en_mots, heure_en_mots
from inclusion.services import territoire
from inclusion.services.comptes import normalize_email
from inclusion.services.journal import write_journal

logger = logging.getLogger(__name__)

SALT = "inclusion.invitation"
KIND = "invitation"

MESSAGES = {
    "non_autorise": "Seuls les coordinateurs et les référents d'une structure invitent.",
    "aucun_role": "Choisissez au moins un rôle dans une structure.",
    "deja_membre": "Cette personne a déjà tous ces rôles.",
    "compte_desactive": (
        "Le compte de cette adresse est désactivé : demandez à un coordinateur de le réactiver."
    ),
    "invitation_en_attente": (
        "Une invitation attend déjà la réponse de cette adresse : renvoyez-la depuis la liste "
        "de l'équipe."
    ),
    "lien_invalide": "Ce lien d'invitation n'est pas valide.",
    "expiree": "Ce lien d'invitation a expiré.",
    "deja_acceptee": "Cette invitation a déjà été acceptée.",
    "annulee": "Cette invitation a été annulée.",
    "compte_existant": (
        "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation."
    ),
    "autre_compte": "Cette invitation est adressée à un autre compte.",
    "structure_fermee": "Les structures de cette invitation sont fermées.",
    "gestion_non_autorisee": (
        "Seuls la personne qui a invité, un coordinateur ou le référent de la structure "
        "renvoient ou révoquent cette invitation."
    ),
    "plus_en_attente": "Cette invitation n'attend plus de réponse.",
}


def _refus(code, field=None, message=None):
    message = message or MESSAGES[code]
    if field:
        return ValidationError({field: ValidationError(message, code=code)})
    return ValidationError(message, code=code)


# What an actor may grant ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Droits:
    """What an actor may give: roles per structure id, and whether the référent flag."""

    roles: dict  # structure id -> frozenset of roles
    referent: bool = False

    @property
    def structure_ids(self):
        return frozenset(self.roles)

    def allows(self, structure_id, role, referent=False):
        if referent and not self.referent:
            return False
        return role in self.roles.get(structure_id, ())

    def __bool__(self):
        return bool(self.roles)


def grantable(acteur):
    """Droits of `acteur` (empty when they may not invite)."""
    if not getattr(acteur, "is_authenticated", False) or not acteur.is_active:
        return Droits(roles={})
    if perms.is_coordinateur(acteur):
        tous = frozenset(Role.values)
        ids = Structure.objects.filter(active=True).values_list("pk", flat=True)
        return Droits(roles=dict.fromkeys(ids, tous), referent=True)
    referent_ids = perms.referent_structure_ids(acteur)
    roles = {}
    for sid, role in perms.roles_of(acteur):
        if sid in referent_ids:
            roles.setdefault(sid, {Role.VOLONTAIRE.value}).add(role)
    return Droits(roles={sid: frozenset(r) for sid, r in roles.items()})


def grantable_structures(acteur):
    """The active structures `acteur` may invite into (for the form's choices)."""
    return Structure.objects.filter(active=True, pk__in=grantable(acteur).structure_ids)


# The link ------------------------------------------------------------------------------------


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret(invitation):
    """(token for the link, its secret hash): a fresh secret for this invitation."""
    secret = secrets_module.token_urlsafe(32)
    token = signing.dumps({"i": invitation.pk, "s": secret}, salt=SALT)
    return token, _hash(secret)


def link_for(token):
    return absolute_url(reverse("invitations:accepter", kwargs={"token": token}))


@dataclasses.dataclass(frozen=True)
class Lien:
    invitation: Invitation | None = None
    code: str = ""  # why the link opens nothing (never match a message)

    @property
    def message(self):
        return MESSAGES.get(self.code, "")


def _check_token(token):
    """(pk, secret) of a well-signed token, or None."""
    try:
        data = signing.loads(token, salt=SALT)
        pk, secret = int(data["i"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return pk, secret


def _status_code(invitation, now):
    statut = invitation.statut(now)
    return {"acceptee": "deja_acceptee", "annulee": "annulee", "expiree": "expiree"}.get(statut, "")


def invitation_for_token(token, now=None, *, lock=False):
    """Lien(invitation) when the token opens a pending invitation, else Lien(code=…):
    lien_invalide, expiree, deja_acceptee, annulee."""
    now = now or timezone.now()
    parsed = _check_token(token)
    if parsed is None:
        return Lien(code="lien_invalide")
    pk, secret = parsed
    qs = Invitation.objects.select_related("invite_par", "compte")
    if lock:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(pk=pk).first()
    if invitation is None or not constant_time_compare(_hash(secret), invitation.secret_hash):
        return Lien(code="lien_invalide")
    code = _status_code(invitation, now)
    return Lien(invitation=None if code else invitation, code=code)


def account_for(invitation):
    """The existing account the invitation goes to, or None (a new account is made)."""
    if invitation.compte_id:
        return invitation.compte
    return User.objects.filter(email__iexact=invitation.email).first()


# Inviting ------------------------------------------------------------------------------------


def _clean_roles(droits, roles):
    lignes = {}
    for structure, role, referent in roles:
        if structure is None or not role:
            continue
        if not structure.active or not droits.allows(structure.pk, role, referent):
            raise _refus(
                "role_non_autorise",
                message=(
                    f"Vous ne pouvez pas donner le rôle « {dict(Role.choices).get(role, role)} »"
                    f"{' avec la mention référent' if referent else ''} "
                    f"dans la structure « {structure.nom} »."
                ),
            )
        cle = (structure.pk, role)
        lignes[cle] = (structure, role, bool(referent) or lignes.get(cle, (0, 0, False))[2])
    if not lignes:
        raise _refus("aucun_role")
    return list(lignes.values())


def _inviteur_structure(invitation):
    """The inviter's structure to name in the e-mail: one of the invitation's if they are a
    member there, else their first one."""
    structures = {r.structure_id for r in invitation.roles.all()}
    memberships = list(
        invitation.invite_par.memberships.actives().select_related("structure").order_by("pk")
    )
    for m in memberships:
        if m.structure_id in structures:
            return m.structure.nom
    return memberships[0].structure.nom if memberships else ""


def _send(invitation, token, request=None):
    compte = invitation.compte_id is not None
    roles = list(invitation.roles.select_related("structure"))
    message = send_email(
        to=invitation.email,
        template="invitation_compte_existant" if compte else "invitation",
        context={
            "prenom": invitation.prenom,
            "inviteur": invitation.invite_par.get_full_name() or invitation.invite_par.email,
            "inviteur_structure": _inviteur_structure(invitation),
            "roles": [
                {
                    "role": r.get_role_display(),
                    "structure": r.structure.nom,
                    "referent": r.referent,
                }
                for r in roles
            ],
            "lien": link_for(token),
            "validite": (
                f"{date_et_annee_en_mots(invitation.expire_le)} "
                f"à {heure_en_mots(invitation.expire_le)}"
            ),
        },
        kind=KIND,
        about=invitation,
        secrets=(token,),
        useless_after=invitation.expire_le,
        request=request,
    )
    return message


def _create_open_invitation(acteur, email, prenom, nom, now, compte):
    return Invitation.objects.create(
        email=email,
        prenom=(prenom or "").strip()[:150],
        nom=(nom or "").strip()[:150],
        invite_par=acteur,
        cree_le=now,
        envoyee_le=now,
        envois=1,
        expire_le=now + datetime.timedelta(days=settings.INCLUSION_INVITATION_JOURS),
        secret_hash="",
        compte=compte,
    )


def _details_roles(lignes):
    return [[s.pk, role, referent] for s, role, referent in lignes]


@transaction.atomic
def invite(*, acteur, email, prenom="", nom="", roles, request=None):
    """Create an invitation giving `roles` (a list of (structure, role, referent)) and send
    its e-mail. Refusals (ValidationError codes): non_autorise, role_non_autorise, aucun_role,
    deja_membre, compte_desactive, invitation_en_attente."""
    now = timezone.now()
    droits = grantable(acteur)
    if not droits:
        raise _refus("non_autorise")
    lignes = _clean_roles(droits, roles)
    email = normalize_email(email)
    compte = User.objects.filter(email__iexact=email).first()
    if compte is not None:
        if not compte.is_active:
            raise _refus("compte_desactive", "email")
        tenus = set(
            Membership.objects.actives().filter(user=compte).values_list("structure_id", "role")
        )
        lignes = [ligne for ligne in lignes if (ligne[0].pk, ligne[1]) not in tenus]
        if not lignes:
            raise _refus("deja_membre", "email")
    # One pending invitation per address: the earlier one is re-sent instead.
    if Invitation.objects.en_attente(now).filter(email=email).exists():
        raise _refus("invitation_en_attente", "email")
    Invitation.objects.filter(
        email=email, acceptee_le__isnull=True, annulee_le__isnull=True, expire_le__lte=now
    ).update(annulee_le=now, motif_annulation=MotifAnnulation.REMPLACEE)
    try:
        with transaction.atomic():
            invitation = _create_open_invitation(acteur, email, prenom, nom, now, compte)
    except IntegrityError:
        # Another invitation to this address was created at the same moment.
        raise _refus("invitation_en_attente", "email") from None
    token, invitation.secret_hash = _new_secret(invitation)
    invitation.save(update_fields=["secret_hash"])
    InvitationRole.objects.bulk_create(
        InvitationRole(invitation=invitation, structure=s, role=role, referent=referent)
        for s, role, referent in lignes
    )
    message = _send(invitation, token, request=request)
    write_journal(
        acteur=acteur,
        action="invitation.creation",
        objet=invitation,
        structure=lignes[0][0],
        details={
            "roles": _details_roles(lignes),
            "compte_existant": compte is not None,
            "email": message.pk,
        },
    )
    logger.info("invitation %s sent by user %s", invitation.pk, acteur.pk)
    return invitation


# Managing pending invitations ----------------------------------------------------------------


def can_manage_invitation(acteur, invitation):
    """The inviter, a coordinator, or a référent of every structure of the invitation
    (reads invitation.roles: prefetch it in lists)."""
    if not perms.can_invite(acteur):
        return False
    if perms.is_coordinateur(acteur) or invitation.invite_par_id == acteur.pk:
        return True
    ids = perms.referent_structure_ids(acteur)
    structures = {r.structure_id for r in invitation.roles.all()}
    return bool(structures) and structures <= ids


def _locked_open(invitation, acteur):
    if not can_manage_invitation(acteur, invitation):
        raise _refus("gestion_non_autorisee")
    invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
    if invitation.acceptee_le or invitation.annulee_le:
        raise _refus("plus_en_attente")
    return invitation


@transaction.atomic
def resend(*, acteur, invitation, request=None):
    """A new secret (the earlier link stops working), a new expiry, the e-mail again."""
    invitation = _locked_open(invitation, acteur)
    # The address may have got an account since: the e-mail then says to sign in.
    invitation.compte = account_for(invitation)
    if invitation.compte is not None and not invitation.compte.is_active:
        raise _refus("compte_desactive")
    now = timezone.now()
    token, invitation.secret_hash = _new_secret(invitation)
    invitation.envoyee_le = now
    invitation.expire_le = now + datetime.timedelta(days=settings.INCLUSION_INVITATION_JOURS)
    invitation.envois += 1
    invitation.save(update_fields=["secret_hash", "envoyee_le", "expire_le", "envois", "compte"])
    message = _send(invitation, token, request=request)
    write_journal(
        acteur=acteur,
        action="invitation.renvoi",
        objet=invitation,
        details={"envois": invitation.envois, "email": message.pk},
    )
    return invitation


@transaction.atomic
def revoke(*, acteur, invitation):
    invitation = _locked_open(invitation, acteur)
    invitation.annulee_le = timezone.now()
    invitation.annulee_par = acteur
    invitation.motif_annulation = MotifAnnulation.REVOQUEE
    invitation.save(update_fields=["annulee_le", "annulee_par", "motif_annulation"])
    write_journal(
        acteur=acteur,
        action="invitation.revocation",
        objet=invitation,
        details={"motif": MotifAnnulation.REVOQUEE.value},
    )
    return invitation


@transaction.atomic
def cancel_pending_invitations(*, acteur, user, now=None):
    """Cancel the invitations `user` sent and those addressed to them (account or address)
    that were neither accepted nor cancelled (expired ones too: they could be re-sent).
    Called by the account's deactivation; returns how many."""
    now = now or timezone.now()
    qs = Invitation.objects.select_for_update().filter(
        Q(invite_par=user) | Q(compte=user) | Q(email=normalize_email(user.email)),
        acceptee_le__isnull=True,
        annulee_le__isnull=True,
    )
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0
    Invitation.objects.filter(pk__in=ids).update(
        annulee_le=now,
        annulee_par=acteur if getattr(acteur, "is_authenticated", False) else None,
        motif_annulation=MotifAnnulation.COMPTE_DESACTIVE,
    )
    for invitation in Invitation.objects.filter(pk__in=ids):
        write_journal(
            acteur=acteur,
            action="invitation.annulation",
            objet=invitation,
            details={"motif": MotifAnnulation.COMPTE_DESACTIVE.value, "utilisateur": user.pk},
        )
    return len(ids)


def pending_for(acteur, now=None, *, structure_id=None, expirees=False):
    """Pending invitations the actor sees (a coordinator all, a référent those with a role in
    their structures), inviter and roles prefetched; with `expirees`, also those expired
    unanswered (they may be re-sent)."""
    now = now or timezone.now()
    if expirees:
        qs = Invitation.objects.filter(acceptee_le__isnull=True, annulee_le__isnull=True)
    else:
        qs = Invitation.objects.en_attente(now)
    if not perms.is_coordinateur(acteur):
        qs = qs.filter(roles__structure_id__in=perms.referent_structure_ids(acteur))
    if structure_id is not None:
        qs = qs.filter(roles__structure_id=structure_id)
    return (
        qs.distinct()
        .select_related("invite_par")
        .prefetch_related(
            Prefetch("roles", queryset=InvitationRole.objects.select_related("structure"))
        )
        .order_by("-envoyee_le", "-pk")
    )


# Accepting -----------------------------------------------------------------------------------


def _open_locked(token, now):
    lien = invitation_for_token(token, now, lock=True)
    if lien.code:
        raise _refus(lien.code)
    return lien.invitation


def _add_memberships(invitation, user):
    roles = [r for r in invitation.roles.select_related("structure") if r.structure.active]
    if not roles:
        raise _refus("structure_fermee")
    for r in roles:
        territoire.add_membership(
            acteur=None, user=user, structure=r.structure, role=r.role, referent=r.referent
        )
    return roles


def _accepted(invitation, user, now, roles, nouveau):
    invitation.acceptee_le = now
    invitation.compte = user
    invitation.save(update_fields=["acceptee_le", "compte"])
    write_journal(
        acteur=user,
        action="invitation.acceptee",
        objet=invitation,
        structure=roles[0].structure,
        details={
            "utilisateur": user.pk,
            "nouveau_compte": nouveau,
            "roles": [[r.structure_id, r.role, r.referent] for r in roles],
        },
    )


def accept_new_account(*, token, prenom, nom, password, now=None):
    """Create the invited account (the project's password validators) with its memberships.
    Single use: the invitation row is locked, so two acceptances at once give one account.
    Refusals: the link's codes, compte_existant, structure_fermee, or the password's
    (on "password")."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _open_locked(token, now)
        if account_for(invitation) is not None:
            raise _refus("compte_existant")
        candidat = User(email=invitation.email, first_name=prenom, last_name=nom)
        try:
            password_validation.validate_password(password, candidat)
        except ValidationError as error:
            raise ValidationError({"password": error.error_list}) from None
        user = territoire.create_user(
            acteur=None, email=invitation.email, prenom=prenom, nom=nom, password=password
        )
        roles = _add_memberships(invitation, user)
        _accepted(invitation, user, now, roles, nouveau=True)
    logger.info("invitation %s accepted: new user %s", invitation.pk, user.pk)
    return user


def accept_existing_account(*, token, user, now=None):
    """The signed-in `user`, who must be the invited account, joins the structures."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _open_locked(token, now)
        compte = account_for(invitation)
        if compte is None or compte.pk != user.pk or not user.is_active:
            raise _refus("autre_compte")
        roles = _add_memberships(invitation, user)
        _accepted(invitation, user, now, roles, nouveau=False)
    logger.info("invitation %s accepted by user %s", invitation.pk, user.pk)
    return user
