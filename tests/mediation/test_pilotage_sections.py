"""The accompagnements, orientations, SMS and publics sections of the dashboards, against
figures counted by hand on small fixed worlds (tests/mediation/monde_pilotage_p1b.py and
monde_orientations.py, frozen time): every figure, the previous period, the filters, the
scopes, and a number of queries that does not grow with the data. Run on PostgreSQL too."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from inclusion.enums import Role
from mediation.pilotage import (
    section_accompagnements,
    section_orientations,
    section_publics,
    section_sms,
)
from mediation.pilotage.filtres import Filtres, Portee, portee_for
from mediation.services.orientations_stats import counts
from tests.mediation.monde_orientations import build_monde
from tests.mediation.monde_pilotage_p1b import OCTOBRE, add_records, build_monde_p1b

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TERRITOIRE = Portee()


@pytest.fixture
def monde():
    return build_monde_p1b()


def chiffres(section):
    """{libellé: (valeur, précédent)}"""
    return {c.libelle: (c.valeur, c.precedent) for c in section.chiffres}


def tableau(section, cle):
    (found,) = [t for t in section.tableaux if t.cle == cle]
    return found


def lignes(section, cle):
    """{libellé: values} (a single value unpacked)"""
    rows = tableau(section, cle).lignes
    return {r.libelle: r.valeurs[0] if len(r.valeurs) == 1 else r.valeurs for r in rows}


def scope(structure, role):
    return Portee(structures=frozenset({structure.pk}), role=role)


def filtres(**kw):
    return dataclasses.replace(OCTOBRE, **kw)


# --- Accompagnements ---------------------------------------------------------------------


def test_accompagnements_by_hand(monde):
    s = section_accompagnements.section(OCTOBRE, TERRITOIRE)
    assert s.cle == "accompagnements"
    # a1, a2, a3, a5 (a6 deleted, a4 before, a7 after); previous: a4.
    assert chiffres(s) == {
        "Activités enregistrées": (4, 1),
        "Accompagnements individuels": (3, 1),
        "Ateliers collectifs": (1, 0),
        # b1, b2, b3 once each + 3 anonymous (a3: 2, a5: 1); previous: b1.
        "Personnes accompagnées": (6, 1),
        # b1 came in September (a4): b2 and b3 are new; in September b1 was.
        "Nouvelles personnes": (2, 1),
        # 60 + 30 + 120 + 15 = 225 min; 45 min.
        "Heures d'accompagnement": (3.8, 0.8),
    }
    people = {c.libelle: c.personnes for c in s.chiffres}
    assert people["Personnes accompagnées"] and people["Nouvelles personnes"]
    assert not people["Activités enregistrées"]
    assert lignes(s, "accompagnements_par_thematique") == {
        "E-mail": 2,
        "Santé": 2,
        "Navigation sur internet": 1,
    }
    assert lignes(s, "accompagnements_par_type") == {
        "Accompagnement individuel": (3, 1.8),
        "Atelier collectif": (1, 2.0),
    }
    assert lignes(s, "accompagnements_par_canal") == {
        "Dans un lieu d'activité": 2,
        "À domicile": 1,
        "À distance (téléphone, visio)": 1,
        "Autre lieu": 0,
    }
    assert tableau(s, "accompagnements_par_thematique").lignes[0].cle == "email"


def test_accompagnements_scopes(monde):
    def figures(portee):
        return chiffres(section_accompagnements.section(OCTOBRE, portee))

    # SA's records: a1, a2, a5; b1 came to SA in September, b2 is new.
    a = figures(scope(monde.SA, Role.MEDIATEUR))
    assert a["Activités enregistrées"] == (3, 1)
    assert a["Personnes accompagnées"] == (3, 1)
    assert a["Nouvelles personnes"] == (1, 1)
    assert a["Heures d'accompagnement"] == (1.8, 0.8)
    # SB's record a3: b1 is new to SB, b3 too; 2 anonymous.
    b = figures(scope(monde.SB, Role.MEDIATEUR))
    assert b["Activités enregistrées"] == (1, 0)
    assert b["Personnes accompagnées"] == (4, 0)
    assert b["Nouvelles personnes"] == (2, 0)
    # SP's people (b1, b2, b4): a1, a2, a3 have one; only SP's people counted, no anonymous.
    p = figures(scope(monde.SP, Role.PRESCRIPTEUR))
    assert p["Activités enregistrées"] == (3, 1)
    assert p["Personnes accompagnées"] == (2, 1)
    assert p["Nouvelles personnes"] == (1, 1)
    assert p["Heures d'accompagnement"] == (3.5, 0.8)
    # A structure with nothing.
    vide = figures(scope(monde.SP, Role.MEDIATEUR))
    assert vide["Activités enregistrées"] == (0, 0)
    assert vide["Heures d'accompagnement"] == (0.0, 0.0)


def test_accompagnements_filters(monde):
    def activites(**kw):
        s = section_accompagnements.section(filtres(**kw), TERRITOIRE)
        return chiffres(s)["Activités enregistrées"]

    assert activites(lieu=monde.LA.pk) == (1, 1)  # a1; a4 before
    assert activites(lieu=monde.LB.pk) == (1, 0)  # a3
    # The place's commune, or the record's own outside a place (a2 at home in Bordeaux).
    assert activites(commune=monde.bordeaux.pk) == (2, 1)
    assert activites(commune=monde.cenon.pk) == (1, 0)
    assert activites(quartier=monde.aubiers.pk) == (1, 1)
    assert activites(structure=monde.SB.pk) == (1, 0)
    # New people under a filter: at LB, b1 had never come (a4 was at LA).
    s = section_accompagnements.section(filtres(lieu=monde.LB.pk), TERRITOIRE)
    assert chiffres(s)["Nouvelles personnes"] == (2, 0)


# --- Publics ---------------------------------------------------------------------------


def test_publics_by_hand(monde):
    s = section_publics.section(OCTOBRE, TERRITOIRE)
    # Records: b1, b2, b3; registration: b4; carnets: b2, b6. Previous: b1 (a4), b5.
    assert chiffres(s) == {
        "Personnes atteintes": (5, 2),
        "Dont en quartier prioritaire": (2, 2),  # b1, b6 (Aubiers); b1, b5 (Palmer)
    }
    assert all(c.personnes for c in s.chiffres)
    assert all(t.personnes for t in s.tableaux)
    assert lignes(s, "publics_par_commune") == {
        "Bordeaux": 3,
        "Cenon": 1,
        "Commune non renseignée": 1,
    }
    assert [r.cle for r in tableau(s, "publics_par_commune").lignes[:2]] == ["33063", "33119"]
    quartiers = tableau(s, "publics_par_quartier").lignes
    assert [(r.libelle, r.valeurs, r.mise_en_avant) for r in quartiers] == [
        ("Les Aubiers (Bordeaux)", (2,), True),
        ("Palmer (Cenon)", (0,), True),  # nobody: shown all the same
        ("Chartrons (Bordeaux)", (1,), False),
        ("Quartier non renseigné", (2,), False),
    ]
    assert lignes(s, "publics_quartiers_prioritaires") == {
        "Les Aubiers (Bordeaux)": 2,
        "Palmer (Cenon)": 0,
    }
    assert tableau(s, "publics_quartiers_prioritaires").titre == "Quartiers prioritaires"
    ages = lignes(s, "publics_par_age")
    assert ages["60 à 69 ans"] == ages["25 à 39 ans"] == ages["70 ans et plus"] == 1
    assert ages["40 à 59 ans"] == ages["Non communiqué"] == 1
    assert ages["18 à 24 ans"] == 0
    assert lignes(s, "publics_par_genre") == {"Masculin": 1, "Féminin": 3, "Non communiqué": 1}


def test_publics_scopes_and_filters(monde):
    def total(portee=TERRITOIRE, **kw):
        return chiffres(section_publics.section(filtres(**kw), portee))["Personnes atteintes"]

    assert total(scope(monde.SA, Role.MEDIATEUR)) == (2, 1)  # a1 b1, a2 b2; a4 b1
    assert total(scope(monde.SB, Role.MEDIATEUR)) == (3, 1)  # a3 b1 b3, b4 at LB; b5 at LB
    assert total(scope(monde.SP, Role.PRESCRIPTEUR)) == (4, 1)  # b1, b2, b4, b6; b1
    assert total(commune=monde.bordeaux.pk) == (3, 1)
    assert total(quartier=monde.aubiers.pk) == (2, 1)
    assert total(lieu=monde.LB.pk) == (3, 1)  # b1, b3 (a3), b4; b5 — no carnet at a place
    assert total(structure=monde.SP.pk) == (2, 0)  # the carnets of b2 and b6
    # The commune filter limits the quartiers listed.
    s = section_publics.section(filtres(commune=monde.cenon.pk), TERRITOIRE)
    assert lignes(s, "publics_par_quartier") == {"Palmer (Cenon)": 0, "Quartier non renseigné": 1}


# --- SMS -------------------------------------------------------------------------------


def test_sms_by_hand(monde):
    s = section_sms.section(OCTOBRE, TERRITOIRE)
    # s1, s2, s3, s4, s7 (23:30 on the 31st in Paris); s8 after midnight is November's.
    assert chiffres(s) == {
        "SMS envoyés": (4, 1),
        "SMS reçus": (3, 0),
        "Échecs": (1, 1),
        "Devenus inutiles": (1, 0),
        # 1 + 2 + 1 + 1 segments sent at 0.07 €; previous: 3.
        "Coût estimé": (Decimal("0.35"), Decimal("0.21")),
    }
    assert lignes(s, "sms_par_mois") == {"octobre 2026": (5, 4, 3, 1)}
    assert lignes(s, "sms_cout_par_mois") == {"octobre 2026": Decimal("0.35")}
    assert lignes(s, "sms_par_type") == {
        "Rappel d'atelier (2 jours avant)": (1, 1, 1, 0),
        "Inscription à un atelier": (1, 1, 0, 1),
        "Lien vers le pass numérique": (1, 1, 1, 0),
        "Autre message": (1, 0, 0, 0),
        "Rappel d'atelier (le matin)": (1, 1, 1, 0),
    }
    assert lignes(s, "sms_cout_par_type") == {
        "Rappel d'atelier (2 jours avant)": Decimal("0.07"),
        "Inscription à un atelier": Decimal("0.14"),
        "Lien vers le pass numérique": Decimal("0.07"),
        "Autre message": Decimal("0.00"),
        "Rappel d'atelier (le matin)": Decimal("0.07"),
    }
    assert not any(c.personnes for c in s.chiffres)


def test_sms_months_of_a_longer_period(monde):
    s = section_sms.section(filtres(du=datetime.date(2026, 9, 1)), TERRITOIRE)
    assert lignes(s, "sms_par_mois") == {
        "septembre 2026": (1, 1, 0, 1),
        "octobre 2026": (5, 4, 3, 1),
    }
    assert [r.cle for r in tableau(s, "sms_par_mois").lignes] == ["2026-09", "2026-10"]


def test_sms_scopes_and_filters(monde):
    def sent(portee=TERRITOIRE, **kw):
        return chiffres(section_sms.section(filtres(**kw), portee))["SMS envoyés"]

    assert sent(scope(monde.SA, Role.MEDIATEUR)) == (1, 0)  # s1: about a registration at LA
    assert sent(scope(monde.SB, Role.MEDIATEUR)) == (1, 0)  # s2
    assert sent(scope(monde.SP, Role.PRESCRIPTEUR)) == (3, 1)  # s1, s2, s3 (b1, b2, b4); s6
    assert sent(lieu=monde.LB.pk) == (1, 0)
    assert sent(commune=monde.bordeaux.pk) == (2, 1)  # s1, s3; s6
    assert sent(quartier=monde.chartrons.pk) == (1, 0)  # s3
    assert sent(structure=monde.SB.pk) == (1, 0)  # s7 (b3's file is SB's)


# --- Orientations ------------------------------------------------------------------------


@pytest.fixture
def orientations():
    return build_monde()


# T-30 days to T: every orientation but F (sent T-40d), which is the previous period's.
PERIODE_ORIENTATIONS = Filtres(du=datetime.date(2026, 10, 18), au=datetime.date(2026, 11, 17))


def test_orientations_by_hand(orientations):
    s = section_orientations.section(PERIODE_ORIENTATIONS, TERRITOIRE)
    assert chiffres(s) == {
        "Orientations envoyées": (8, 1),
        "Acceptées": (4, 0),  # A, C (ended), D, I
        "Refusées": (2, 0),  # B, H
        "Expirées": (0, 1),  # F
        "En attente de réponse": (1, 0),  # E
        "Délai médian de prise en compte": (0.2, None),  # 5 h; F never opened
        "Délai médian de décision": (1.5, None),
    }
    # B: non joignable; H: non joignable and autre (D's refusal by L1 is not the
    # orientation's: L2 accepted it).
    assert lignes(s, "orientations_refus_par_motif") == {
        "Personne non joignable": 2,
        "Autre raison": 1,
    }
    assert tableau(s, "orientations_refus_par_motif").lignes[0].cle == "non_joignable"
    assert lignes(s, "orientations_par_structure") == {
        "CCAS de Bordeaux": (4, 1, 0, 1, 1),
        "Mission locale": (0, 1, 0, 0, 0),
    }


def test_orientations_follow_the_service_in_every_scope(orientations):
    """The adapter (a Portee for a user) gives the service's own figures for each role."""
    for user in (
        orientations.coordinateur,
        orientations.mediateurs[0],
        orientations.prescripteur,
        orientations.p2,
    ):
        s = section_orientations.section(PERIODE_ORIENTATIONS, portee_for(user))
        bilan = counts(user=user, debut=PERIODE_ORIENTATIONS.du, fin=PERIODE_ORIENTATIONS.au)
        assert chiffres(s)["Orientations envoyées"][0] == bilan.total.envoyees
        assert chiffres(s)["Refusées"][0] == bilan.total.refusees
        structures = tableau(s, "orientations_par_structure").lignes
        assert [r.libelle for r in structures] == [g.nom for g in bilan.par_structure]
        par_lieu = tableau(s, "orientations_par_lieu").lignes
        assert [(r.libelle, r.valeurs[:3]) for r in par_lieu] == [
            (g.nom, (g.chiffres.acceptees, g.chiffres.refusees, g.chiffres.expirees))
            for g in bilan.par_lieu
        ]
    mission = chiffres(
        section_orientations.section(PERIODE_ORIENTATIONS, portee_for(orientations.p2))
    )
    assert mission["Orientations envoyées"] == (1, 0)


def test_orientations_filters(orientations):
    l1, l2 = orientations.lieux
    s = section_orientations.section(
        dataclasses.replace(PERIODE_ORIENTATIONS, structure=orientations.autre.pk), TERRITOIRE
    )
    assert chiffres(s)["Orientations envoyées"] == (1, 0)  # H
    s = section_orientations.section(
        dataclasses.replace(PERIODE_ORIENTATIONS, lieu=l2.pk), TERRITOIRE
    )
    assert chiffres(s)["Orientations envoyées"] == (4, 0)  # C, D, E, I
    assert [r.libelle for r in tableau(s, "orientations_par_lieu").lignes] == [l2.nom]


# --- Queries -----------------------------------------------------------------------------

QUERIES = {
    section_accompagnements: 6,
    section_publics: 4,
    section_sms: 4,
}


@pytest.mark.parametrize("module", list(QUERIES), ids=lambda m: m.__name__.rsplit("_", 1)[-1])
@pytest.mark.parametrize("portee", ["territoire", "mediateur", "prescripteur"])
def test_queries_do_not_grow(monde, module, portee, django_assert_num_queries):
    portees = {
        "territoire": TERRITOIRE,
        "mediateur": scope(monde.SA, Role.MEDIATEUR),
        "prescripteur": scope(monde.SP, Role.PRESCRIPTEUR),
    }
    with django_assert_num_queries(QUERIES[module]):
        small = module.section(OCTOBRE, portees[portee])
    add_records(monde, 30)
    with django_assert_num_queries(QUERIES[module]):
        large = module.section(OCTOBRE, portees[portee])
    assert small != large  # the new rows are counted, in every scope
    every_filter = filtres(
        commune=monde.bordeaux.pk,
        quartier=monde.aubiers.pk,
        structure=monde.SA.pk,
        lieu=monde.LA.pk,
        programme=1,
    )
    with django_assert_num_queries(QUERIES[module]):
        module.section(every_filter, portees[portee])


def test_orientation_queries_do_not_grow(orientations, django_assert_num_queries):
    from tests.mediation.factories_orientations import orient_to_place

    with django_assert_num_queries(16):  # the service's eight, twice (the previous period)
        section_orientations.section(PERIODE_ORIENTATIONS, TERRITOIRE)
    for _ in range(10):
        orient_to_place(orientations)
    with django_assert_num_queries(16):
        section_orientations.section(PERIODE_ORIENTATIONS, TERRITOIRE)
