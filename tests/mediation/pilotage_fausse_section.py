"""A fake dashboard section for the page's tests (issue 17): registered as a module and put in
mediation.pilotage.tableau_de_bord.MODULES by `use_fake_section(monkeypatch)`. It records the
filters and scope it was asked for, and counts its rows with one query (like a real section)."""

import sys
import types
from decimal import Decimal

from mediation.pilotage import tableau_de_bord
from mediation.pilotage.sections import Chiffre, Ligne, Section, Tableau

NAME = "tests.mediation._pilotage_fausse_section"


def build_section(filtres, portee, lignes=3):
    rows = tuple(
        Ligne(libelle=f"Quartier {i}", valeurs=(i * 10, i), mise_en_avant=(i == 1))
        for i in range(1, lignes + 1)
    )
    return Section(
        cle="essai",
        titre="Section d'essai",
        chiffres=(
            Chiffre("Pass délivrés", 112, precedent=100),
            Chiffre("Montant payé", Decimal("1234.50"), precedent=Decimal("1000"), unite="€"),
            Chiffre("Taux de présence", 0.5, precedent=0.45, unite="%"),
            Chiffre("Non applicable", None),
        ),
        tableaux=(
            Tableau(
                cle="essai_quartiers",
                titre="Personnes par quartier",
                phrase="Le quartier 3 compte le plus de personnes.",
                colonnes=("Quartier", "Personnes", "Nouvelles"),
                lignes=rows,
                graphique="barres",
            ),
            Tableau(
                cle="essai_presence",
                titre="Présence par atelier",
                phrase="Les présents l'emportent.",
                colonnes=("Atelier", "Présents", "Absents"),
                lignes=rows,
                graphique="barres_empilees",
            ),
            Tableau(
                cle="essai_mois",
                titre="Pass par mois",
                phrase="Un mois après l'autre.",
                colonnes=("Mois", "Pass"),
                lignes=tuple(Ligne(f"mois {i}", (i,)) for i in range(1, 13)),
                graphique="courbe",
            ),
            Tableau(
                cle="essai_vide",
                titre="Rien encore",
                phrase="",
                colonnes=("A", "B"),
                lignes=(),
            ),
        ),
        note="Une section pour les tests.",
    )


def use_fake_section(monkeypatch, lignes=3, query=None):
    """Replace the sections by the fake one; returns the list of (filtres, portee) asked."""
    calls = []

    def section(filtres, portee):
        calls.append((filtres, portee))
        if query is not None:
            query()
        return build_section(filtres, portee, lignes=lignes)

    module = types.ModuleType(NAME)
    module.section = section
    monkeypatch.setitem(sys.modules, NAME, module)
    monkeypatch.setattr(tableau_de_bord, "MODULES", (NAME, "mediation.pilotage.section_absente"))
    return calls
