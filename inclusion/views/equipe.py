"""The "Équipe" page: members of the structures one may invite into, pending invitations,
inviting, re-sending and revoking. Thin: parse → check permission → service → render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inclusion import perms
from inclusion.forms import apply_service_errors
from inclusion.forms_invitations import EquipeFiltreForm, InvitationForm, lignes_formset
from inclusion.models import Invitation, Membership, Structure, User
from inclusion.services import double_facteur
from inclusion.services import invitations as services

TEMPLATES = "inclusion/equipe"
PAGE_SIZE = 50
REFUS = "La page Équipe est réservée aux coordinateurs et aux référents d'une structure."


def _require_invite(user):
    if not perms.can_invite(user):
        raise PermissionDenied(REFUS)


def _visible_structures(user):
    """Structures whose team the user sees: all for a coordinator, else where référent."""
    if perms.is_coordinateur(user):
        return Structure.objects.all()
    return Structure.objects.filter(pk__in=perms.referent_structure_ids(user))


def liste(request):
    user = request.user
    _require_invite(user)
    now = timezone.now()
    structures = _visible_structures(user).order_by("nom")
    filtre = EquipeFiltreForm(request.GET or None, structures=structures)
    choisie = filtre.cleaned_data.get("structure") if filtre.is_valid() else None
    scope = [choisie.pk] if choisie else None
    if scope is None and not perms.is_coordinateur(user):
        scope = list(perms.referent_structure_ids(user))
    memberships = Membership.objects.select_related("structure").order_by("structure__nom", "role")
    membres = User.objects.all()
    if scope is not None:
        memberships = memberships.filter(structure_id__in=scope)
        membres = membres.filter(memberships__structure_id__in=scope)
    else:
        membres = membres.filter(memberships__isnull=False)
    membres = (
        double_facteur.with_second_factor(membres.distinct())
        .order_by("last_name", "first_name", "email")
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="rattachements"))
    )
    page = Paginator(membres, PAGE_SIZE).get_page(request.GET.get("page"))
    for membre in page.object_list:
        membre.gerable = perms.can_manage_account(user, membre)
    invitations = list(
        services.pending_for(user, now, structure_id=choisie.pk if choisie else None, expirees=True)
    )
    for invitation in invitations:
        invitation.gerable = services.can_manage_invitation(user, invitation)
    return render(
        request,
        f"{TEMPLATES}/liste.html",
        {
            "filtre": filtre,
            "page": page,
            "query": f"structure={choisie.pk}" if choisie else "",
            "invitations": invitations,
            "is_coordinateur": perms.is_coordinateur(user),
            "now": now,
        },
    )


def invite(request):
    user = request.user
    _require_invite(user)
    droits = services.grantable(user)
    structures = Structure.objects.filter(pk__in=droits.structure_ids).order_by("nom")
    roles = set().union(*droits.roles.values()) if droits else set()
    form = InvitationForm(request.POST or None)
    lignes = lignes_formset(
        request.POST or None, structures=structures, roles=roles, referent=droits.referent
    )
    if request.method == "POST" and form.is_valid() and lignes.is_valid():
        try:
            invitation = services.invite(
                acteur=user,
                email=form.cleaned_data["email"],
                prenom=form.cleaned_data["prenom"],
                nom=form.cleaned_data["nom"],
                roles=[ligne for f in lignes for ligne in [f.ligne()] if ligne],
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"L'invitation est envoyée à {invitation.email}.")
            return redirect("equipe:liste")
    has_errors = bool(form.errors or lignes.total_error_count())
    return render(
        request,
        f"{TEMPLATES}/inviter.html",
        {"form": form, "lignes": lignes},
        status=422 if has_errors else 200,
    )


def _invitation(request, pk):
    """A pending invitation the actor sees (404 otherwise: others' stay hidden)."""
    _require_invite(request.user)
    return get_object_or_404(
        Invitation.objects.filter(
            pk__in=services.pending_for(request.user, expirees=True).values("pk")
        ).prefetch_related("roles"),
        pk=pk,
    )


@require_POST
def resend_invitation(request, pk):
    invitation = _invitation(request, pk)
    if not services.can_manage_invitation(request.user, invitation):
        raise PermissionDenied(services.MESSAGES["gestion_non_autorisee"])
    try:
        services.resend(acteur=request.user, invitation=invitation, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"L'invitation est renvoyée à {invitation.email}.")
    return redirect("equipe:liste")


@require_POST
def revoke_invitation(request, pk):
    invitation = _invitation(request, pk)
    if not services.can_manage_invitation(request.user, invitation):
        raise PermissionDenied(services.MESSAGES["gestion_non_autorisee"])
    if request.POST.get("confirmer") != "1":
        return render(request, f"{TEMPLATES}/revoquer.html", {"invitation": invitation})
    try:
        services.revoke(acteur=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"L'invitation de {invitation.email} est révoquée.")
    return redirect("equipe:liste")
