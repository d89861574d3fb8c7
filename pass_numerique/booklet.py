"""The printed pass: a cover in easy-to-read French, the letter listing the places, the chèques.

Clear codes exist only in the IssuedCarnet objects given here: this module prints them and
keeps nothing. Many carnets go into one HTML document and one WeasyPrint render.
"""

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from inclusion.horaires import horaires_en_clair
from inclusion.mots_du_temps import date_et_annee_en_mots
from pass_numerique.codes import format_code
from pass_numerique.services.mon_pass import lieux_acceptant

CHEQUES_PAR_PAGE = 5
LIEUX_MAX = 6
_HEURE = re.compile(r"\d+ h(?: \d\d)?")
CSS_PATH = "pass_numerique/booklet/booklet.css"
ICONS = ("batiment", "cheque", "ciseaux", "horloge", "lieu", "scanner", "telephone")


def euros(value):
    """Decimal("10") → "10,00 €" (no-break space before the sign)."""
    return f"{value:.2f}".replace(".", ",") + "\u00a0€"


def qr_data_uri(payload):
    """PNG data URI of a QR code, one pixel per module (error correction M or better, 4-module
    quiet zone); printed large with `image-rendering: pixelated`, it stays sharp. Far faster
    for WeasyPrint than an SVG path."""
    return segno.make(payload, error="m", micro=False).png_data_uri(scale=1, border=4)


@lru_cache(maxsize=1)
def _icons():
    """Pictograms as SVG data URIs: WeasyPrint parses each one once per document."""
    icons = {}
    for name in ICONS:
        with open(finders.find(f"pass_numerique/booklet/icons/{name}.svg"), encoding="utf-8") as f:
            icons[name] = "data:image/svg+xml," + quote(f.read().strip())
    return icons


@dataclass
class _Lieu:
    nom: str
    adresse: str
    complement: str
    code_postal: str
    commune: str
    horaires: list
    telephone: str


@dataclass
class _Cheque:
    rang: int
    code: str
    qr: str


def _horaires(expr):
    """[(days, [time spans])] for the letter: each span on its own line, times unbroken.

    A line without " : " (public holidays, a raw expression) comes as (line, [])."""
    result = []
    for line in horaires_en_clair(expr):
        jours, sep, plages = line.partition(" : ")
        if not sep:
            result.append((line, []))
            continue
        plages = _HEURE.sub(lambda m: m.group(0).replace(" ", "\u00a0"), plages)
        first, *others = plages.split(" et ")
        result.append((jours, [first, *(f"et {other}" for other in others)]))
    return result


def _lieu(lieu):
    phone = lieu.telephone.as_national if lieu.telephone else ""
    return _Lieu(
        nom=lieu.nom,
        adresse=lieu.adresse,
        complement=lieu.complement_adresse,
        code_postal=lieu.code_postal,
        commune=lieu.commune.nom,
        horaires=_horaires(lieu.horaires),
        telephone=phone,
    )


def _nearest(lieux, carnet):
    """Same quartier as the person first, then same commune, then the rest (stable order).

    For an anonymous carnet, the commune of the structure that issued it stands for the
    person's."""
    benef = carnet.beneficiaire
    quartier_id = benef.quartier_id if benef else None
    commune_id = benef.commune_id if benef else carnet.structure.commune_id

    def rank(lieu):
        if quartier_id and lieu.quartier_id == quartier_id:
            return 0
        if commune_id and lieu.commune_id == commune_id:
            return 1
        return 2

    return sorted(lieux, key=rank)


def _booklet_context(item, site_url, lieux_by_programme):
    carnet = item.carnet
    programme = carnet.programme
    if programme.pk not in lieux_by_programme:
        lieux_by_programme[programme.pk] = list(lieux_acceptant(programme))
    lieux = _nearest(lieux_by_programme[programme.pk], carnet)
    cheques = [
        _Cheque(rang=cheque.rang, code=format_code(code), qr=qr_data_uri(f"{site_url}/c/{code}"))
        for cheque, code in sorted(item.cheque_codes, key=lambda pair: pair[0].rang)
    ]
    valeur = item.cheque_codes[0][0].valeur if item.cheque_codes else programme.valeur_cheque
    lieux = [_lieu(lieu) for lieu in lieux[:LIEUX_MAX]]
    return {
        "prenom": carnet.beneficiaire.prenom if carnet.beneficiaire_id else "",
        "numero": carnet.numero,
        "programme": programme.nom,
        "nb_cheques": len(cheques),
        "valeur": euros(valeur),
        "valeur_courte": f"{valeur:.2f}".replace(".", ",").removesuffix(",00") + "\u00a0€",
        "fin_validite": date_et_annee_en_mots(carnet.fin_validite),
        "code": format_code(item.code),
        "qr": qr_data_uri(f"{site_url}/p/{item.code}"),
        # /p/<code> accepts the dashes of the printed code; no scheme, to read aloud.
        "mon_pass_url": re.sub(r"^https?://", "", f"{site_url}/p/"),
        "lieux": lieux,
        "lieux_rows": [lieux[i : i + 2] for i in range(0, len(lieux), 2)],
        "autres_lieux": max(0, len(lieux_by_programme[programme.pk]) - LIEUX_MAX),
        "pages_cheques": [
            cheques[i : i + CHEQUES_PAR_PAGE] for i in range(0, len(cheques), CHEQUES_PAR_PAGE)
        ],
    }


def booklet_html(items, *, site_url=None):
    """One HTML document holding the booklet of every IssuedCarnet in `items`."""
    site_url = (site_url or settings.SITE_URL).rstrip("/")
    lieux_by_programme = {}
    return render_to_string(
        "pass_numerique/booklet/booklet.html",
        {
            "booklets": [_booklet_context(item, site_url, lieux_by_programme) for item in items],
            "help_phone": settings.HELP_PHONE,
            "platform_name": settings.PLATFORM_NAME,
            "icons": _icons(),
        },
    )


@lru_cache(maxsize=1)
def _printing():
    """Font configuration and stylesheet, built once per process (saves ~50 ms a render)."""
    from weasyprint import CSS  # heavy import, only when printing
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return font_config, CSS(filename=finders.find(CSS_PATH), font_config=font_config)


def render_booklet(items, *, site_url=None):
    """The PDF (bytes) of the booklets of `items`, in the order given, in one render."""
    from weasyprint import HTML

    font_config, stylesheet = _printing()
    html = booklet_html(items, site_url=site_url)
    return HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=font_config)


def page_count(item):
    """Pages of one booklet when its places letter fits one page: cover, letter, chèques."""
    return 2 + math.ceil(len(item.cheque_codes) / CHEQUES_PAR_PAGE)
