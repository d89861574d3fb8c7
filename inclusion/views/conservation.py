"""Inactive files soon anonymised (/pro/conservation/): the list of the user's files within
the notice, and "garder encore" with a reason. Thin: parse → permission → service → render;
every write goes through inclusion.services.conservation_dossiers, which journalises it.
Issue 18."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from inclusion.enums import MotifConservation
from inclusion.forms import apply_service_errors
from inclusion.mots_du_temps import date_et_annee_en_mots
from inclusion.services import conservation_dossiers as services
from inclusion.views.dossier import file_allowed

TEMPLATES = "inclusion/conservation"
PAGE_SIZE = 50
REFUS = "Les dossiers des personnes sont réservés aux prescripteurs, médiateurs et coordinateurs."


class GarderForm(forms.Form):
    motif = forms.ChoiceField(
        label="Pourquoi garder ce dossier",
        choices=[("", "Choisir un motif")] + list(MotifConservation.choices),
        error_messages={
            "required": "Choisissez pourquoi garder ce dossier.",
            "invalid_choice": "Choisissez un motif de la liste.",
        },
    )


def _require_notice(user):
    if not services.can_see_notice(user):
        raise PermissionDenied(REFUS)


@require_safe
def bientot(request):
    _require_notice(request.user)
    now = timezone.now()
    page = Paginator(services.files_soon_anonymised(request.user, now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = services.with_dates(page.object_list)
    return render(
        request,
        f"{TEMPLATES}/bientot.html",
        {
            "page_obj": page,
            "rows": rows,
            "motifs": MotifConservation.choices,
            "duree": services.duree_garder_encore().days,
            "preavis": services.conservation.preavis().days,
            "plusieurs_structures": len({b.structure_id for b in rows}) > 1,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def keep(request, uuid):
    """GET: the form alone (no JavaScript needed, and a page of its own for a link from the
    file); POST: keep the file, then back to the list (or to the file, `suite=dossier`)."""
    _require_notice(request.user)
    beneficiaire = file_allowed(
        request, uuid, services.can_keep_file, "Vous ne pouvez pas garder ce dossier."
    )
    suite = "dossier" if request.POST.get("suite", request.GET.get("suite")) == "dossier" else ""
    form = GarderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            jusquau = services.keep_file(
                acteur=request.user, beneficiaire=beneficiaire, motif=form.cleaned_data["motif"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Le dossier de {beneficiaire.nom_affiche} est gardé jusqu'au "
                f"{date_et_annee_en_mots(jusquau)}.",
            )
            if suite == "dossier":
                return redirect("pro:beneficiaire_detail", uuid=beneficiaire.uuid)
            return redirect("conservation:bientot")
    date = services.conservation.date_anonymisation(
        beneficiaire.derniere_activite, beneficiaire.conserver_jusquau
    )
    return render(
        request,
        f"{TEMPLATES}/garder.html",
        {
            "b": beneficiaire,
            "form": form,
            "date_anonymisation": date,
            "duree": services.duree_garder_encore().days,
            "suite": suite,
        },
        status=422 if form.errors else 200,
    )
