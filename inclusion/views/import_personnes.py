"""Import of people: upload → preview (nothing written) → confirmation (one transaction)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from inclusion import perms
from inclusion.forms_import import ConfirmationForm, DepotForm
from inclusion.services import import_personnes as service

# The model file offered for download: the simple CSV's columns and one example row.
MODELE = (
    "prénom;nom;téléphone;e-mail;année de naissance;genre;tranche d'âge;statut;"
    "code INSEE;commune;code postal;notes\r\n"
    "Marie;Durand;06 12 34 56 78;;1956;féminin;;retraité;;;;\r\n"
)


def _structures(user):
    if not perms.can_create_beneficiaire(user):
        raise PermissionDenied(
            "Seuls les prescripteurs, médiateurs et coordinateurs importent des personnes."
        )
    return perms.structures_for_creation(user).order_by("nom")


def upload(request):
    """The file and the structure; a valid file gives the preview, one line per row."""
    structures = _structures(request.user)
    form = DepotForm(request.POST or None, request.FILES or None, structures=structures)
    if request.method == "POST" and form.is_valid():
        resultat = service.analyse(user=request.user, lignes=form.lu.lignes)
        return render(
            request,
            "inclusion/import/apercu.html",
            {
                "structure": form.cleaned_data["structure"],
                "nom_fichier": form.cleaned_data["fichier"].name,
                "format": form.lu.format,
                "lignes": resultat,
                "comptes": service.count(resultat),
                "confirmation": ConfirmationForm(
                    initial={"jeton": form.jeton(request.user)},
                    user=request.user,
                    structures=structures,
                ),
            },
        )
    return render(
        request,
        "inclusion/import/depot.html",
        {"form": form, "max_lignes": service.MAX_LIGNES},
        status=422 if form.errors else 200,
    )


@require_POST
def confirm(request):
    """Write what the preview showed, checked again; the journal keeps the counts."""
    structures = _structures(request.user)
    form = ConfirmationForm(request.POST, user=request.user, structures=structures)
    if not form.is_valid():
        for erreur in form.errors.get("jeton", []):
            messages.error(request, erreur)
        return redirect("import_personnes:depot")
    resultat, comptes = service.import_rows(
        acteur=request.user, structure=form.structure, lignes=form.lignes, format_=form.format
    )
    return render(
        request,
        "inclusion/import/resultat.html",
        {"structure": form.structure, "lignes": resultat, "comptes": comptes},
    )


def download_template(request):
    _structures(request.user)
    response = HttpResponse(
        "\ufeff" + MODELE, content_type="text/csv; charset=utf-8"
    )  # BOM: Excel then reads the accents right
    response["Content-Disposition"] = 'attachment; filename="modele-import-personnes.csv"'
    return response
