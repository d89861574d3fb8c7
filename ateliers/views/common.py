"""Helpers shared by the espace pro views of the ateliers."""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ateliers import perms
from ateliers.enums import ACTIVE, StatutInscription
from ateliers.models import Inscription, Session
from inclusion import perms as socle
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


def listes_de_session(user, session, *, can_manage):
    """A session's registered people and waiting list as `user` may see them: by name only
    those of perms.can_see_name; the others are counted (registered, waiting, present).
    Waiting ranks count everyone. Two queries at most, whatever the number of people."""
    actives = session.inscriptions.filter(statut__in=ACTIVE)
    tous_les_noms = perms.can_see_all_names(user, session)
    inscriptions = list(
        perms.inscriptions_nommees(user, session, actives)
        .select_related("beneficiaire")
        .order_by("beneficiaire__prenom", "beneficiaire__nom")
    )
    if tous_les_noms:
        toutes = [(i.pk, i.statut, i.rang_attente) for i in inscriptions]
    else:
        toutes = list(actives.values_list("pk", "statut", "rang_attente"))
    rangs = sorted(
        (rang, pk) for pk, statut, rang in toutes if statut == StatutInscription.EN_ATTENTE
    )
    positions = {pk: n for n, (_, pk) in enumerate(rangs, start=1)}
    for i in inscriptions:
        i.position = positions.get(i.pk)
        i.peut_annuler = (
            can_manage or socle.can_view_beneficiaire(user, i.beneficiaire)
        ) and i.statut in (StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE)
    inscrits = [i for i in inscriptions if i.statut != StatutInscription.EN_ATTENTE]
    attente = sorted(
        (i for i in inscriptions if i.statut == StatutInscription.EN_ATTENTE),
        key=lambda i: i.position,
    )
    compte = {
        "inscrits": sum(1 for _, statut, _ in toutes if statut != StatutInscription.EN_ATTENTE),
        "attente": len(rangs),
        "presents": sum(1 for _, statut, _ in toutes if statut == StatutInscription.PRESENT),
    }
    compte["inscrits_caches"] = compte["inscrits"] - len(inscrits)
    compte["attente_caches"] = compte["attente"] - len(attente)
    return SimpleNamespace(
        tous_les_noms=tous_les_noms,
        inscriptions=inscriptions,
        inscrits=inscrits,
        attente=attente,
        compte=compte,
    )
