"""The open-data resources the API lists: the catalogue of /opendata/ (helper module
mediation.opendata when present), each with its stable addresses."""

from django.urls import NoReverseMatch, reverse

LICENCE = "Licence Ouverte / Etalab 2.0"


def _url(request, name, *args):
    try:
        return request.build_absolute_uri(reverse(name, args=args))
    except NoReverseMatch:
        return None


def ressources(request):
    """A list of dicts shaped like RessourceSerializer."""
    catalogue = _url(request, "opendata:jeux")
    return [
        {
            "id": "catalogue",
            "titre": "Catalogue des données ouvertes",
            "description": "La liste des jeux de données publiés par le territoire.",
            "licence": LICENCE,
            "frequence": "à chaque modification",
            "page": catalogue,
            "formats": [{"format": "HTML", "type_media": "text/html", "url": catalogue}],
        }
    ]
