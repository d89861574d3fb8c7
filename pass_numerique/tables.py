from django.urls import reverse
from django.utils.html import format_html

from inclusion.tables import Colonne, Tableau, en_date
from pass_numerique.models import Carnet


def _numero():
    # One reverse() for the page: only the primary key changes from row to row.
    prefixe, suffixe = reverse("pass:carnet_detail", args=[987654321]).split("987654321")
    return lambda c: format_html(
        '<a href="{}{}{}">{}<span class="visually-hidden"> : voir le carnet</span></a>',
        prefixe,
        c.pk,
        suffixe,
        c.numero,
    )


class CarnetTable(Tableau):
    vide = "Aucun carnet ne correspond à votre recherche."
    legende = "Carnets délivrés"

    def __init__(self, queryset, request, **kwargs):
        self.colonnes = [
            Colonne("numero", "Carnet", _numero(), tri=("emis_le", "pk")),
            Colonne(
                "personne",
                "Personne",
                lambda c: c.beneficiaire and c.beneficiaire.prenom,
                tri=["beneficiaire__prenom"],
                defaut="Carnet anonyme",
            ),
            Colonne("programme", "Programme", lambda c: c.programme.nom, tri=["programme__nom"]),
            Colonne("statut", "État", Carnet.get_statut_display, tri=["statut"]),
            Colonne("restants", "Chèques restants", lambda c: f"{c.restants} sur {c.nb_cheques}"),
            Colonne("emis_le", "Délivré le", lambda c: en_date(c.emis_le), tri=["emis_le"]),
            Colonne("structure", "Structure", lambda c: c.structure.nom, tri=["structure__nom"]),
        ]
        super().__init__(queryset, request, **kwargs)
