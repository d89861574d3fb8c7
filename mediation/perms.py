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
