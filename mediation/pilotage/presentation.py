"""What the dashboard's template shows of the sections: the figures written in French with
their change from the previous period, each table's chart (SVG), cells and export key. Used
by the page and by its PDF (the same content)."""

from dataclasses import dataclass, replace
from decimal import Decimal

from inclusion.enums import Role
from inclusion.mots_du_temps import date_et_annee_en_mots
from mediation.pilotage import affichage, graphiques

LIGNES_PAGE = 30


@dataclass(frozen=True)
class ChiffreVu:
    libelle: str
    valeur: str
    evolution: str
    aide: str


@dataclass(frozen=True)
class LigneVue:
    libelle: str
    cellules: tuple
    mise_en_avant: bool


@dataclass(frozen=True)
class TableauVu:
    cle: str
    ident: str
    titre: str
    phrase: str
    colonnes: tuple
    entetes: tuple  # (header, its column holds numbers)
    lignes: tuple
    svg: str
    instantane: bool = False
    total: int = 0  # rows of the whole table, when the page shows only its largest


@dataclass(frozen=True)
class SectionVue:
    cle: str
    titre: str
    note: str
    chiffres: tuple
    tableaux: tuple


def _chiffre(c):
    return ChiffreVu(
        libelle=c.libelle,
        valeur=affichage.valeur(c.valeur, c.unite),
        evolution=affichage.evolution(c.valeur, c.precedent, c.unite),
        aide=c.aide,
    )


def _numeric_columns(t):
    """Which value columns hold numbers (right-aligned) rather than text (a name)."""
    width = max((len(ligne.valeurs) for ligne in t.lignes), default=0)
    return tuple(
        not any(isinstance(ligne.valeurs[i], str) for ligne in t.lignes if i < len(ligne.valeurs))
        for i in range(width)
    )


def _size(ligne):
    value = ligne.valeurs[0] if ligne.valeurs else None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return -1  # masked ("< 5"), not applicable or text: after every count
    return value


def shown(t):
    """(the table as the page shows it, its whole length or 0). A long table that is not a
    time series keeps its LIGNES_PAGE largest rows (by its first column), in its own order: a
    territory has thousands of communes and neighbourhoods (bench/national), which no chart
    or page can show; the export has every row."""
    if t.chronologique or len(t.lignes) <= LIGNES_PAGE:
        return t, 0
    order = sorted(range(len(t.lignes)), key=lambda i: -_size(t.lignes[i]))  # stable
    keep = set(order[:LIGNES_PAGE])
    lignes = tuple(ligne for i, ligne in enumerate(t.lignes) if i in keep)
    return replace(t, lignes=lignes), len(t.lignes)


def _tableau(section, t):
    t, total = shown(t)
    ident = f"g-{section.cle}-{t.cle}".replace("_", "-")
    numeriques = _numeric_columns(t)
    entetes = [(t.colonnes[0], False)] + [
        (col, numeriques[i] if i < len(numeriques) else True)
        for i, col in enumerate(t.colonnes[1:])
    ]
    return TableauVu(
        cle=t.cle,
        ident=ident,
        titre=t.titre,
        phrase=t.phrase,
        colonnes=tuple(t.colonnes),
        entetes=tuple(entetes),
        lignes=tuple(
            LigneVue(
                libelle=ligne.libelle,
                cellules=tuple(
                    (affichage.cellule(v, t.unite), not isinstance(v, str)) for v in ligne.valeurs
                ),
                mise_en_avant=ligne.mise_en_avant,
            )
            for ligne in t.lignes
        ),
        svg=graphiques.graphique(t, ident),
        instantane=t.instantane,
        total=total,
    )


def present(sections):
    return [
        SectionVue(
            cle=s.cle,
            titre=s.titre,
            note=s.note,
            chiffres=tuple(_chiffre(c) for c in s.chiffres),
            tableaux=tuple(_tableau(s, t) for t in s.tableaux),
        )
        for s in sections
    ]


def _jour(day):
    return date_et_annee_en_mots(day)  # "1er octobre 2026"


def periode(filtres):
    """'du 18 novembre 2025 au 17 novembre 2026'."""
    return f"du {_jour(filtres.du)} au {_jour(filtres.au)}"


def portee_phrase(portee, structures):
    """Whose figures the viewer sees, said at the top of the page."""
    if portee.publique:
        if portee.territoire:
            return "Les chiffres de tout le territoire."
        noms = ", ".join(s.nom for s in structures) or "aucune structure"
        return f"Les chiffres de : {noms}."
    if portee.territoire:
        return "Vous voyez les chiffres de tout le territoire."
    noms = ", ".join(s.nom for s in structures) or "aucune structure"
    if portee.role == Role.MEDIATEUR:
        return f"Vous voyez les chiffres des lieux de votre structure : {noms}."
    return (
        f"Vous voyez les chiffres de votre structure : {noms} "
        "(les personnes qu'elle accompagne et les pass qu'elle délivre)."
    )
