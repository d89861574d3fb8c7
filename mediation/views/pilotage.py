"""The dashboards (/pro/pilotage/): one page of sections (mediation.pilotage.tableau_de_bord)
with the filters in the URL, and the same content as a PDF. Prescripteurs, médiateurs and
coordinators, each within their scope (mediation.pilotage.filtres.portee_for); anyone else
403. Thin: parse → permission → service → render."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inclusion import perms as socle
from inclusion import registry
from mediation.pilotage import pdf
from mediation.pilotage.filtres import portee_for
from mediation.pilotage.page import page_context

RESERVE = "Le pilotage est réservé aux prescripteurs, aux médiateurs et aux coordinateurs."


def _context(request):
    if not socle.can_access_pro(request.user):
        raise PermissionDenied(RESERVE)
    return page_context(request.GET, portee_for(request.user))


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
