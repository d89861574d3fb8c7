"""Finding a person among those the user follows: the one search of the espace pro.

Used wherever a professional picks a person (delivering a pass, registering to a workshop,
adding a walk-in at the attendance page), with inclusion.forms.RecherchePersonneForm and the
include inclusion/pro/_recherche_personne.html."""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q

from inclusion.models import Beneficiaire
from inclusion.services.telephones import mask_phone

MAX_RESULTS = 20


def phone_fragment(text):
    """Turn "06 12 34" into "+33612 34"-comparable digits: "+33" + digits without the 0."""
    digits = re.sub(r"\D", "", text)
    if len(digits) < 4:
        return None
    if digits.startswith("0"):
        return "+33" + digits[1:]
    if digits.startswith("33"):
        return "+" + digits
    return digits


def search_condition(q):
    """Every word in the first name or the name; or, with 4 digits or more, the phone."""
    condition = Q()
    for word in q.split():
        condition &= Q(prenom__icontains=word) | Q(nom__icontains=word)
    fragment = phone_fragment(q)
    if fragment:
        condition |= Q(telephone__contains=fragment)
    return condition


# The letters a French name writes with accents, both cases: the database's own case folding
# of non-ASCII letters depends on its locale (PostgreSQL's C locale folds ASCII only).
_VARIANTES = {
    "a": "aàâäáã",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîïíì",
    "n": "nñ",
    "o": "oôöóò",
    "u": "uùûüú",
    "y": "yÿ",
}


def accent_free_pattern(word):
    """A regular expression (Python's and PostgreSQL's alike) finding `word` in a name
    whatever its accents and case: "beg" finds "Bègles", "ÉCOLE" finds "école"; "oe" finds
    "œ". Apostrophes and dashes match their typographic variants."""
    parts = []
    base = unicodedata.normalize("NFD", word.lower())
    base = "".join(ch for ch in base if not unicodedata.combining(ch)).replace("œ", "oe")
    base = base.replace("æ", "ae")
    i = 0
    while i < len(base):
        ch = base[i]
        if base.startswith("oe", i) or base.startswith("ae", i):
            lig = "œŒ" if ch == "o" else "æÆ"
            parts.append(f"({_letter(ch)}{_letter('e')}|[{lig}])")
            i += 2
            continue
        if ch in "'’":
            parts.append("['’]")
        elif ch in "-‐–":
            parts.append("[-‐– ]")
        else:
            parts.append(_letter(ch))
        i += 1
    return "".join(parts)


def _letter(ch):
    if not ch.isalpha():
        return re.escape(ch)
    variantes = _VARIANTES.get(ch, ch)
    return "[" + variantes + variantes.upper() + "]"


@dataclass
class PersonneTrouvee:
    """What a result shows: enough to tell two people apart, nothing more (the phone only
    masked). Callers may add their own attributes (e.g. already registered)."""

    pk: int
    uuid: object
    nom_affiche: str
    annee_naissance: int | None
    commune: str
    telephone_masque: str

    @property
    def en_mots(self):
        """Like "Fatima Benali, né(e) en 1961, Bègles (06 •• •• •• 78)"."""
        mots = [self.nom_affiche]
        if self.annee_naissance:
            mots.append(f"né(e) en {self.annee_naissance}")
        if self.commune:
            mots.append(self.commune)
        texte = ", ".join(mots)
        return f"{texte} ({self.telephone_masque})" if self.telephone_masque else texte


@dataclass
class Resultats:
    personnes: list
    trop: bool  # there were more matches than shown: the user should refine


def search_people(user, q, *, limit=MAX_RESULTS):
    """The people `user` follows (Beneficiaire.objects.for_user: the files of their
    structures, every file for a coordinator, none for a volontaire) matching `q`, ordered
    by first name, name, then creation. One query whatever the number of matches (plus the
    user's memberships, read once per request)."""
    rows = (
        Beneficiaire.objects.for_user(user)
        .filter(search_condition(q))
        .order_by("prenom", "nom", "pk")
        .values("pk", "uuid", "prenom", "nom", "annee_naissance", "telephone", "commune__nom")[
            : limit + 1
        ]
    )
    personnes = [
        PersonneTrouvee(
            pk=r["pk"],
            uuid=r["uuid"],
            nom_affiche=Beneficiaire(prenom=r["prenom"], nom=r["nom"]).nom_affiche,
            annee_naissance=r["annee_naissance"],
            commune=r["commune__nom"] or "",
            telephone_masque=mask_phone(r["telephone"]),
        )
        for r in rows
    ]
    return Resultats(personnes=personnes[:limit], trop=len(personnes) > limit)
