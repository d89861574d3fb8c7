"""The dashboards (/pro/pilotage/): one page of sections (mediation.pilotage.tableau_de_bord)
with the filters in the URL, and the same content as a PDF. Prescripteurs, médiateurs and
coordinators, each within their scope (mediation.pilotage.filtres.portee_for); anyone else
403. Thin: parse → permission → service → render."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inclusion import perms as socle
from inclusion import registry
from mediation.pilotage import pdf, presentation, tableau_de_bord
from mediation.pilotage.exports import NATURE
from mediation.pilotage.filtres import portee_for
from mediation.pilotage.scope import filtres_in_scope

RESERVE = "Le pilotage est réservé aux prescripteurs, aux médiateurs et aux coordinateurs."


def _context(request):
    user = request.user
    if not socle.can_access_pro(user):
        raise PermissionDenied(RESERVE)
    portee = portee_for(user)
    filtres, form = filtres_in_scope(request.GET, portee)
    sections = tableau_de_bord.sections(filtres, portee)
    return {
        "form": form,
        "filtres": filtres,
        "query": filtres.query(),
        "query_string": urlencode(filtres.query()),
        "periode": presentation.periode(filtres),
        "periode_precedente": presentation.periode(filtres.precedente()),
        "portee_phrase": presentation.portee_phrase(portee, form.structures),
        "filtres_choisis": form.chosen_labels(),
        "sections": presentation.present(sections),
        "nature_export": NATURE,
    }


def dashboard(request):
    return render(request, "mediation/pilotage/tableau_de_bord.html", _context(request))


def dashboard_pdf(request):
    context = _context(request)
    context["habillage"] = registry.habillage(request)
    context["imprime_le"] = timezone.localtime()
    response = HttpResponse(pdf.render_pdf(context, request), content_type="application/pdf")
    nom = f"pilotage_{context['filtres'].du:%Y-%m-%d}_{context['filtres'].au:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{nom}"'
    return response
