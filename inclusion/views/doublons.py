"""Likely duplicate files: the list, "two people", and the merge with its confirmation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from inclusion import perms
from inclusion.forms import apply_service_errors
from inclusion.forms_doublons import FusionForm
from inclusion.models import Beneficiaire
from inclusion.services import doublons, fusion
from inclusion.services.telephones import mask_phone

REFUS = "Les dossiers des personnes sont réservés aux prescripteurs, médiateurs et coordinateurs."


def _require_files(user):
    if not perms.can_list_beneficiaires(user):
        raise PermissionDenied(REFUS)


def comparison(a, b):
    """Rows (label, value of a, value of b, differ) shown side by side."""

    def annee(f):
        return f.annee_naissance or "Inconnue"

    def inscrit(f):
        return f"{f.structure.nom}, le {f.cree_le:%d/%m/%Y}"

    rows = [
        ("Prénom", lambda f: f.prenom),
        ("Nom", lambda f: f.nom or "Inconnu"),
        ("Année de naissance", annee),
        ("Téléphone", lambda f: mask_phone(f.telephone) or "Pas de téléphone"),
        ("Commune", lambda f: f.commune.nom if f.commune else "Inconnue"),
        ("Inscrit par", inscrit),
    ]
    return [(label, get(a), get(b), str(get(a)) != str(get(b))) for label, get in rows]


def duplicate_list(request):
    _require_files(request.user)
    pairs = doublons.find_likely_duplicates(user=request.user)
    return render(
        request,
        "inclusion/doublons/liste.html",
        {
            "doublons": [(d, comparison(d.a, d.b)) for d in pairs],
            "limite": doublons.MAX_PAIRS,
        },
    )


def _pair(request, uuid, autre):
    """Both files, the older first; another structure's file is 404."""
    _require_files(request.user)
    visible = Beneficiaire.objects.for_user(request.user).select_related("commune", "structure")
    a = get_object_or_404(visible, uuid=uuid)
    b = get_object_or_404(visible, uuid=autre)
    if a.pk == b.pk:
        raise Http404("Il s'agit du même dossier.")
    return doublons.ordered_pair(a, b)


def merge(request, uuid, autre):
    a, b = _pair(request, uuid, autre)
    held = fusion.what_each_holds([a, b])
    # The file that holds the most is offered as the one to keep; the older one on a tie.
    default = b if sum(n for n, _ in held[b.pk]) > sum(n for n, _ in held[a.pk]) else a
    data = request.POST if request.method == "POST" else None
    form = FusionForm(data, a=a, b=b, initial={"garder": str(default.uuid)})
    if request.method == "POST" and form.is_valid():
        kept, removed = form.kept_and_removed()
        try:
            kept, _ = fusion.merge_beneficiaires(acteur=request.user, garde=kept, supprime=removed)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, "Les deux dossiers n'en font plus qu'un. Voici le dossier gardé."
            )
            return redirect("pro:beneficiaire_detail", uuid=kept.uuid)
    return render(
        request,
        "inclusion/doublons/fusion.html",
        {
            "a": a,
            "b": b,
            "form": form,
            "lignes": comparison(a, b),
            "options": list(zip(form["garder"], (a, b), (held[a.pk], held[b.pk]), strict=True)),
        },
        status=422 if form.errors else 200,
    )


@require_POST
def mark_distinct(request, uuid, autre):
    a, b = _pair(request, uuid, autre)
    try:
        doublons.mark_distinct(acteur=request.user, a=a, b=b)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"C'est noté : {a.nom_affiche} et {b.nom_affiche} sont deux personnes différentes. "
            "Ces deux dossiers ne seront plus proposés.",
        )
    return redirect("doublons:liste")
