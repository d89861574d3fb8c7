"""What the dashboard's page needs, computed once for its three doors: the espace pro's page,
its PDF, and the public share link (public: aggregates only, through the "< 5" rule)."""

from urllib.parse import urlencode

from django.utils import timezone

from inclusion.filters import with_fast_selects
from mediation.pilotage import presentation, secret
from mediation.pilotage.exports import NATURE
from mediation.pilotage.scope import filtres_in_scope
from mediation.services import pilotage_instantanes


def page_context(params, portee, today=None):
    filtres, form = filtres_in_scope(params, portee, today=today)
    with_fast_selects(form)  # a national territory's selects hold 20,000 options
    figures = pilotage_instantanes.figures_for(filtres, portee)
    sections = list(figures.sections or ())
    if portee.publique:
        sections = secret.publish(sections)
    return {
        # Computed by the worker (national size): when, and whether newer ones are coming.
        "calcule_le": figures.calcule_le,
        "calcul_en_cours": figures.en_cours,
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
        "aujourdhui": today or timezone.localdate(),
    }
