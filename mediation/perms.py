"""Who may use the kiosk, and where. Business rules in the docstrings."""

from inclusion import perms as socle
from inclusion.enums import Role

# Volontaires staff the kiosk; médiateurs of the same structure may use it too (to try it,
# or to replace a volunteer).
ROLES_KIOSQUE = (Role.VOLONTAIRE, Role.MEDIATEUR)


def structure_ids_kiosque(user):
    """Structures whose kiosks the user may use: active volontaire or médiateur memberships."""
    return {sid for sid, role in socle.roles_of(user) if role in ROLES_KIOSQUE}


def can_use_kiosque(user):
    """A volontaire or a médiateur of at least one active structure."""
    return bool(structure_ids_kiosque(user))


def lieux_kiosque(user):
    """Active lieux of the structures where the user may use the kiosk."""
    from inclusion.models import Lieu

    ids = structure_ids_kiosque(user)
    if not ids:
        return Lieu.objects.none()
    return Lieu.objects.filter(actif=True, structure_id__in=ids, structure__active=True)


def can_use_borne(user, borne):
    """A registered device serves only the members (volontaire, médiateur) of its structure."""
    return borne.structure_id in structure_ids_kiosque(user)


def can_manage_bornes(user):
    """Coordinators register devices and set the volunteers' PINs."""
    return socle.is_coordinateur(user)


# --- Activity records (CRA) ------------------------------------------------------------------

ROLES_ACTIVITES = (Role.MEDIATEUR, Role.COORDINATEUR)


def structure_ids_activites(user):
    """Structures whose records the user sees besides their own: those where they are an
    active médiateur; None means all of them (coordinators). Prescripteurs and volontaires
    see no record."""
    if socle.is_coordinateur(user):
        return None
    return {sid for sid, role in socle.roles_of(user) if role == Role.MEDIATEUR}


def structure_ids_auteur(user):
    """Structures a record of the user may belong to: their active médiateur or coordinateur
    memberships."""
    return {sid for sid, role in socle.roles_of(user) if role in ROLES_ACTIVITES}


def can_record_activite(user):
    """Médiateurs record their accompaniments and workshops; coordinators may too."""
    return socle.is_coordinateur(user) or socle.has_role(user, Role.MEDIATEUR)


def can_view_activite(user, activite):
    """A live record is seen by its author, the médiateurs of its structure, and
    coordinators (the same scope as Activite.objects.visible_to)."""
    if activite.supprime_le is not None or not getattr(user, "is_authenticated", False):
        return False
    if activite.mediateur_id == user.pk:
        return True
    ids = structure_ids_activites(user)
    return ids is None or activite.structure_id in ids


def can_edit_activite(user, activite):
    """Only its author edits or deletes a record, and not once deleted."""
    return (
        getattr(user, "is_authenticated", False)
        and activite.supprime_le is None
        and activite.mediateur_id == user.pk
    )


def can_see_notes(user, activite):
    """Notes are private to the record's author: not their structure, not coordinators."""
    return getattr(user, "is_authenticated", False) and activite.mediateur_id == user.pk


# --- Orientations ----------------------------------------------------------------------------


def can_orient(user, beneficiaire):
    """Whoever follows the person's file (prescripteur, médiateur, coordinateur) orients them."""
    return socle.can_list_beneficiaires(user) and socle.can_view_beneficiaire(user, beneficiaire)


def can_follow_orientation(user, orientation):
    """The sending side: members (not volontaires) of the structure that sent it, and
    coordinators. They cancel it and send reminders by hand."""
    ids = socle.beneficiaire_structure_ids_for(user)
    return ids is None or orientation.structure_id in ids


def structure_ids_reception(user):
    """Structures whose places' received orientations the user handles: active médiateur
    memberships."""
    return {sid for sid, role in socle.roles_of(user) if role == Role.MEDIATEUR}


def can_decide_orientation(user, destinataire):
    """Only the médiateurs of the receiving place's structure open, accept or refuse it in the
    espace pro (without an account: the signed link sent to the place's address)."""
    return destinataire.lieu.structure_id in structure_ids_reception(user)


def can_view_orientation(user, orientation):
    """Either side, and coordinators (who see every orientation but decide none)."""
    if socle.is_coordinateur(user) or can_follow_orientation(user, orientation):
        return True
    ids = structure_ids_reception(user)
    return bool(ids) and orientation.destinataires.filter(lieu__structure_id__in=ids).exists()
