"""A coordinator deactivates a leaver's account, or reactivates it (/pro/equipe/comptes/).
Thin: check permission (perms.can_manage_account) → call inclusion.services.comptes →
render; 403 for anyone who may not manage that account."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from inclusion import perms
from inclusion.models import Invitation
from inclusion.services import comptes

TEMPLATES = "inclusion/gestion_comptes"
REFUS = "Seul un coordinateur gère les comptes de ses collègues (jamais le sien)."


def _compte(request, pk):
    if not perms.can_manage_accounts(request.user):  # before the lookup: no id probing
        raise PermissionDenied(REFUS)
    compte = get_object_or_404(get_user_model(), pk=pk)
    if not perms.can_manage_account(request.user, compte):
        raise PermissionDenied(REFUS)
    return compte


def _invitation_url():
    """Where a coordinator invites someone ("" if that page is not mounted)."""
    try:
        return reverse("equipe:inviter")
    except NoReverseMatch:
        return ""


def _invitations_a_annuler(compte):
    """The invitations deactivating `compte` cancels (services.invitations'
    cancel_pending_invitations): sent by it or to it, neither accepted nor cancelled."""
    return Invitation.objects.filter(
        Q(invite_par=compte) | Q(compte=compte) | Q(email=comptes.normalize_email(compte.email)),
        acceptee_le__isnull=True,
        annulee_le__isnull=True,
    )


@require_http_methods(["GET", "POST"])
def deactivate(request, pk):
    compte = _compte(request, pk)
    if not compte.is_active:
        return redirect("gestion_comptes:reactiver", pk=compte.pk)
    refus, status = "", 200
    if request.method == "POST":
        try:
            resultat = comptes.deactivate_account(acteur=request.user, user=compte)
        except ValidationError as error:
            refus, status = error.messages[0], 409
        else:
            messages.success(
                request,
                f"Le compte de {compte} est désactivé : ses connexions sont fermées, "
                f"{resultat.rattachements} rattachement(s) terminé(s), "
                f"{resultat.revoques} accès révoqué(s), "
                f"{resultat.invitations} invitation(s) annulée(s).",
            )
            return redirect("gestion_comptes:reactiver", pk=compte.pk)
    memberships = list(compte.memberships.filter(active=True).select_related("structure"))
    invitations = _invitations_a_annuler(compte).count()
    return render(
        request,
        f"{TEMPLATES}/desactiver.html",
        {
            "compte": compte,
            "memberships": memberships,
            "nb_invitations": invitations,
            "refus": refus,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def reactivate(request, pk):
    compte = _compte(request, pk)
    refus, status = "", 200
    if request.method == "POST":
        try:
            comptes.reactivate_account(acteur=request.user, user=compte)
        except ValidationError as error:
            refus, status = error.messages[0], 409
        else:
            messages.success(
                request,
                f"Le compte de {compte} est réactivé. Il n'a plus de rattachement : "
                "invitez-le de nouveau dans ses structures.",
            )
            return redirect("gestion_comptes:reactiver", pk=compte.pk)
    return render(
        request,
        f"{TEMPLATES}/reactiver.html",
        {"compte": compte, "refus": refus, "invitation_url": _invitation_url()},
        status=status,
    )
