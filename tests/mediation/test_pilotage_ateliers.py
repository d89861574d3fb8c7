"""Section "ateliers" of the dashboards: every figure against hand counts on the fixed
territory (tests/mediation/monde_pilotage.py, whose docstring lists the sessions and
registrations), the previous period, the filters, the scopes, and a query count that does not
grow."""

import datetime
from dataclasses import replace

import pytest

from ateliers.enums import Canal, StatutInscription
from ateliers.services import attendance, registrations
from inclusion.enums import Role
from mediation.pilotage.filtres import Portee, portee_for
from mediation.pilotage.section_ateliers import section
from tests.ateliers.factories import SessionFactory
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

LABELS = (
    "Sessions tenues",
    "Places offertes",
    "Taux de remplissage",
    "Taux de présence",
    "Absences sans prévenir",
    "Personnes en liste d'attente",
)
EMPTY_NOVEMBER = ("novembre 2026", (0, 0, 0, 0))


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    yield from monde_for_module(django_db_blocker)


def figures(filtres=FILTRES, portee=None):
    result = section(filtres, portee or Portee())
    assert tuple(c.libelle for c in result.chiffres) == LABELS
    return figures_of(result)


def test_territory_figures_and_previous_period(monde):
    # Held in 01/10–30/11: Sb (cap 2) and Sc (cap 4); Sd cancelled, Se not over yet.
    # Previous period: Sa (cap 3).
    assert figures() == {
        "Sessions tenues": (2, 1),
        "Places offertes": (6, 3),
        # Sb: B1 P, B2 A, B4 walk-in P; Sc: B3 P, B5 E, B6 not marked / Sa: B1 P, B2 A
        "Taux de remplissage": (6 / 6, 2 / 3),
        "Taux de présence": (3 / 5, 1 / 2),
        # Registered before the start: B1 B2 (Sb), B3 B5 B6 (Sc) / B1 B2
        "Absences sans prévenir": (1 / 5, 1 / 2),
        # Se: B4 B5 waiting; Sf: B3 waiting (B3 still waiting on the past Sb is not counted)
        "Personnes en liste d'attente": (3, None),
    }


def test_precedent_is_the_figure_of_the_previous_period(monde):
    now = {c.libelle: c for c in section(FILTRES, Portee()).chiffres}
    before = {c.libelle: c for c in section(FILTRES.precedente(), Portee()).chiffres}
    for libelle, chiffre in now.items():
        if chiffre.precedent is not None:
            assert chiffre.precedent == before[libelle].valeur, libelle


def test_tables(monde):
    result = section(FILTRES, Portee())
    assert table_of(result, "ateliers_par_theme") == [
        ("Démarches en ligne", (1, 4, 3, 1)),
        ("Smartphone", (1, 2, 3, 2)),
    ]
    assert table_of(result, "ateliers_par_mois") == [
        ("octobre 2026", (2, 6, 6, 3)),
        EMPTY_NOVEMBER,
    ]
    longer = section(replace(FILTRES, du=datetime.date(2026, 9, 1)), Portee())
    assert table_of(longer, "ateliers_par_mois") == [
        ("septembre 2026", (1, 3, 2, 1)),
        ("octobre 2026", (2, 6, 6, 3)),
        EMPTY_NOVEMBER,
    ]
    assert table_of(longer, "ateliers_par_theme") == [
        ("Démarches en ligne", (1, 4, 3, 1)),
        ("Smartphone", (2, 5, 5, 3)),
    ]


def test_mediateur_sees_their_places_only(monde):
    portee = portee_for(monde.m1)
    assert portee.role == Role.MEDIATEUR
    result = section(FILTRES, portee)
    assert figures_of(result) == {
        "Sessions tenues": (1, 1),  # Sb / Sa, at L1
        "Places offertes": (2, 3),
        "Taux de remplissage": (3 / 2, 2 / 3),  # a walk-in beyond the capacity
        "Taux de présence": (2 / 3, 1 / 2),
        "Absences sans prévenir": (1 / 2, 1 / 2),
        "Personnes en liste d'attente": (2, None),  # Se
    }
    assert table_of(result, "ateliers_par_theme") == [("Smartphone", (1, 2, 3, 2))]
    assert table_of(result, "ateliers_par_mois") == [("octobre 2026", (1, 2, 3, 2)), EMPTY_NOVEMBER]


def test_prescripteur_sees_the_offer_and_their_peoples_registrations(monde):
    portee = portee_for(monde.p)
    assert portee.role == Role.PRESCRIPTEUR
    result = section(FILTRES, portee)
    # The CCAS's people: B1 B2 B3 B5 B6 (B4 is s1's).
    # Their people in the whole offer's seats would mean nothing: no fill rate.
    assert figures_of(result) == {
        "Sessions tenues": (2, 1),
        "Places offertes": (6, 3),
        "Taux de présence": (2 / 4, 1 / 2),
        "Absences sans prévenir": (1 / 5, 1 / 2),
        "Personnes en liste d'attente": (2, None),  # B5 on Se, B3 on Sf
    }
    assert table_of(result, "ateliers_par_theme") == [
        ("Démarches en ligne", (1, 4, 3, 1)),
        ("Smartphone", (1, 2, 2, 1)),
    ]
    assert "prescriptrice" in result.note


def test_commune_is_the_places_for_sessions_and_the_persons_for_attendance(monde):
    assert figures(replace(FILTRES, commune=monde.c2.pk)) == {
        "Sessions tenues": (1, 0),  # Sc at L2
        "Places offertes": (4, 0),
        "Taux de remplissage": (3 / 4, None),
        "Taux de présence": (1 / 2, None),  # people of C2: B3 P, B5 E
        "Absences sans prévenir": (0.0, None),
        "Personnes en liste d'attente": (2, None),  # B5 on Se, B3 on Sf
    }


def test_quartier_filter(monde):
    assert figures(replace(FILTRES, quartier=monde.q1.pk)) == {
        "Sessions tenues": (1, 1),  # L1 is in Q1
        "Places offertes": (2, 3),
        "Taux de remplissage": (3 / 2, 2 / 3),
        "Taux de présence": (1.0, 1.0),  # people of Q1: B1 and B4 present / B1
        "Absences sans prévenir": (0.0, 0.0),
        "Personnes en liste d'attente": (1, None),  # B4 on Se
    }


@pytest.mark.parametrize("champ", ["lieu", "structure"])
def test_lieu_and_structure_filters(monde, champ):
    valeur = monde.l2.pk if champ == "lieu" else monde.s2.pk
    filtres = replace(FILTRES, **{champ: valeur})
    assert figures(filtres) == {
        "Sessions tenues": (1, 0),
        "Places offertes": (4, 0),
        "Taux de remplissage": (3 / 4, None),
        "Taux de présence": (1 / 2, None),
        "Absences sans prévenir": (0 / 3, None),
        "Personnes en liste d'attente": (1, None),  # B3 on Sf
    }
    assert table_of(section(filtres, Portee()), "ateliers_par_theme") == [
        ("Démarches en ligne", (1, 4, 3, 1))
    ]


def test_programme_filter_does_not_apply(monde):
    assert figures(replace(FILTRES, programme=monde.prog.pk)) == figures()


def test_every_figure_says_how_it_is_counted(monde):
    result = section(FILTRES, Portee())
    assert result.cle == "ateliers"
    assert all(c.aide for c in result.chiffres)
    assert all(t.titre and t.phrase for t in result.tableaux)


def _more(monde, n):
    """n more sessions held at L1 in October, each with two people registered (one present,
    one absent) and one waiting on the upcoming Se."""
    for k in range(n):
        debut = at(13 + k, 10, hour=9)
        session = SessionFactory(
            theme=monde.th1,
            lieu=monde.l1,
            debut=debut,
            fin=debut + datetime.timedelta(hours=2),
            capacite=5,
        )
        for statut in (StatutInscription.PRESENT, StatutInscription.ABSENT):
            personne = BeneficiaireFactory(structure=monde.ccas, commune=monde.c1)
            inscription = registrations.register(
                session=session, beneficiaire=personne, canal=Canal.PUBLIC, now=at(1, 10)
            )
            attendance.set_presence(
                acteur=monde.m1,
                inscription=inscription,
                statut=statut,
                now=debut + datetime.timedelta(minutes=5),
            )
        registrations.register(
            session=monde.sessions["e"],
            beneficiaire=BeneficiaireFactory(structure=monde.ccas),
            canal=Canal.PUBLIC,
        )


@pytest.mark.parametrize("qui", ["territoire", "mediateur", "prescripteur"])
def test_query_count_does_not_grow(monde, qui, django_assert_num_queries):
    portee = portees(monde)[qui]
    with django_assert_num_queries(6):
        section(FILTRES, portee)
    _more(monde, 5)
    with django_assert_num_queries(6):
        result = section(FILTRES, portee)
    valeurs = {c.libelle: c.valeur for c in result.chiffres}
    assert valeurs["Sessions tenues"] == {"territoire": 7, "mediateur": 6, "prescripteur": 7}[qui]
    assert (
        valeurs["Personnes en liste d'attente"]
        == {
            "territoire": 8,
            "mediateur": 7,
            "prescripteur": 7,
        }[qui]
    )


def test_a_scope_without_structures_counts_no_registration(monde):
    result = section(FILTRES, Portee(structures=frozenset(), role=Role.PRESCRIPTEUR))
    valeurs = {c.libelle: c.valeur for c in result.chiffres}
    assert valeurs["Sessions tenues"] == 2  # the public offer
    assert valeurs["Taux de présence"] is None  # nobody of theirs was marked
    assert valeurs["Personnes en liste d'attente"] == 0
