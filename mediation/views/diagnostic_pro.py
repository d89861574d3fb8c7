"""Diagnostics in a person's file (espace pro). Thin views: parse → check → service → render.

Another structure's file or diagnostic answers 404. Every page showing a file's diagnostics
is a read of that file: it leaves a journal line (record_beneficiaire_read)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from ateliers.perms import can_register_people
from inclusion import perms as socle
from inclusion.forms import apply_service_errors
from inclusion.models import Beneficiaire
from inclusion.services.beneficiaires import record_beneficiaire_read
from mediation.forms_diagnostic import QuestionnaireForm, ResultatExterneForm
from mediation.models import Diagnostic
from mediation.services import activites
from mediation.services import diagnostics as services

TEMPLATES = "mediation/diagnostic/pro/"
RESERVE = "Les diagnostics sont réservés aux prescripteurs, médiateurs et coordinateurs."


def _personne(request, uuid):
    if not socle.can_list_beneficiaires(request.user):
        raise PermissionDenied(RESERVE)
    beneficiaire = get_object_or_404(
        Beneficiaire.objects.for_user(request.user).select_related("structure", "commune"),
        uuid=uuid,
    )
    if not services.can_diagnose(request.user, beneficiaire):
        raise Http404("Dossier inconnu.")
    return beneficiaire


def _sessions(user, beneficiaire, resultat):
    """Suggested sessions near the person, each with the link that registers them."""
    if resultat is None:
        return []
    sessions = services.sessions_pour(
        resultat, commune_id=beneficiaire.commune_id, quartier_id=beneficiaire.quartier_id
    )
    if not can_register_people(user):
        return [(s, "") for s in sessions]
    return [
        (
            s,
            reverse("ateliers:inscrire_confirmer", args=[s.pk, beneficiaire.uuid])
            + "?depuis=dossier",
        )
        for s in sessions
    ]


@require_safe
def historique(request, uuid):
    beneficiaire = _personne(request, uuid)
    record_beneficiaire_read(acteur=request.user, beneficiaire=beneficiaire)
    diagnostics = [
        (d, services.resultat_de(d))
        for d in services.historique(acteur=request.user, beneficiaire=beneficiaire)
    ]
    return render(
        request,
        TEMPLATES + "historique.html",
        {"b": beneficiaire, "diagnostics": diagnostics},
    )


@require_http_methods(["GET", "POST"])
def diagnostic_create(request, uuid):
    user = request.user
    beneficiaire = _personne(request, uuid)
    compte = services.counts_as_activite(user)
    lieux = list(activites.lieux_du_mediateur(user)) if compte else []
    form = QuestionnaireForm(request.POST or None, lieux=lieux, activite=compte)
    if request.method == "POST" and form.is_valid():
        try:
            diag = services.record_diagnostic(
                acteur=user, beneficiaire=beneficiaire, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                "Le diagnostic est enregistré"
                + (" et compté dans vos activités." if diag.activite_id else "."),
            )
            return redirect("diagnostics:detail", uuid=diag.uuid)
    else:
        record_beneficiaire_read(acteur=user, beneficiaire=beneficiaire)
    return render(
        request,
        TEMPLATES + "nouveau.html",
        {"b": beneficiaire, "form": form, "compte": compte},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def externe_create(request, uuid):
    user = request.user
    beneficiaire = _personne(request, uuid)
    form = ResultatExterneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.record_resultat_externe(
                acteur=user,
                beneficiaire=beneficiaire,
                outil=data["outil"],
                date=data["date"],
                resultat=data["resultat_externe"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Le résultat est enregistré dans le dossier.")
            return redirect("diagnostics:historique", uuid=beneficiaire.uuid)
    return render(
        request,
        TEMPLATES + "externe.html",
        {"b": beneficiaire, "form": form},
        status=422 if form.errors else 200,
    )


@require_safe
def diagnostic_detail(request, uuid):
    if not socle.can_list_beneficiaires(request.user):
        raise PermissionDenied(RESERVE)
    diag = get_object_or_404(
        Diagnostic.objects.filter(
            beneficiaire__in=Beneficiaire.objects.for_user(request.user)
        ).select_related("beneficiaire__commune", "auteur", "structure", "activite"),
        uuid=uuid,
    )
    beneficiaire = diag.beneficiaire
    if not services.can_diagnose(request.user, beneficiaire):
        raise Http404("Diagnostic inconnu.")
    record_beneficiaire_read(acteur=request.user, beneficiaire=beneficiaire)
    resultat = services.resultat_de(diag)
    return render(
        request,
        TEMPLATES + "detail.html",
        {
            "b": beneficiaire,
            "diag": diag,
            "resultat": resultat,
            "sessions": _sessions(request.user, beneficiaire, resultat),
        },
    )
