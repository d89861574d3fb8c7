"""Who may do what with the pass numérique. Business rules in the docstrings."""

from inclusion import perms as socle
from inclusion.enums import Role


def structure_ids_pass(user):
    """Structures whose envelopes and carnets the user sees; None means all (coordinators)."""
    return socle.structure_ids_for(user, roles={Role.PRESCRIPTEUR, Role.MEDIATEUR})


def can_issue_carnet(user, enveloppe):
    """A prescripteur of the envelope's structure issues carnets from it."""
    return (enveloppe.structure_id, Role.PRESCRIPTEUR) in socle.roles_of(user)


def can_manage_carnet(user, carnet):
    """Hand over, block, replace or cancel: prescripteurs of the issuing structure, and
    coordinators."""
    return socle.is_coordinateur(user) or (
        carnet.structure_id,
        Role.PRESCRIPTEUR,
    ) in socle.roles_of(user)


def lieux_for_redemption(user):
    """Lieux where the user may redeem: qualified lieux of structures where they are médiateur."""
    from inclusion.models import Lieu

    ids = {sid for sid, role in socle.roles_of(user) if role == Role.MEDIATEUR}
    return Lieu.objects.filter(structure_id__in=ids, actif=True, qualifie_pass=True)


def can_redeem(user, lieu):
    """A médiateur of the lieu's structure, at a lieu qualified for the pass numérique."""
    return (
        lieu.qualifie_pass
        and lieu.actif
        and (lieu.structure_id, Role.MEDIATEUR) in socle.roles_of(user)
    )


def can_check_code(user):
    """Anyone signed in may check a code (kiosk volunteers included); checks are rate-limited."""
    return bool(socle.roles_of(user)) or socle.is_coordinateur(user)


def can_manage_programmes(user):
    """Programmes, envelopes, dashboards, expiry and reimbursement: coordinators."""
    return socle.is_coordinateur(user)
