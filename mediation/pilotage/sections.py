"""What a section of the dashboards returns, rendered by one generic template: key figures
(with the previous period), then tables, each drawn as a chart (server-side SVG) that has a
title, one sentence saying what it shows, and the table itself for screen readers and print.

Values are counts or amounts already computed by the database; `None` means "not applicable"
(never 0 by default)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chiffre:
    libelle: str
    valeur: object  # int, Decimal (euros), float (a rate between 0 and 1), or None
    precedent: object = None  # the same figure over the previous period
    unite: str = ""  # "", "€", "%" (valeur is then a rate 0..1), "jours"
    personnes: bool = False  # counts people: masked under 5 outside the espace pro
    aide: str = ""  # one short sentence saying how it is counted


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


@dataclass(frozen=True)
class Section:
    cle: str  # "pass", "ateliers", "accompagnements", "orientations", "sms", "publics"
    titre: str
    chiffres: tuple = ()
    tableaux: tuple = ()
    note: str = ""  # what the figures mean, or what is not counted
    extra: dict = field(default_factory=dict)
