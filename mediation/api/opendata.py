"""The open-data resources the API lists: the catalogue of /opendata/
(mediation.opendata.catalogue), each dataset with the stable addresses of its files."""

from django.urls import reverse

from mediation.opendata import catalogue


def ressources(request):
    """A list of dicts shaped like RessourceSerializer (the datasets' last updates are
    computed from their rows: one query or so each, whatever their size)."""
    page = request.build_absolute_uri(reverse("opendata:jeux"))
    result = []
    for jeu in catalogue.JEUX:
        modifie = jeu.derniere_maj()
        result.append(
            {
                "id": jeu.slug,
                "titre": jeu.titre,
                "description": " ".join((jeu.resume, *jeu.details)),
                "licence": catalogue.LICENCE,
                "licence_url": catalogue.LICENCE_URL,
                "frequence": jeu.frequence,
                "derniere_maj": modifie,
                "schema": jeu.schema,
                "page": page,
                "formats": [
                    {
                        "format": fmt.libelle,
                        "type_media": fmt.media_type,
                        "url": request.build_absolute_uri(reverse(fmt.url_name)),
                    }
                    for fmt in jeu.formats
                ],
            }
        )
    return result
