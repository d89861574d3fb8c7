"""Likely duplicate files (issue 15, "One file per person"): the rule, the finder's blocking,
the pairs declared distinct, the structures one may see, and a constant number of queries."""

import pytest
from django.core.exceptions import ValidationError

from inclusion.enums import Role, TypeTelephone
from inclusion.models import Journal, PaireDistincte
from inclusion.services import beneficiaires, doublons
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def mobile(numero):
    return {"telephone": numero, "type_telephone": TypeTelephone.MOBILE}


def pairs_of(user):
    return {(d.a.pk, d.b.pk): tuple(d.motifs) for d in doublons.find_likely_duplicates(user=user)}


@pytest.fixture
def ctx():
    structure = StructureFactory()
    return {"structure": structure, "user": member(Role.MEDIATEUR, structure=structure)}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Élodie", "elodie", True),
        ("ÉLODIE ", "Elodie", True),
        ("Jean-Pierre", "jean pierre", True),
        ("Josiane", "Josianne", True),  # one letter more
        ("Josiane", "Josaine", True),  # two letters swapped
        ("Bernadette", "Bernadetet", True),
        ("Christophe", "Kristofe", False),  # three edits
        ("Jean", "Jeanne", False),  # two letters more on a short name: another person
        ("Léa", "Lia", False),  # no typo allowed under four letters
        ("Noël", "Noel", True),
        ("Œdipe", "oedipe", True),
        ("", "", False),
    ],
)
def test_names_compared_without_accents_case_and_a_few_typos(a, b, same):
    assert doublons.similar(doublons.fold(a), doublons.fold(b)) is same


def test_same_mobile_and_first_name(ctx):
    s = ctx["structure"]
    a = BeneficiaireFactory(structure=s, prenom="Josiane", nom="", **mobile("+33612345678"))
    b = BeneficiaireFactory(structure=s, prenom="josianne", nom="Durand", **mobile("+33612345678"))
    # Same family phone, another first name: not the same person.
    BeneficiaireFactory(structure=s, prenom="Marcel", **mobile("+33612345678"))
    assert pairs_of(ctx["user"]) == {(a.pk, b.pk): (doublons.MOTIF_TELEPHONE,)}


def test_same_name_and_birth_year_with_typos_and_accents(ctx):
    s = ctx["structure"]
    a = BeneficiaireFactory(structure=s, prenom="Hélène", nom="Lefèvre", annee_naissance=1948)
    b = BeneficiaireFactory(structure=s, prenom="HELENE", nom="Lefevres", annee_naissance=1948)
    # Another birth year, or another name: two people.
    BeneficiaireFactory(structure=s, prenom="Hélène", nom="Lefèvre", annee_naissance=1972)
    BeneficiaireFactory(structure=s, prenom="Hélène", nom="Garnier", annee_naissance=1948)
    # No birth year: the name alone is not enough.
    BeneficiaireFactory(structure=s, prenom="Hélène", nom="Lefèvre")
    assert pairs_of(ctx["user"]) == {(a.pk, b.pk): (doublons.MOTIF_NOM,)}


def test_typo_in_the_first_letters_of_the_name_still_found(ctx):
    """Blocks by name prefix miss it, blocks by first-name prefix catch it."""
    s = ctx["structure"]
    a = BeneficiaireFactory(structure=s, prenom="Mohamed", nom="Benali", annee_naissance=1960)
    b = BeneficiaireFactory(structure=s, prenom="Mohamed", nom="Bnali", annee_naissance=1960)
    assert pairs_of(ctx["user"]) == {(a.pk, b.pk): (doublons.MOTIF_NOM,)}


def test_both_reasons_come_first(ctx):
    s = ctx["structure"]
    c = BeneficiaireFactory(structure=s, prenom="Rémi", nom="Roux", annee_naissance=1950)
    d = BeneficiaireFactory(structure=s, prenom="Remi", nom="Roux", annee_naissance=1950)
    a = BeneficiaireFactory(
        structure=s, prenom="Paul", nom="Roy", annee_naissance=1961, **mobile("+33611111111")
    )
    b = BeneficiaireFactory(
        structure=s, prenom="Paul", nom="Roy", annee_naissance=1961, **mobile("+33611111111")
    )
    found = doublons.find_likely_duplicates(user=ctx["user"])
    assert [(x.a.pk, x.b.pk) for x in found] == [(a.pk, b.pk), (c.pk, d.pk)]
    assert found[0].libelles == [doublons.MOTIFS["meme_telephone"], doublons.MOTIFS["meme_nom"]]


def test_pairs_declared_distinct_are_left_out(ctx):
    s = ctx["structure"]
    a = BeneficiaireFactory(structure=s, prenom="Anne", nom="Morel", annee_naissance=1955)
    b = BeneficiaireFactory(structure=s, prenom="Anne", nom="Morel", annee_naissance=1955)
    assert (a.pk, b.pk) in pairs_of(ctx["user"])
    doublons.mark_distinct(acteur=ctx["user"], a=b, b=a)
    assert pairs_of(ctx["user"]) == {}
    paire = PaireDistincte.objects.get()
    assert (paire.beneficiaire_a_id, paire.beneficiaire_b_id) == (a.pk, b.pk)
    # Twice is once; the journal holds ids only.
    doublons.mark_distinct(acteur=ctx["user"], a=a, b=b)
    assert PaireDistincte.objects.count() == 1
    line = Journal.objects.get(action="beneficiaire.doublon_ecarte")
    assert line.objet_id == str(a.pk) and line.details == {"autre": b.pk}


def test_other_structures_files_are_not_listed(ctx):
    mine = BeneficiaireFactory(
        structure=ctx["structure"], prenom="Anne", nom="Morel", annee_naissance=1955
    )
    BeneficiaireFactory(prenom="Anne", nom="Morel", annee_naissance=1955)  # another structure
    other = BeneficiaireFactory(prenom="Anne", nom="Morel", annee_naissance=1955)
    assert pairs_of(ctx["user"]) == {}
    # The coordinator sees the territory: every pair.
    coordinateur = member(Role.COORDINATEUR)
    assert len(pairs_of(coordinateur)) == 3
    with pytest.raises(ValidationError) as refused:
        doublons.mark_distinct(acteur=ctx["user"], a=mine, b=other)
    assert refused.value.code == "hors_perimetre"
    with pytest.raises(ValidationError) as refused:
        doublons.mark_distinct(acteur=ctx["user"], a=mine, b=mine)
    assert refused.value.code == "meme_dossier"
    assert PaireDistincte.objects.count() == 0


def test_a_volontaire_sees_no_pair():
    structure = StructureFactory()
    BeneficiaireFactory(structure=structure, prenom="Anne", nom="Morel", annee_naissance=1955)
    BeneficiaireFactory(structure=structure, prenom="Anne", nom="Morel", annee_naissance=1955)
    assert pairs_of(member(Role.VOLONTAIRE, structure=structure)) == {}


def _population(structure, start, n):
    for i in range(start, start + n):
        BeneficiaireFactory(
            structure=structure, prenom="Anne", nom=f"Nom{i:03d}x", annee_naissance=1950 + i % 40
        )
        BeneficiaireFactory(
            structure=structure, prenom="Anne", nom=f"Nom{i:03d}y", annee_naissance=1950 + i % 40
        )


def test_query_count_constant(ctx, django_assert_num_queries):
    _population(ctx["structure"], 0, 2)
    a = BeneficiaireFactory(structure=ctx["structure"], prenom="Zoé", nom="Zed")
    b = BeneficiaireFactory(structure=ctx["structure"], prenom="Zoe", nom="Zed")
    doublons.mark_distinct(acteur=ctx["user"], a=a, b=b)
    with django_assert_num_queries(3):
        few = doublons.find_likely_duplicates(user=ctx["user"])
    _population(ctx["structure"], 100, 40)
    with django_assert_num_queries(3):
        many = doublons.find_likely_duplicates(user=ctx["user"])
    assert len(few) == 2 and len(many) == 42


def test_blocking_compares_far_fewer_pairs_than_all(ctx, monkeypatch):
    fiches = [
        doublons.Fiche.of(i, f"Prenom{i}", f"Nom{i}", f"+336{i:08d}", 1930 + i % 70)
        for i in range(2000)
    ]
    calls = []
    real = doublons.motifs
    monkeypatch.setattr(doublons, "motifs", lambda a, b: calls.append(1) or real(a, b))
    doublons.candidate_pairs(fiches)
    # Every first name starts alike here: still twenty times fewer than every pair.
    assert len(calls) < 2000 * 1999 / 2 / 20


def test_creation_warning_uses_the_same_rule(ctx):
    s = ctx["structure"]
    a = BeneficiaireFactory(structure=s, prenom="Josiane", **mobile("+33612345678"))
    b = BeneficiaireFactory(structure=s, prenom="Paul", nom="Roux", annee_naissance=1961)
    BeneficiaireFactory(structure=s, prenom="Marcel", **mobile("+33612345678"))
    found = beneficiaires.find_duplicates(
        user=ctx["user"], prenom="JOSIANNE", telephone="+33612345678"
    )
    assert found == [a]
    found = beneficiaires.find_duplicates(
        user=ctx["user"], prenom="paul", nom="ROUX", annee_naissance=1961
    )
    assert found == [b]
    assert beneficiaires.find_duplicates(user=ctx["user"], prenom="Paul", nom="Roux") == []
    assert beneficiaires.find_duplicates(user=ctx["user"], prenom="Paul", exclure=b) == []
