"""A file's erasure at the person's request (issue 18): a confirmation page that says what
goes, what stays and what a legal duty still keeps; the POST anonymises at once."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from inclusion.services import anonymisation
from inclusion.views.dossier import file_allowed


class EffacementForm(forms.Form):
    demande = forms.BooleanField(
        label="La personne m'a demandé d'effacer ses données",
        help_text="L'effacement est définitif : cochez seulement si la personne l'a demandé.",
        error_messages={"required": "Cochez cette case pour confirmer la demande de la personne."},
    )


def _beneficiaire(request, uuid):
    return file_allowed(
        request,
        uuid,
        anonymisation.can_erase_beneficiaire,
        "Seuls les prescripteurs de la structure et les coordinateurs effacent les données "
        "d'une personne.",
    )


@require_http_methods(["GET", "POST"])
def confirm_erasure(request, uuid):
    beneficiaire = _beneficiaire(request, uuid)
    now = timezone.now()
    form = EffacementForm(request.POST if request.method == "POST" else None)
    status = 200
    if beneficiaire.anonymise_le is None and request.method == "POST":
        if form.is_valid():
            try:
                anonymisation.erase_file(acteur=request.user, beneficiaire=beneficiaire, now=now)
            except ValidationError:
                status = 409  # a legal duty holds: the page below lists it
            else:
                messages.success(
                    request,
                    "Les données de la personne sont effacées. Son dossier reste, anonyme, "
                    "pour les statistiques.",
                )
                return redirect("pro:beneficiaire_detail", uuid=beneficiaire.uuid)
        else:
            status = 400
    obligations = (
        anonymisation.obligations(beneficiaire, now) if beneficiaire.anonymise_le is None else []
    )
    return render(
        request,
        "inclusion/effacement/confirmer.html",
        {
            "b": beneficiaire,
            "form": form,
            "obligations": obligations,
            "refuse": status == 409,
        },
        status=status,
    )
