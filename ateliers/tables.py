import html

from django.urls import reverse
from django.utils.safestring import mark_safe

from ateliers.enums import StatutSession
from ateliers.templatetags.ateliers_mots import places_en_mots, quand_en_mots
from inclusion.tables import Colonne, Tableau, libelles


def _debut():
    # One reverse() for the page: only the primary key changes from row to row.
    prefixe, suffixe = reverse("ateliers:session_detail", args=[987654321]).split("987654321")
    prefixe, suffixe = html.escape(prefixe), html.escape(suffixe)
    return lambda s: mark_safe(
        f'<a href="{prefixe}{s.pk}{suffixe}">{html.escape(quand_en_mots(s).capitalize())}</a>'
    )


class SessionTable(Tableau):
    """Rows are plain tuples (`SessionQuerySet.for_table`), not Session instances: what the
    cells show, read with one query and no model machinery per row."""

    vide = "Aucune session ne correspond à votre recherche."
    legende = "Sessions"

    def __init__(self, queryset, request, **kwargs):
        statut = libelles(StatutSession.choices)
        self.colonnes = [
            Colonne("debut", "Date", _debut(), tri=("debut",)),
            Colonne("theme", "Atelier", lambda s: s.theme__titre, tri=["theme__titre"]),
            Colonne(
                "lieu",
                "Lieu",
                lambda s: f"{s.lieu__nom} ({s.lieu__commune__nom})",
                tri=["lieu__nom"],
            ),
            Colonne("places", "Places", places_en_mots),
            Colonne("statut", "Statut", lambda s: statut(s.statut), tri=["statut"]),
        ]
        super().__init__(queryset, request, **kwargs)
