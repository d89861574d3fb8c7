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
    return _anime(user, session)


def _anime(user, session):
    """Whether the user animates the session; reads prefetched animateurs when the view has
    them (no extra query), else asks the database."""
    prefetched = getattr(session, "_prefetched_objects_cache", {}).get("animateurs")
    if prefetched is not None:
        return any(a.pk == user.pk for a in prefetched)
    return session.animateurs.filter(pk=user.pk).exists()


def is_mediateur(user):
    """A médiateur of some structure, or a coordinator: their "Mes sessions" starts with
    their lieux (a prescripteur's with the whole territory)."""
    return socle.is_coordinateur(user) or socle.has_role(user, Role.MEDIATEUR)


def can_register_people(user):
    """Prescripteurs and médiateurs register the people they follow, in any session of the
    territory (a prescripteur orients people to other structures' workshops)."""
    return socle.is_coordinateur(user) or socle.has_role(user, Role.PRESCRIPTEUR, Role.MEDIATEUR)


def can_see_all_names(user, session):
    """Who sees the name of everyone registered to a session: the session's place (the
    prescripteurs and médiateurs of the lieu's structure, never its volontaires), the
    session's animateurs, and coordinators. Everybody else sees, for the other people, counts
    only (registered, waiting, present): no name, no initial."""
    if socle.is_coordinateur(user):
        return True
    if session.lieu.structure_id in socle.beneficiaire_structure_ids_for(user):
        return True
    return _anime(user, session)


def can_see_name(user, session, beneficiaire):
    """A person's name on a session's lists: for those who see every name there
    (can_see_all_names), and for the person's own structure, which follows them (the same
    rule as their file: inclusion.perms.can_view_beneficiaire)."""
    return can_see_all_names(user, session) or socle.can_view_beneficiaire(user, beneficiaire)


def inscriptions_nommees(user, session, inscriptions):
    """can_see_name as a QuerySet scope: those of `inscriptions` (a session's registrations)
    whose person the user may see by name. One query, whatever the number of rows."""
    if can_see_all_names(user, session):
        return inscriptions
    ids = socle.beneficiaire_structure_ids_for(user)
    return inscriptions.filter(beneficiaire__structure_id__in=ids)
