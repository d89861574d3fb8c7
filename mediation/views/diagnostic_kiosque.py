"""The diagnostic at the kiosk, with a volunteer: one question a screen, the result shown and
printable, never stored on a file (the volunteer never opens one). The answers travel in the
screens' forms only: "Recommencer" and the inactivity timer, which go back to the kiosk's
home, leave nothing behind. The journal notes that a diagnostic was done, never its answers."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mediation.services import diagnostics as services
from mediation.views import diagnostic_etapes as etapes
from mediation.views.common import contexte, kiosque_requis, log_action

TEMPLATES = "mediation/diagnostic/kiosque/"


@never_cache
@require_http_methods(["GET", "POST"])
@kiosque_requis
def diagnostic(request):
    if request.method != "POST":
        return render(
            request,
            TEMPLATES + "accueil.html",
            contexte(request, nb_questions=etapes.DERNIERE, cachees=[]),
        )
    etat = etapes.read_state(request.POST)
    if not etat.termine:
        return render(
            request, TEMPLATES + "question.html", contexte(request, **etapes.contexte(etat))
        )
    resultat = etat.resultat()
    sessions = services.sessions_pour(resultat, proche_de=request.kiosque.lieu)
    log_action(request, "diagnostic", niveau=resultat.niveau, sessions=len(sessions))
    return render(
        request,
        TEMPLATES + "resultat.html",
        contexte(request, **etapes.contexte(etat), sessions=sessions),
    )
