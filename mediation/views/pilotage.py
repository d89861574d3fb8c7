"""The dashboards (/pro/pilotage/): one page of sections (mediation.pilotage.tableau_de_bord)
with the filters in the URL, and the same content as a PDF. Prescripteurs, médiateurs and
coordinators, each within their scope (mediation.pilotage.filtres.portee_for); anyone else
403. Thin: parse → permission → service → render.

A filter with too many choices is a search field (mediation.forms_pilotage): the text typed
without the script comes here, is turned into its id and the page redirected to the usual
URL (?structure=<id>); a text matching none or several is said next to its field. Its script
asks `search_choices` for the matches."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from inclusion import perms as socle
from inclusion import registry
from mediation.forms_pilotage import LISTES, MAX_RESULTATS, MIN_CARACTERES, has_typed, resolve_typed
from mediation.pilotage import pdf
from mediation.pilotage.filtres import portee_for
from mediation.pilotage.page import page_context

RESERVE = "Le pilotage est réservé aux prescripteurs, aux médiateurs et aux coordinateurs."


def _portee(request):
    if not socle.can_access_pro(request.user):
        raise PermissionDenied(RESERVE)
    return portee_for(request.user)


def _context(request, portee, resolution=None):
    params = resolution.params if resolution else request.GET
    context = page_context(params, portee)
    if resolution:
        context["form"].show_typed(resolution)
    return context


def dashboard(request):
    portee = _portee(request)
    resolution = resolve_typed(request.GET, portee) if has_typed(request.GET) else None
    if resolution and resolution.complete:
        query = urlencode({k: v for k, v in resolution.params.items() if v})
        return redirect(f"{request.path}?{query}")
    return render(
        request, "mediation/pilotage/tableau_de_bord.html", _context(request, portee, resolution)
    )


def dashboard_pdf(request):
    portee = _portee(request)
    resolution = resolve_typed(request.GET, portee) if has_typed(request.GET) else None
    context = _context(request, portee, resolution)
    context["habillage"] = registry.habillage(request)
    context["imprime_le"] = timezone.localtime()
    response = HttpResponse(pdf.render_pdf(context, request), content_type="application/pdf")
    nom = f"pilotage_{context['filtres'].du:%Y-%m-%d}_{context['filtres'].au:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{nom}"'
    return response


@require_safe
def search_choices(request):
    """The choices of one filter (`champ`) in the viewer's scope whose name holds the words
    of `q` (accents and case ignored): {"resultats": [{"id", "label"}], "autres": bool}, at
    most 20, none under 2 letters. Names of places, structures, programmes and the
    territory's geography only: nothing about people. One query."""
    portee = _portee(request)
    liste = LISTES.get(request.GET.get("champ", ""))
    if liste is None:
        raise Http404("Ce filtre n'existe pas.")
    texte = request.GET.get("q", "").strip()
    found = []
    if len(texte) >= MIN_CARACTERES:
        found = liste.matching(portee, texte, limit=MAX_RESULTATS + 1)
    response = JsonResponse(
        {
            "resultats": [{"id": int(pk), "label": label} for pk, label in found[:MAX_RESULTATS]],
            "autres": len(found) > MAX_RESULTATS,
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response
