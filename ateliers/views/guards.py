"""What the espace pro views of the ateliers check first: who may come in, and which session
or registration a user may open (404 for the others: their existence stays hidden)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ateliers import perms
from ateliers.models import Inscription, Session
from inclusion.models import Beneficiaire

NOT_ALLOWED = "Les ateliers sont réservés aux médiateurs, prescripteurs et coordinateurs."


def require(allowed, message=NOT_ALLOWED):
    if not allowed:
        raise PermissionDenied(message)


def require_ateliers(user):
    require(perms.can_register_people(user))


def get_session(request, pk):
    """A session the user may see; 404 otherwise (another structure's past sessions)."""
    require_ateliers(request.user)
    return get_object_or_404(Session.objects.visible_to(request.user).for_display(), pk=pk)


def get_managed_session(request, pk):
    """A session the user manages (its lieu's médiateurs, its animateurs); 404 otherwise."""
    require_ateliers(request.user)
    session = get_object_or_404(
        Session.objects.for_display().select_related("lieu__structure"), pk=pk
    )
    if not perms.can_manage_session(request.user, session):
        raise Http404("Session introuvable.")
    return session


def get_inscription(request, pk):
    """A registration of a person the user follows, or of a session the user manages."""
    require_ateliers(request.user)
    inscription = get_object_or_404(
        Inscription.objects.select_related(
            "beneficiaire", "session__theme", "session__lieu__commune", "session__lieu__structure"
        ),
        pk=pk,
    )
    if not (
        perms.can_manage_session(request.user, inscription.session)
        or Beneficiaire.objects.for_user(request.user)
        .filter(pk=inscription.beneficiaire_id)
        .exists()
    ):
        raise Http404("Inscription introuvable.")
    return inscription
