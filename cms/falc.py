"""FALC check: automatic signals on a text, shown to editors as warnings (never blocking).

No tool certifies FALC (only a review by people with an intellectual disability does); these
signals point at what usually needs rewriting. Thresholds chosen here:

- sentence: more than 12 words (a "word" is a run of letters or digits; l'atelier is one);
- long word: more than 12 letters, or 5 syllables or more (pyphen's French hyphenation, the
  one textstat uses); "ordinateur" (10 letters, 4 syllables) passes, "administratives" does not;
- acronym: a word of 2 letters or more written all in capitals; Roman numerals made only of
  I, V and X (XXI, IV) are left out; words with C, D, L or M are flagged (CD, DM are acronyms);
- number written in letters: deux to seize, vingt, trente… cent, mille, million, milliard
  (alone or in a compound like dix-huit); "un"/"une" are articles far more often than numbers
  and "neuf" also means "new": they are never flagged;
- percentage: a % sign, "pour cent", "pourcent" or "pourcentage";
- italics: <em> or <i> in the rich text;
- Kandel–Moles score (the French Flesch: 207 − 1.015 × words/sentence − 73.6 ×
  syllables/word), computed by textstat's French setting; higher is easier.
"""

import html as html_lib
import re
from dataclasses import dataclass, field

from textstat.backend import counts, metrics

MOTS_PAR_PHRASE = 12
LETTRES_MOT_LONG = 12
SYLLABES_MOT_LONG = 5

NOMBRES_EN_LETTRES = {
    "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "dix", "onze", "douze",
    "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente", "quarante",
    "cinquante", "soixante", "septante", "octante", "nonante", "cent", "cents", "mille",
    "million", "millions", "milliard", "milliards",
}  # fmt: skip
ROMAIN = re.compile(r"^[IVX]+$")
MOT = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿŒœ]+(?:['’\-][0-9A-Za-zÀ-ÖØ-öø-ÿŒœ]+)*")
FIN_DE_PHRASE = re.compile(r"(?<=[.!?…])\s+|\n+")
POURCENT = re.compile(r"%|\bpour\s*cent\b|\bpourcentage", re.IGNORECASE)
ITALIQUE = re.compile(r"<(em|i)(\s[^>]*)?>", re.IGNORECASE)
BALISE = re.compile(r"<[^>]+>")
FIN_DE_BLOC = re.compile(r"</(p|li|h[1-6]|div|dd|dt)>|<br\s*/?>", re.IGNORECASE)


@dataclass
class Alerte:
    code: str
    message: str
    exemples: list = field(default_factory=list)


@dataclass
class Analyse:
    alertes: list
    score: float | None
    interpretation: str
    mots: int
    phrases: int

    @property
    def resume(self):
        if not self.mots:
            return "Pas encore de texte à vérifier."
        points = f"{len(self.alertes)} point(s) à revoir" if self.alertes else "Aucune alerte"
        return f"{points}. Score de lisibilité : {self.score:.0f} sur 100 ({self.interpretation})"


def phrases_de(texte):
    return [p.strip() for p in FIN_DE_PHRASE.split(texte) if p and MOT.search(p)]


def _mots(texte):
    return MOT.findall(texte)


def _apercu(phrase, longueur=80):
    return phrase if len(phrase) <= longueur else phrase[: longueur - 1] + "…"


def interpretation(score):
    """Plain French reading of a Kandel–Moles score (same scale as Flesch)."""
    if score >= 80:
        return "très facile à lire"
    if score >= 70:
        return "facile à lire"
    if score >= 60:
        return "assez facile à lire, visez 70 ou plus"
    if score >= 50:
        return "moyen : raccourcissez les phrases et les mots"
    if score >= 30:
        return "difficile : phrases ou mots trop longs"
    return "très difficile : réécrivez avec des phrases et des mots courts"


def texte_de_html(source):
    """Text of a rich-text HTML fragment, one line per paragraph or list item."""
    return html_lib.unescape(BALISE.sub("", FIN_DE_BLOC.sub("\n", source)))


def analyse(texte, *, html=""):
    """FALC warnings for a plain text (one sentence or paragraph per line is fine).

    `html`: the rich-text source the text came from, to look for italics."""
    phrases = phrases_de(texte)
    alertes = []

    longues = [p for p in phrases if len(_mots(p)) > MOTS_PAR_PHRASE]
    if longues:
        alertes.append(
            Alerte(
                "phrase_longue",
                f"{len(longues)} phrase(s) de plus de {MOTS_PAR_PHRASE} mots. "
                "Coupez-les en phrases plus courtes.",
                [f"{_apercu(p)} ({len(_mots(p))} mots)" for p in longues],
            )
        )

    mots = _mots(texte)
    vus = set()
    mots_longs, sigles, nombres = [], [], []
    # "pour cent" is reported as a percentage, not as a number in letters.
    for mot in _mots(POURCENT.sub(" ", texte)):
        if mot in vus:
            continue
        vus.add(mot)
        lettres = [c for c in mot if c.isalpha()]
        if not lettres:
            continue
        if len(lettres) > LETTRES_MOT_LONG or (
            "-" not in mot and counts.count_syllables(mot, "fr") >= SYLLABES_MOT_LONG
        ):
            mots_longs.append(mot)
        if len(lettres) >= 2 and mot.isupper() and not ROMAIN.match(mot):
            sigles.append(mot)
        parties = re.split(r"[-'’]", mot.lower())
        if any(p in NOMBRES_EN_LETTRES for p in parties):
            nombres.append(mot)
    if mots_longs:
        alertes.append(
            Alerte(
                "mot_long",
                f"{len(mots_longs)} mot(s) long(s). Cherchez un mot plus court, "
                "ou expliquez-le avec le bloc « Un mot expliqué ».",
                mots_longs,
            )
        )
    if sigles:
        alertes.append(
            Alerte(
                "sigle",
                f"{len(sigles)} sigle(s) ou mot(s) en majuscules. Écrivez les mots en entier.",
                sigles,
            )
        )
    if nombres:
        alertes.append(
            Alerte(
                "nombre_en_lettres",
                f"{len(nombres)} nombre(s) écrit(s) en lettres. Écrivez les nombres en chiffres : "
                "2 et pas deux.",
                nombres,
            )
        )
    pourcents = POURCENT.findall(texte)
    if pourcents:
        alertes.append(
            Alerte(
                "pourcentage",
                "Pourcentage. Dites plutôt « 1 personne sur 2 » ou « la moitié ».",
                pourcents,
            )
        )
    italiques = ITALIQUE.findall(html or "")
    if italiques:
        alertes.append(
            Alerte(
                "italique",
                f"{len(italiques)} passage(s) en italique. L'italique est difficile à lire : "
                "utilisez le gras.",
            )
        )

    score = None
    if mots:
        # One sentence per line for textstat too (a line without final punctuation is one).
        score = metrics.flesch_reading_ease(
            "\n".join(p if p[-1] in ".!?…" else p + "." for p in phrases), "fr"
        )
    return Analyse(
        alertes=alertes,
        score=score,
        interpretation=interpretation(score) if score is not None else "",
        mots=len(mots),
        phrases=len(phrases),
    )


# --- Text of a StreamField ---------------------------------------------------------------

# Child values that are settings, not text read by people.
NON_TEXTE = {"pictogramme", "niveau", "type", "decorative", "image", "fichier", "page", "url"}


def _morceaux(valeur, textes, sources):
    from wagtail.blocks import StreamValue, StructValue
    from wagtail.blocks.list_block import ListValue
    from wagtail.rich_text import RichText

    if isinstance(valeur, RichText):
        sources.append(valeur.source)
        textes.append(texte_de_html(valeur.source))
    elif isinstance(valeur, StructValue):
        for nom, enfant in valeur.items():
            if nom not in NON_TEXTE:
                _morceaux(enfant, textes, sources)
    elif isinstance(valeur, StreamValue):
        for bloc in valeur:
            _morceaux(bloc.value, textes, sources)
    elif isinstance(valeur, ListValue | list | tuple):
        for enfant in valeur:
            _morceaux(enfant, textes, sources)
    elif isinstance(valeur, str) and valeur.strip():
        textes.append(valeur)


def texte_du_stream(stream):
    """(text, html) of every block of a StreamField value: the text one block per line."""
    textes, sources = [], []
    if stream is not None:
        _morceaux(stream, textes, sources)
    return "\n".join(t.strip() for t in textes if t.strip()), "".join(sources)


def analyse_page(page):
    """Analysis of a page's title and body (PageFALC.corps, or the home's intro)."""
    textes, sources = [page.title], []
    corps = getattr(page, "corps", None)
    if corps is not None:
        texte, source = texte_du_stream(corps)
        textes.append(texte)
        sources.append(source)
    intro = getattr(page, "intro", "")
    if intro:
        textes.append(texte_de_html(intro))
        sources.append(intro)
    return analyse("\n".join(t for t in textes if t), html="".join(sources))
