"""What the dashboard's page needs, computed once for its three doors: the espace pro's page,
its PDF, and the public share link (public: aggregates only, through the "< 5" rule)."""

from urllib.parse import urlencode

from django.utils import timezone

from mediation.pilotage import presentation, secret, tableau_de_bord
from mediation.pilotage.exports import NATURE
from mediation.pilotage.scope import filtres_in_scope


def page_context(params, portee, today=None):
    filtres, form = filtres_in_scope(params, portee, today=today)
    sections = tableau_de_bord.sections(filtres, portee)
    if portee.publique:
        sections = secret.publish(sections)
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
        "aujourdhui": today or timezone.localdate(),
    }
