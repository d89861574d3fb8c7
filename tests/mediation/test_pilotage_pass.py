"""Section "pass" of the dashboards: every figure against hand counts on the fixed territory
(tests/mediation/monde_pilotage.py, whose docstring lists the carnets and chèques), the
previous period, the filters, the scopes, and a query count that does not grow."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from inclusion.enums import Role
from mediation.pilotage.filtres import Portee, portee_for
from mediation.pilotage.section_pass import section
from pass_numerique.enums import Prestation
from pass_numerique.services import issuance, redemption
from tests.inclusion.factories import BeneficiaireFactory
from tests.mediation.monde_pilotage import (
    FILTRES,
    at,
    figures_of,
    monde_for_module,
    portees,
    table_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

E = Decimal
LABELS = (
    "Carnets délivrés",
    "Carnets remis",
    "Carnets utilisés",
    "Chèques encaissés",
    "Chèques remboursés",
    "Montant engagé",
    "Montant payé",
    "Chèques qui expirent sous 30 jours",
    "Chèques qui expirent sous 60 jours",
)


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    yield from monde_for_module(django_db_blocker)


def figures(filtres=FILTRES, portee=None):
    result = section(filtres, portee or Portee())
    assert tuple(c.libelle for c in result.chiffres) == LABELS
    return figures_of(result)


def months_of(result):
    """[(month, (chèques, euros))]: the two monthly tables side by side."""
    cheques = table_of(result, "pass_par_mois")
    montants = table_of(result, "pass_montants_par_mois")
    assert [libelle for libelle, _ in cheques] == [libelle for libelle, _ in montants]
    return [(libelle, n + e) for (libelle, n), (_, e) in zip(cheques, montants, strict=True)]


def test_territory_figures_and_previous_period(monde):
    # Period 01/10–30/11, previous 01/08–30/09.
    assert figures() == {
        "Carnets délivrés": (3, 3),  # K2 K3 K6 (K4 cancelled) / K7 K1 K5
        "Carnets remis": (3, 2),  # K5 K2 K6 / K7 K1
        "Carnets utilisés": (4, 2),  # K1 K5 K6 K2 / K7 K1
        "Chèques encaissés": (5, 2),
        "Chèques remboursés": (3, 1),  # K1ch1 (paid 08/10), K1ch2 K5ch1 (10/11) / K7ch1
        "Montant engagé": (E("140.00"), E("120.00")),  # 4×10 + 4×10 + 3×20 / 3 × 4×10
        "Montant payé": (E("30.00"), E("10.00")),
        "Chèques qui expirent sous 30 jours": (
            14,
            None,
        ),  # PROG ends 12/12: K7 3 K1 1 K5 3 K2 3 K3 4
        "Chèques qui expirent sous 60 jours": (16, None),  # + PROG2 (06/01): K6 2
    }


def test_precedent_is_the_figure_of_the_previous_period(monde):
    now = {c.libelle: c for c in section(FILTRES, Portee()).chiffres}
    before = {c.libelle: c for c in section(FILTRES.precedente(), Portee()).chiffres}
    for libelle, chiffre in now.items():
        if chiffre.precedent is not None:
            assert chiffre.precedent == before[libelle].valeur, libelle


def test_tables(monde):
    result = section(FILTRES, Portee())
    assert table_of(result, "pass_enveloppes") == [
        ("Pass numérique 2026", ("CCAS de Ville-Haute", 40, 16, 40)),
        ("Pass numérique 2026", ("Espace numérique Nord", 20, 4, 20)),
        ("Pass seniors", ("CCAS de Ville-Haute", 10, 3, 30)),
    ]
    assert months_of(result) == [
        ("octobre 2026", (4, E("50.00"))),
        ("novembre 2026", (1, E("10.00"))),
    ]
    earlier = section(replace(FILTRES, du=datetime.date(2026, 7, 1)), Portee())
    assert months_of(earlier) == [
        ("juillet 2026", (0, E("0.00"))),
        ("août 2026", (1, E("10.00"))),
        ("septembre 2026", (1, E("10.00"))),
        ("octobre 2026", (4, E("50.00"))),
        ("novembre 2026", (1, E("10.00"))),
    ]


def test_mediateur_sees_the_cheques_of_their_places_only(monde):
    portee = portee_for(monde.m1)
    assert portee.role == Role.MEDIATEUR
    result = section(FILTRES, portee)
    # The carnets' figures and the envelopes are not theirs: left out, not shown empty.
    assert figures_of(result) == {
        "Carnets utilisés": (3, 1),  # K1 K5 K6 at L1 / K1
        "Chèques encaissés": (3, 1),
        "Chèques remboursés": (3, 0),  # L1: K1ch1, K1ch2, K5ch1
        "Montant payé": (E("30.00"), E("0.00")),
    }
    assert [t.cle for t in result.tableaux] == ["pass_par_mois", "pass_montants_par_mois"]
    assert months_of(result) == [
        ("octobre 2026", (3, E("40.00"))),
        ("novembre 2026", (0, E("0.00"))),
    ]


def test_prescripteur_sees_their_structures_carnets_only(monde):
    portee = portee_for(monde.p)
    assert portee.role == Role.PRESCRIPTEUR
    result = section(FILTRES, portee)
    assert figures_of(result) == {
        "Carnets délivrés": (3, 2),  # K2 K3 K6 / K7 K1 (K5 is s1's)
        "Carnets remis": (2, 2),
        "Carnets utilisés": (3, 2),  # K1 K2 K6 / K7 K1
        "Chèques encaissés": (4, 2),
        "Chèques remboursés": (2, 1),
        "Montant engagé": (E("140.00"), E("80.00")),
        "Montant payé": (E("20.00"), E("10.00")),
        "Chèques qui expirent sous 30 jours": (11, None),
        "Chèques qui expirent sous 60 jours": (13, None),
    }
    assert table_of(result, "pass_enveloppes") == [
        ("Pass numérique 2026", ("CCAS de Ville-Haute", 40, 16, 40)),
        ("Pass seniors", ("CCAS de Ville-Haute", 10, 3, 30)),
    ]
    assert months_of(result) == [
        ("octobre 2026", (3, E("40.00"))),
        ("novembre 2026", (1, E("10.00"))),
    ]


def test_programme_filter(monde):
    filtres = replace(FILTRES, programme=monde.prog2.pk)
    assert figures(filtres) == {
        "Carnets délivrés": (1, 0),
        "Carnets remis": (1, 0),
        "Carnets utilisés": (1, 0),
        "Chèques encaissés": (1, 0),
        "Chèques remboursés": (0, 0),  # its October statement is still to pay
        "Montant engagé": (E("60.00"), E("0.00")),
        "Montant payé": (E("0.00"), E("0.00")),
        "Chèques qui expirent sous 30 jours": (0, None),
        "Chèques qui expirent sous 60 jours": (2, None),
    }
    result = section(filtres, Portee())
    assert table_of(result, "pass_enveloppes") == [
        ("Pass seniors", ("CCAS de Ville-Haute", 10, 3, 30))
    ]
    assert months_of(result) == [
        ("octobre 2026", (1, E("20.00"))),
        ("novembre 2026", (0, E("0.00"))),
    ]


def test_commune_is_the_persons_for_carnets_and_the_places_for_cheques(monde):
    assert figures(replace(FILTRES, commune=monde.c2.pk)) == {
        "Carnets délivrés": (1, 0),  # B3's K3 (B5's K4 cancelled)
        "Carnets remis": (0, 0),
        "Carnets utilisés": (2, 1),  # cashed at L2: K2 K1 / K7
        "Chèques encaissés": (2, 1),
        "Chèques remboursés": (0, 1),  # L2's October statement is to pay / K7ch1
        "Montant engagé": (E("40.00"), E("0.00")),
        "Montant payé": (E("0.00"), E("10.00")),
        "Chèques qui expirent sous 30 jours": (4, None),
        "Chèques qui expirent sous 60 jours": (4, None),
    }


def test_quartier_filter(monde):
    # People of Q1: B1 (K1, K6), B4 (K5); the place of Q1: L1.
    assert figures(replace(FILTRES, quartier=monde.q1.pk)) == {
        "Carnets délivrés": (1, 2),
        "Carnets remis": (2, 1),
        "Carnets utilisés": (3, 1),
        "Chèques encaissés": (3, 1),
        "Chèques remboursés": (3, 0),
        "Montant engagé": (E("60.00"), E("80.00")),
        "Montant payé": (E("30.00"), E("0.00")),
        "Chèques qui expirent sous 30 jours": (4, None),
        "Chèques qui expirent sous 60 jours": (6, None),
    }


def test_lieu_filter_counts_the_cheques_cashed_there(monde):
    result = figures(replace(FILTRES, lieu=monde.l2.pk))
    assert result["Chèques encaissés"] == (2, 1)
    assert result["Carnets utilisés"] == (2, 1)
    assert result["Chèques remboursés"] == (0, 1)
    assert result["Carnets délivrés"] == (3, 3)  # not a place's figure


def test_structure_filter_its_carnets_and_its_places(monde):
    filtres = replace(FILTRES, structure=monde.s1.pk)
    assert figures(filtres) == {
        "Carnets délivrés": (0, 1),  # K5
        "Carnets remis": (1, 0),
        "Carnets utilisés": (3, 1),  # at L1 or of s1's carnets: K1 K5 K6 / K1
        "Chèques encaissés": (3, 1),
        "Chèques remboursés": (3, 0),
        "Montant engagé": (E("0.00"), E("40.00")),
        "Montant payé": (E("30.00"), E("0.00")),
        "Chèques qui expirent sous 30 jours": (3, None),
        "Chèques qui expirent sous 60 jours": (3, None),
    }
    assert table_of(section(filtres, Portee()), "pass_enveloppes") == [
        ("Pass numérique 2026", ("Espace numérique Nord", 20, 4, 20))
    ]


def test_every_figure_says_how_it_is_counted(monde):
    result = section(FILTRES, Portee())
    assert result.cle == "pass"
    assert all(c.aide for c in result.chiffres)
    assert all(t.titre and t.phrase for t in result.tableaux)


def _more(monde, n):
    """n more named carnets issued and one chèque of each cashed at L1, today."""
    for _ in range(n):
        personne = BeneficiaireFactory(structure=monde.ccas, commune=monde.c1)
        (item,) = issuance.issue_carnets(acteur=monde.p, enveloppe=monde.e1, beneficiaire=personne)
        issuance.hand_over(acteur=monde.p, carnet=item.carnet)
        redemption.redeem_cheque(
            acteur=monde.m1,
            lieu=monde.l1,
            code=item.cheque_codes[0][1],
            prestation=Prestation.ACCOMPAGNEMENT,
            demande_id=issuance.new_request_id(),
        )


@pytest.mark.parametrize("qui", ["territoire", "mediateur", "prescripteur"])
def test_query_count_does_not_grow(monde, qui, django_assert_num_queries):
    portee = portees(monde)[qui]
    expected = 2 if qui == "mediateur" else 5
    with django_assert_num_queries(expected):
        section(FILTRES, portee)
    _more(monde, 6)
    with django_assert_num_queries(expected):
        result = section(FILTRES, portee)
    encaisses = {c.libelle: c.valeur for c in result.chiffres}["Chèques encaissés"]
    assert encaisses == {"territoire": 11, "mediateur": 9, "prescripteur": 10}[qui]


def test_days_and_months_are_paris_ones(monde):
    """A chèque cashed on 31/10 at 23 h 30 in Paris (22 h 30 UTC) is October's; one cashed on
    30/09 at 23 h 30 belongs to the previous period."""
    for code, quand in (
        (monde.k[3].codes[0], at(31, 10, hour=23, minute=30)),
        (monde.k[1].codes[3], at(30, 9, hour=23, minute=30)),
    ):
        redemption.redeem_cheque(
            acteur=monde.m2,
            lieu=monde.l2,
            code=code,
            prestation=Prestation.ACCOMPAGNEMENT,
            demande_id=issuance.new_request_id(),
            now=quand,
        )
    result = section(FILTRES, Portee())
    assert figures_of(result)["Chèques encaissés"] == (6, 3)
    assert months_of(result) == [
        ("octobre 2026", (5, E("60.00"))),
        ("novembre 2026", (1, E("10.00"))),
    ]


def test_a_scope_without_structures_counts_nothing(monde):
    result = section(FILTRES, Portee(structures=frozenset(), role=Role.PRESCRIPTEUR))
    valeurs = {c.libelle: c.valeur for c in result.chiffres}
    assert valeurs["Carnets délivrés"] == 0
    assert valeurs["Chèques encaissés"] == 0
    assert valeurs["Montant engagé"] == E("0.00")
    assert table_of(result, "pass_enveloppes") == []
