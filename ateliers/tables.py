from django.urls import reverse
from django.utils.html import format_html

from ateliers.models import Session
from ateliers.templatetags.ateliers_mots import places_en_mots, quand_en_mots
from inclusion.tables import Colonne, Tableau


def _debut():
    # One reverse() for the page: only the primary key changes from row to row.
    prefixe, suffixe = reverse("ateliers:session_detail", args=[987654321]).split("987654321")
    return lambda s: format_html(
        '<a href="{}{}{}">{}</a>', prefixe, s.pk, suffixe, quand_en_mots(s).capitalize()
    )


class SessionTable(Tableau):
    vide = "Aucune session ne correspond à votre recherche."
    legende = "Sessions"

    def __init__(self, queryset, request, **kwargs):
        self.colonnes = [
            Colonne("debut", "Date", _debut(), tri=("debut",)),
            Colonne("theme", "Atelier", lambda s: s.theme.titre, tri=["theme__titre"]),
            Colonne(
                "lieu",
                "Lieu",
                lambda s: f"{s.lieu.nom} ({s.lieu.commune.nom})",
                tri=["lieu__nom"],
            ),
            Colonne("places", "Places", places_en_mots),
            Colonne("statut", "Statut", Session.get_statut_display, tri=["statut"]),
        ]
        super().__init__(queryset, request, **kwargs)
