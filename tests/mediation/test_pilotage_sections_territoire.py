"""The publics and accompagnements sections on the shared fixed territory of the dashboards
(tests/mediation/monde_pilotage.py, whose docstring lists who did what and when), counted by
hand: the same people must read the same way in every section."""

from dataclasses import replace

import pytest

from mediation.pilotage import section_accompagnements, section_publics
from mediation.pilotage.filtres import Portee, portee_for
from tests.mediation.monde_pilotage import FILTRES, monde_for_module

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    yield from monde_for_module(django_db_blocker)


def chiffres(section):
    return {c.libelle: (c.valeur, c.precedent) for c in section.chiffres}


def lignes(section, cle):
    (tableau,) = [t for t in section.tableaux if t.cle == cle]
    return {r.libelle: r.valeurs[0] for r in tableau.lignes}


def test_publics_on_the_territory(monde):
    s = section_publics.section(FILTRES, Portee())
    # October-November: every one of B1..B6 registered to a workshop (B4 as a walk-in);
    # August-September: B1, B2 registered (Sa), B4's carnet K5 (15/09).
    assert chiffres(s) == {
        "Personnes atteintes": (6, 3),
        "Dont en quartier prioritaire": (2, 2),  # B1 and B4 live in Les Aubiers
    }
    assert lignes(s, "publics_par_commune") == {
        "Ville-Basse": 2,
        "Ville-Haute": 3,
        "Commune non renseignée": 1,
    }
    assert lignes(s, "publics_quartiers_prioritaires") == {"Les Aubiers (Ville-Haute)": 2}
    assert lignes(s, "publics_par_genre") == {"Masculin": 2, "Féminin": 3, "Non communiqué": 1}


def test_publics_scopes_on_the_territory(monde):
    def total(user, **kw):
        s = section_publics.section(replace(FILTRES, **kw), portee_for(user))
        return chiffres(s)["Personnes atteintes"]

    # M1 (s1, place L1): Sb (B1, B2, B3, B4) and Se (B2, B4, B5) registrations, B4's record;
    # before: Sa (B1, B2) at L1 — K5 was issued by s1 but by its prescripteur, same structure.
    assert total(monde.m1) == (5, 3)
    # M2 (s2, place L2): Sc (B3, B5, B6), Sd (B1), Sf (B1, B3); the anonymous record is nobody.
    assert total(monde.m2) == (4, 0)
    # P (the CCAS): its people B1, B2, B3, B5, B6 (B4 is s1's).
    assert total(monde.p) == (5, 2)
    assert total(monde.coordinateur, lieu=monde.l2.pk) == (4, 0)


def test_accompagnements_on_the_territory(monde):
    s = section_accompagnements.section(FILTRES, Portee())
    figures = chiffres(s)
    assert figures["Activités enregistrées"] == (2, 0)
    assert figures["Personnes accompagnées"] == (2, 0)  # B4, and one anonymous person
    assert figures["Nouvelles personnes"] == (1, 0)  # B4
    assert lignes(s, "accompagnements_par_thematique") == {
        "E-mail": 1,
        "Navigation sur internet": 1,
    }
    assert chiffres(section_accompagnements.section(FILTRES, portee_for(monde.m1)))[
        "Activités enregistrées"
    ] == (1, 0)
