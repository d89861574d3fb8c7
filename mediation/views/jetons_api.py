"""The coordinators' screen of the funders' API tokens (/pro/jetons-api/): the list, a new
token shown once, revoking after a confirmation. Coordinators only (403 for the others).
Every write goes through mediation.services.jetons_api, which journalises it. Thin:
parse → permission → service → render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from inclusion.forms import apply_service_errors
from mediation.forms_jetons import JetonForm
from mediation.models_api import JetonApi
from mediation.services import jetons_api as services

TEMPLATES = "mediation/jetons"
REFUS = "Les jetons d'API sont gérés par les coordinateurs."


def _require_manage(user):
    if not services.can_manage_jetons(user):
        raise PermissionDenied(REFUS)


def _render_liste(request, form, status=200):
    jetons = JetonApi.objects.select_related("cree_par")
    return render(
        request, f"{TEMPLATES}/liste.html", {"jetons": jetons, "form": form}, status=status
    )


@require_safe
def liste(request):
    _require_manage(request.user)
    return _render_liste(request, JetonForm())


@require_POST
@never_cache
def create(request):
    """The clear token is in this response only: not in a URL, a message or the session,
    and the response is not stored (Cache-Control: no-store)."""
    _require_manage(request.user)
    form = JetonForm(request.POST)
    if form.is_valid():
        try:
            jeton, clear = services.create_jeton(acteur=request.user, nom=form.cleaned_data["nom"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return render(
                request,
                f"{TEMPLATES}/cree.html",
                {
                    "jeton": jeton,
                    "clear": clear,
                    "api_url": request.build_absolute_uri(reverse("api:activites")),
                },
            )
    return _render_liste(request, form, status=422)


@require_http_methods(["GET", "HEAD", "POST"])
def revoke(request, pk):
    """GET: the confirmation page; POST: revoke (once; a second time says so)."""
    _require_manage(request.user)
    jeton = get_object_or_404(JetonApi.objects.select_related("cree_par"), pk=pk)
    if request.method != "POST":
        return render(request, f"{TEMPLATES}/revoquer.html", {"jeton": jeton})
    if services.revoke_jeton(acteur=request.user, jeton=jeton):
        messages.success(
            request,
            f"Le jeton « {jeton.nom} » ({jeton.prefixe}…) est révoqué : "
            "l'outil qui l'utilise n'a plus accès à l'API.",
        )
    else:
        messages.error(request, f"Le jeton « {jeton.nom} » ({jeton.prefixe}…) était déjà révoqué.")
    return redirect("jetons:liste")
