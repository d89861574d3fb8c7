from django.urls import reverse
from django.utils.safestring import mark_safe

from inclusion.tables import Colonne, Tableau, en_date, libelles
from pass_numerique.enums import StatutCarnet
from pass_numerique.models import Carnet


def _numero():
    # One reverse() for the page: only the primary key changes from row to row.
    prefixe, suffixe = reverse("pass:carnet_detail", args=[987654321]).split("987654321")
    # Carnet.numero's rule, read from the row (it needs only `emis_le` and `pk`): digits
    # and a hyphen, nothing to escape.
    numero = Carnet.numero.fget
    return lambda c: mark_safe(
        f'<a href="{prefixe}{c.pk}{suffixe}">{numero(c)}'
        '<span class="visually-hidden"> : voir le carnet</span></a>'
    )


class _Lignes:
    """The carnets for Tableau: sorted and counted as the queryset, each page read as plain
    rows of `champs` (values_list). values_list's joins would stay in the paginator's COUNT;
    here they are made for the page's rows only."""

    def __init__(self, queryset, champs):
        self.queryset = queryset
        self.champs = champs
        self.ordered = queryset.ordered

    def order_by(self, *ordre):
        return _Lignes(self.queryset.order_by(*ordre), self.champs)

    def count(self):
        return self.queryset.count()

    def __getitem__(self, tranche):
        return self.queryset.values_list(*self.champs, named=True)[tranche]


class CarnetTable(Tableau):
    """Reads each carnet as one plain row (values_list): only what its cells show, with no
    model instance (a carnet with its programme, person file and structure was four)."""

    vide = "Aucun carnet ne correspond à votre recherche."
    legende = "Carnets délivrés"
    # The values each column reads; a hidden column's are not read (nor joined).
    champs = {
        "numero": ("pk", "emis_le"),
        "personne": ("beneficiaire__prenom",),
        "programme": ("programme__nom",),
        "statut": ("statut",),
        "restants": ("restants", "nb_cheques"),
        "emis_le": ("emis_le",),
        "structure": ("structure__nom",),
    }

    def __init__(self, queryset, request, *, masquees=(), **kwargs):
        statut = libelles(StatutCarnet.choices)
        self.colonnes = [
            Colonne("numero", "Carnet", _numero(), tri=("emis_le", "pk")),
            Colonne(
                "personne",
                "Personne",
                lambda c: c.beneficiaire__prenom,
                tri=["beneficiaire__prenom"],
                defaut="Carnet anonyme",
            ),
            Colonne("programme", "Programme", lambda c: c.programme__nom, tri=["programme__nom"]),
            Colonne("statut", "État", lambda c: statut(c.statut), tri=["statut"]),
            Colonne("restants", "Chèques restants", lambda c: f"{c.restants} sur {c.nb_cheques}"),
            Colonne("emis_le", "Délivré le", lambda c: en_date(c.emis_le), tri=["emis_le"]),
            Colonne("structure", "Structure", lambda c: c.structure__nom, tri=["structure__nom"]),
        ]
        champs = dict.fromkeys(
            champ for nom, lus in self.champs.items() if nom not in masquees for champ in lus
        )
        super().__init__(_Lignes(queryset, champs), request, masquees=masquees, **kwargs)
