"""What a section of the dashboards returns, rendered by one generic template: key figures
(with the previous period), then tables, each drawn as a chart (server-side SVG) that has a
title, one sentence saying what it shows, and the table itself for screen readers and print.

Values are counts or amounts already computed by the database; `None` means "not applicable"
(never 0 by default)."""

import datetime
from dataclasses import dataclass, field, fields
from decimal import Decimal


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
    # A time series (by month): every row is shown; other long tables show their largest
    # rows on the page (presentation.LIGNES_PAGE), the export has them all.
    chronologique: bool = False


@dataclass(frozen=True)
class Section:
    cle: str  # "pass", "ateliers", "accompagnements", "orientations", "sms", "publics"
    titre: str
    chiffres: tuple = ()
    tableaux: tuple = ()
    note: str = ""  # what the figures mean, or what is not counted
    extra: dict = field(default_factory=dict)


# --- Sections as JSON (mediation.services.pilotage_instantanes keeps them) -----------------

_TYPES = {cls.__name__: cls for cls in (Section, Chiffre, Tableau, Ligne)}


def encode(value):
    """Sections (and what they hold) as JSON-ready values; decode() gives them back equal."""
    if isinstance(value, (Section, Chiffre, Tableau, Ligne)):
        champs = {f.name: encode(getattr(value, f.name)) for f in fields(value)}
        return {"t": type(value).__name__, "v": champs}
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime.datetime):
        return {"h": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"j": value.isoformat()}
    if isinstance(value, dict):
        return {"m": {str(k): encode(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"Valeur inattendue dans une section : {type(value).__name__}")


def decode(value):
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if not isinstance(value, dict):
        return value
    if "t" in value:
        return _TYPES[value["t"]](**{k: decode(v) for k, v in value["v"].items()})
    if "d" in value:
        return Decimal(value["d"])
    if "h" in value:
        return datetime.datetime.fromisoformat(value["h"])
    if "j" in value:
        return datetime.date.fromisoformat(value["j"])
    return {k: decode(v) for k, v in value["m"].items()}
