"""Permission predicates. Each states its business rule; views call them, never re-implement.

A coordinateur works for the territory and sees all of it. The others see the data of the
structures they belong to. A volontaire works at a kiosk only and never opens a file.
"""

from django.db import router

from inclusion.enums import Role
from inclusion.queries import RequeteCompilee

ROLES_DOSSIERS = {Role.PRESCRIPTEUR, Role.MEDIATEUR, Role.COORDINATEUR}


def _load_memberships(user):
    """Read the user's active memberships once a request (the list's permission, the menu
    and the second factor all ask): roles and référent structures from one query."""
    _keep_roles(user, user.memberships.actives().values_list("structure_id", "role", "referent"))


def _keep_roles(user, rows):
    rows = list(rows)
    user._inclusion_roles = frozenset((sid, role) for sid, role, _ in rows)
    user._inclusion_referent = frozenset(sid for sid, _, referent in rows if referent)


def _user_columns():
    from inclusion.models import User

    return [f.attname for f in User._meta.concrete_fields if not f.primary_key]


def _user_and_roles(user_id):
    """The user's columns and, per active membership, its structure, role and référent
    flag: one row per membership (actives(): the rule stays in the model's queryset)."""
    from inclusion.models import Membership

    return (
        Membership.objects.actives()
        .filter(user_id=user_id)
        .values_list(
            "user_id", *(f"user__{c}" for c in _user_columns()), "structure_id", "role", "referent"
        )
    )


_USER_AND_ROLES = RequeteCompilee(_user_and_roles)


def user_with_roles(user_id):
    """The user of `user_id` with its roles already read (roles_of asks no more), from one
    query written once a process; a user without any active membership costs a second
    query. None if no such user."""
    from inclusion.models import User

    using = router.db_for_read(User)
    rows = _USER_AND_ROLES.rows((user_id,), using)
    if rows:
        # The user's columns first (the primary key, then the others), the role's last.
        user = User.from_db(using, ["id", *_user_columns()], rows[0][:-3])
        roles = [row[-3:] for row in rows]
    else:
        user = User._default_manager.db_manager(using).filter(pk=user_id).first()
        if user is None:
            return None
        roles = []
    _keep_roles(user, roles)
    return user


def roles_of(user):
    """(structure_id, role) pairs of the user's active memberships, cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if getattr(user, "_inclusion_roles", None) is None:
        _load_memberships(user)
    return user._inclusion_roles


def forget_roles(user):
    user.__dict__.pop("_inclusion_roles", None)
    user.__dict__.pop("_inclusion_referent", None)


def referent_structure_ids(user):
    """Structures where the user is the référent (an active membership flagged so)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if getattr(user, "_inclusion_referent", None) is None:
        _load_memberships(user)
    return user._inclusion_referent


def has_role(user, *roles):
    return any(role in roles for _, role in roles_of(user))


def is_coordinateur(user):
    """A coordinateur (or a superuser) sees the whole territory."""
    return getattr(user, "is_superuser", False) or has_role(user, Role.COORDINATEUR)


def structure_ids_for(user, roles=None):
    """Structures whose data the user may see; None means all of them."""
    if is_coordinateur(user):
        return None
    return {sid for sid, role in roles_of(user) if roles is None or role in roles}


def beneficiaire_structure_ids_for(user):
    """Structures whose beneficiaries the user may see: not through a volontaire role."""
    return structure_ids_for(user, roles=ROLES_DOSSIERS)


def can_access_pro(user):
    """The espace pro is for prescripteurs, médiateurs and coordinateurs."""
    return is_coordinateur(user) or has_role(user, Role.PRESCRIPTEUR, Role.MEDIATEUR)


def can_list_beneficiaires(user):
    """Beneficiary files are for prescripteurs, médiateurs and coordinateurs, never volontaires."""
    return can_access_pro(user)


def can_create_beneficiaire(user, structure=None):
    """A prescripteur or médiateur registers people for their own structure."""
    ids = beneficiaire_structure_ids_for(user)
    if ids is None:
        return True
    return bool(ids) if structure is None else structure.pk in ids


def can_view_beneficiaire(user, beneficiaire):
    """Members (not volontaires) of the registering structure, and coordinators."""
    ids = beneficiaire_structure_ids_for(user)
    return ids is None or beneficiaire.structure_id in ids


def can_edit_beneficiaire(user, beneficiaire):
    """Same people as those who may view the file; nobody once it is anonymised (writing a
    name back would undo the anonymisation)."""
    if getattr(beneficiaire, "anonymise_le", None) is not None:
        return False
    return can_view_beneficiaire(user, beneficiaire)


def can_admin_territoire(user):
    """Coordinators manage communes, structures, lieux and memberships in the Wagtail admin."""
    return is_coordinateur(user)


def can_qualify_lieu(user, lieu=None):
    """Only a coordinator qualifies a place for the pass numérique, or withdraws it."""
    return is_coordinateur(user)


def structures_for_creation(user):
    """Structures a user may register a person for."""
    from inclusion.models import Structure

    ids = beneficiaire_structure_ids_for(user)
    qs = Structure.objects.filter(active=True)
    return qs if ids is None else qs.filter(pk__in=ids)


def can_invite(user):
    """Coordinators invite into any structure; a structure's référent into theirs only (what
    each may grant is decided by services/invitations.py)."""
    return is_coordinateur(user) or bool(referent_structure_ids(user))


def can_manage_accounts(user):
    """Coordinators deactivate accounts and reset a second factor."""
    return is_coordinateur(user)


def can_manage_account(acteur, user):
    """…of someone else, and a superuser's only when one is a superuser."""
    if not can_manage_accounts(acteur) or acteur.pk == user.pk:
        return False
    return acteur.is_superuser or not user.is_superuser
