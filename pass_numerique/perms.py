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
    """Lieux where the user may redeem: qualified, active lieux of structures where they are
    an active médiateur. One query, which also proves the permission (see can_redeem)."""
    from django.db.models import Value

    from inclusion.models import Lieu

    if not getattr(user, "is_authenticated", False):
        return Lieu.objects.none()
    return Lieu.objects.filter(
        actif=True,
        qualifie_pass=True,
        structure__active=True,
        structure__memberships__user=user,
        structure__memberships__role=Role.MEDIATEUR,
        structure__memberships__active=True,
    ).annotate(redeemable_by=Value(user.pk))


def can_redeem(user, lieu):
    """A médiateur of the lieu's structure, at a lieu qualified for the pass numérique."""
    if getattr(lieu, "redeemable_by", None) == user.pk:
        return True  # loaded through lieux_for_redemption(user): the query checked it all
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


def can_list_carnets(user):
    """Prescripteurs and médiateurs see their structures' carnets; coordinators all of them."""
    ids = structure_ids_pass(user)
    return ids is None or bool(ids)


def can_verify(user):
    """The espace pro page "Vérifier un chèque": médiateurs, prescripteurs, coordinators."""
    return socle.is_coordinateur(user) or socle.has_role(user, Role.MEDIATEUR, Role.PRESCRIPTEUR)


def can_issue_for(user, beneficiaire):
    """Show "Délivrer le pass" on a file: a prescripteur with an envelope of an active
    programme in one of their structures (the file is already visible to them)."""
    from pass_numerique.enums import StatutProgramme
    from pass_numerique.models import Enveloppe

    ids = {sid for sid, role in socle.roles_of(user) if role == Role.PRESCRIPTEUR}
    return (
        bool(ids)
        and Enveloppe.objects.filter(
            structure_id__in=ids, programme__statut=StatutProgramme.ACTIF
        ).exists()
    )
