"""Helpers shared by the espace pro views of the ateliers."""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ateliers import perms
from ateliers.enums import StatutInscription
from ateliers.models import Inscription, Session
from inclusion.enums import Role
from inclusion.models import Beneficiaire, Journal
from inclusion.queries import count_of

NOT_ALLOWED = "Les ateliers sont réservés aux médiateurs, prescripteurs et coordinateurs."


def require(allowed, message=NOT_ALLOWED):
    if not allowed:
        raise PermissionDenied(message)


def require_ateliers(user):
    require(perms.can_register_people(user))


def is_mediateur(user):
    from inclusion import perms as socle

    return socle.is_coordinateur(user) or socle.has_role(user, Role.MEDIATEUR)


def attente():
    """The waiting-list size of a session, as an annotation (a subquery)."""
    return count_of(
        Inscription.objects.filter(session=OuterRef("pk"), statut=StatutInscription.EN_ATTENTE),
        "session",
    )


def for_display(queryset):
    """What a session card needs, in the same query: theme, place, waiting-list size.
    The waiting list is counted in a subquery, not with a join and GROUP BY: Django drops the
    model's ordering (by start time) from GROUP BY queries, so "the next 5" would be any 5."""
    return queryset.select_related("theme", "lieu__commune", "lieu__quartier").annotate(
        nb_attente=attente()
    )


def sessions_visibles(user, now=None):
    """The sessions of the user's lieux (all of them), and every planned upcoming session of
    the territory (to register people there)."""
    return Session.objects.for_user(user) | Session.objects.a_venir(now or timezone.now())


def get_session(request, pk):
    """A session the user may see; 404 otherwise (another structure's past sessions)."""
    require_ateliers(request.user)
    return get_object_or_404(for_display(sessions_visibles(request.user)), pk=pk)


def get_managed_session(request, pk):
    """A session the user manages (its lieu's médiateurs, its animateurs); 404 otherwise."""
    require_ateliers(request.user)
    session = get_object_or_404(
        for_display(Session.objects.all()).select_related("lieu__structure"), pk=pk
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


def apply_service_errors(form, error, renames=None):
    """Put a service's ValidationError on the form, next to the field it names."""
    renames = renames or {}
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            target = renames.get(field, field)
            for e in errs:
                form.add_error(target if target in form.fields else None, e)
    else:
        form.add_error(None, error)


def emargement_url(session):
    """The attendance page (another part of the project); None until it is mounted."""
    try:
        return reverse("emargement:session", args=[session.pk])
    except NoReverseMatch:
        return None


def sms_outcome(inscription):
    """(sent, French sentence) about the text sent for this registration."""
    label = f"{inscription._meta.label_lower}#{inscription.pk}"
    sent = Journal.objects.filter(
        action="sms.envoi", objet_type="inclusion.beneficiaire", details__objet=label
    ).exists()
    if sent:
        return True, "Un SMS de confirmation a été envoyé à la personne."
    b = inscription.beneficiaire
    if not b.telephone:
        why = "la personne n'a pas de téléphone"
    elif not b.peut_recevoir_sms and b.consentement_sms:
        why = "son numéro n'est pas un mobile"
    elif not b.consentement_sms:
        why = "la personne n'a pas accepté les SMS"
    else:
        why = "l'envoi n'a pas abouti"
    return False, f"Pas de SMS envoyé : {why}. Prévenez la personne vous-même."


def en_attente_position(inscriptions):
    """Waiting registrations, in order, with their position (1 = first in line)."""
    waiting = sorted(
        (i for i in inscriptions if i.statut == StatutInscription.EN_ATTENTE),
        key=lambda i: i.rang_attente,
    )
    for n, inscription in enumerate(waiting, start=1):
        inscription.position = n
    return waiting
