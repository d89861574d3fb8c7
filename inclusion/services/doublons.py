"""Likely duplicate files: one rule, used when a file is created and on the duplicates page.

Two files are likely the same person when
- they have the same phone number and the same first name, or
- they have the same first name, the same name and the same birth year;
names compared without case, accents, spaces or hyphens, with a few typos allowed
(rapidfuzz's optimal string alignment distance: a swap of two letters is one typo).

The page never compares every pair: files are grouped into blocks (same phone; same birth
year and the same first two letters of the name; same birth year and the same first two
letters of the first name) and only pairs inside a block are compared.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rapidfuzz.distance import OSA

from inclusion import perms
from inclusion.models import Beneficiaire, PaireDistincte
from inclusion.services.journal import write_journal

MOTIF_TELEPHONE = "meme_telephone"
MOTIF_NOM = "meme_nom"
MOTIFS = {
    MOTIF_TELEPHONE: "même téléphone et même prénom",
    MOTIF_NOM: "même prénom, même nom et même année de naissance",
}
# A block bigger than this (a structure's own number typed for many people) is skipped:
# it says nothing about who is who, and would cost its size squared.
MAX_BLOCK = 60
MAX_PAIRS = 100


def fold(text):
    """A name as compared: no case, accents, spaces, hyphens or apostrophes
    ("Jean-Pierre " = "jean pierre" = "JEANPIERRE", "Élodie" = "elodie", "Œ" = "oe")."""
    text = unicodedata.normalize("NFKD", text or "").replace("œ", "oe").replace("Œ", "oe")
    text = text.replace("æ", "ae").replace("Æ", "ae")
    return "".join(c for c in text.casefold() if c.isalnum() and not unicodedata.combining(c))


def _typos_allowed(length):
    if length <= 3:
        return 0
    return 1 if length <= 7 else 2


def similar(a, b):
    """Same name give or take a few typos (already folded strings)."""
    if not a or not b:
        return False
    if a == b:
        return True
    allowed = _typos_allowed(min(len(a), len(b)))
    return allowed > 0 and OSA.distance(a, b, score_cutoff=allowed) <= allowed


@dataclass(frozen=True)
class Fiche:
    """What the rule reads of a file (a saved file, or what was typed in a form)."""

    pk: object
    prenom: str
    nom: str
    telephone: str
    annee_naissance: object

    @classmethod
    def of(cls, pk, prenom, nom, telephone, annee_naissance):
        telephone = getattr(telephone, "as_e164", None) or str(telephone or "")
        return cls(pk, fold(prenom), fold(nom), telephone, annee_naissance)


def motifs(a, b):
    """Why two Fiches are likely the same person (empty: they are not)."""
    found = []
    if not similar(a.prenom, b.prenom):
        return found
    if a.telephone and a.telephone == b.telephone:
        found.append(MOTIF_TELEPHONE)
    if a.annee_naissance and a.annee_naissance == b.annee_naissance and similar(a.nom, b.nom):
        found.append(MOTIF_NOM)
    return found


FICHE_FIELDS = ("pk", "prenom", "nom", "telephone", "annee_naissance")


def duplicates_of_new(*, user, prenom, nom="", telephone="", annee_naissance=None, exclure=None):
    """The files the user may see that are likely the person being typed (creation form).
    Two queries at most, whatever the number of files."""
    telephone = getattr(telephone, "as_e164", None) or str(telephone or "")
    conditions = Q()
    if telephone:
        conditions |= Q(telephone=telephone)
    if nom and annee_naissance:
        conditions |= Q(annee_naissance=annee_naissance)
    if not fold(prenom) or not conditions:
        return []
    qs = Beneficiaire.objects.for_user(user).filter(conditions)
    if exclure is not None:
        qs = qs.exclude(pk=exclure.pk)
    new = Fiche.of(None, prenom, nom, telephone, annee_naissance)
    pks = [row[0] for row in qs.values_list(*FICHE_FIELDS) if motifs(new, Fiche.of(*row))]
    if not pks:
        return []
    return list(
        Beneficiaire.objects.filter(pk__in=pks)
        .select_related("commune")
        .order_by("prenom", "nom", "pk")
    )


@dataclass
class Doublon:
    a: object  # the older file (smaller pk)
    b: object
    motifs: list

    @property
    def libelles(self):
        return [MOTIFS[m] for m in self.motifs]


def _blocks(fiches):
    blocks = defaultdict(list)
    for f in fiches:
        if f.telephone:
            blocks[("t", f.telephone)].append(f)
        if f.annee_naissance and f.nom:
            blocks[("n", f.annee_naissance, f.nom[:2])].append(f)
        if f.annee_naissance and f.prenom:
            blocks[("p", f.annee_naissance, f.prenom[:2])].append(f)
    return blocks.values()


def candidate_pairs(fiches, exclues=frozenset()):
    """{(pk_a, pk_b): motifs} with pk_a < pk_b, compared inside blocks only."""
    pairs = {}
    for block in _blocks(fiches):
        if len(block) < 2 or len(block) > MAX_BLOCK:
            continue
        for i, x in enumerate(block):
            for y in block[i + 1 :]:
                key = (x.pk, y.pk) if x.pk < y.pk else (y.pk, x.pk)
                if key in pairs or key in exclues or x.pk == y.pk:
                    continue
                found = motifs(x, y)
                if found:
                    pairs[key] = found
    return pairs


def find_likely_duplicates(*, user, limite=MAX_PAIRS):
    """Pairs of files the user may see that are likely one person, strongest first: both
    reasons, then the phone, then the name. Pairs declared distinct are left out. Three
    queries whatever the number of files."""
    visible = Beneficiaire.objects.for_user(user)
    fiches = [Fiche.of(*row) for row in visible.order_by().values_list(*FICHE_FIELDS)]
    exclues = set(
        PaireDistincte.objects.filter(
            beneficiaire_a__in=visible.values("pk"), beneficiaire_b__in=visible.values("pk")
        ).values_list("beneficiaire_a_id", "beneficiaire_b_id")
    )
    pairs = candidate_pairs(fiches, frozenset(exclues))
    ordered = sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[1][0], kv[0]))[:limite]
    if not ordered:
        return []
    pks = {pk for key, _ in ordered for pk in key}
    files = Beneficiaire.objects.select_related("commune", "structure").in_bulk(pks)
    return [Doublon(files[a], files[b], found) for (a, b), found in ordered]


def check_pair(acteur, a, b):
    """Refusals common to marking a pair distinct and merging it (ValidationError, coded)."""
    if a.pk == b.pk:
        raise ValidationError("Il s'agit du même dossier.", code="meme_dossier")
    if not (perms.can_edit_beneficiaire(acteur, a) and perms.can_edit_beneficiaire(acteur, b)):
        raise ValidationError(
            "Un de ces dossiers appartient à une structure dont vous ne voyez pas les dossiers.",
            code="hors_perimetre",
        )


def ordered_pair(a, b):
    return (a, b) if a.pk < b.pk else (b, a)


def is_declared_distinct(a, b):
    first, second = ordered_pair(a, b)
    return PaireDistincte.objects.filter(beneficiaire_a=first, beneficiaire_b=second).exists()


def mark_distinct(*, acteur, a, b, now=None):
    """Record that two files are two people: the pair is no longer listed. Idempotent.
    Under both rows' locks, like a merge: of a merge and this at the same moment, the second
    is refused (a merged file no longer exists; a merge of two people is refused)."""
    check_pair(acteur, a, b)
    first, second = ordered_pair(a, b)
    with transaction.atomic():
        locked = list(
            Beneficiaire.objects.select_for_update(of=("self",))
            .filter(pk__in=[first.pk, second.pk])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(locked) < 2:
            raise ValidationError(
                "Un des deux dossiers n'existe plus : il a peut-être été fusionné.",
                code="dossier_introuvable",
            )
        paire, cree = PaireDistincte.objects.get_or_create(
            beneficiaire_a=first,
            beneficiaire_b=second,
            defaults={"par": acteur, "le": now or timezone.now()},
        )
        if cree:
            write_journal(
                acteur=acteur,
                action="beneficiaire.doublon_ecarte",
                objet=first,
                structure=first.structure,
                details={"autre": second.pk},
            )
    return paire
