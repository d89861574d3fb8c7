"""Who may do what with workshops. Business rules in the docstrings."""

from inclusion import perms as socle
from inclusion.enums import Role


def structure_ids_ateliers(user):
    """Structures whose sessions the user manages or follows; None means all (coordinators)."""
    return socle.structure_ids_for(user, roles={Role.MEDIATEUR, Role.PRESCRIPTEUR})


def can_create_session_at(user, lieu):
    """A médiateur of the lieu's structure schedules sessions there."""
    return lieu.actif and (lieu.structure_id, Role.MEDIATEUR) in socle.roles_of(user)


def can_manage_session(user, session):
    """Edit, cancel, overbook, take attendance: médiateurs of the lieu's structure, the
    session's animateurs, and coordinators."""
    if socle.is_coordinateur(user):
        return True
    if (session.lieu.structure_id, Role.MEDIATEUR) in socle.roles_of(user):
        return True
    return session.animateurs.filter(pk=user.pk).exists()


def can_register_people(user):
    """Prescripteurs and médiateurs register the people they follow, in any session of the
    territory (a prescripteur orients people to other structures' workshops)."""
    return socle.is_coordinateur(user) or socle.has_role(user, Role.PRESCRIPTEUR, Role.MEDIATEUR)
