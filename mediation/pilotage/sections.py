"""What a section of the dashboards returns, rendered by one generic template: key figures
(with the previous period), then tables, each drawn as a chart (server-side SVG) that has a
title, one sentence saying what it shows, and the table itself for screen readers and print.

Values are counts or amounts already computed by the database; `None` means "not applicable"
(never 0 by default)."""

from dataclasses import dataclass, field


class Masque:
    """A count of people not published (the share link's "< 5" rule, pilotage.secret)."""

    __slots__ = ()

    def __str__(self):
        return "< 5"

    def __repr__(self):
        return "MASQUE"


MASQUE = Masque()


@dataclass(frozen=True)
class Chiffre:
    libelle: str
    valeur: object  # int, Decimal (euros), float (a rate between 0 and 1), or None
    precedent: object = None  # the same figure over the previous period
    unite: str = ""  # "", "€", "%" (valeur is then a rate 0..1), "jours"
    personnes: bool = False  # counts people: masked under 5 outside the espace pro
    aide: str = ""  # one short sentence saying how it is counted
    # The counts of people a rate is made of (numerator and complement): masked with them.
    effectifs: tuple = ()
    effectifs_avant: tuple = ()


@dataclass(frozen=True)
class Ligne:
    libelle: str
    valeurs: tuple  # one value per column after the first
    cle: str = ""  # a stable key (a commune's INSEE code, a thématique's key…)
    mise_en_avant: bool = False  # e.g. a priority neighbourhood (QPV), shown apart


@dataclass(frozen=True)
class Tableau:
    cle: str  # stable, for the export and the anchor: "pass_par_mois"
    titre: str
    phrase: str  # what the chart shows, in one sentence
    colonnes: tuple  # headers; the first is the rows' label
    lignes: tuple  # of Ligne
    graphique: str = "barres"  # "barres", "barres_empilees", "courbe", or "" (table only)
    unite: str = ""
    personnes: bool = False  # its values count people (the "< 5" rule outside the espace pro)
    colonnes_personnes: tuple | None = None  # which value columns count people (None: all)
    public: bool = True  # shown on the public share link
    # The libellé of the section's Chiffre equal to the sum of the highlighted rows (a
    # subtotal the "< 5" rule must not let anyone subtract from).
    sous_total: str = ""
    instantane: bool = False  # a picture of today, not of the period (said in the caption)


@dataclass(frozen=True)
class Section:
    cle: str  # "pass", "ateliers", "accompagnements", "orientations", "sms", "publics"
    titre: str
    chiffres: tuple = ()
    tableaux: tuple = ()
    note: str = ""  # what the figures mean, or what is not counted
    extra: dict = field(default_factory=dict)
