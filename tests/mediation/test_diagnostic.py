"""Issue 15: the diagnostic's questionnaire, scoring and suggestions (pure functions)."""

import pytest

from ateliers.enums import Niveau, Thematique
from mediation import diagnostic
from mediation.vocabulaire import Autonomie

pytestmark = pytest.mark.usefixtures("frozen")

TOUT = {d.cle: 3 for d in diagnostic.DOMAINES}
RIEN = {d.cle: 0 for d in diagnostic.DOMAINES}


def scores(**valeurs):
    return {**TOUT, **valeurs}


def test_at_most_ten_questions_obstacles_first_then_the_seven_areas():
    assert diagnostic.NB_QUESTIONS == 8 <= 10
    assert [o.cle for o in diagnostic.OBSTACLES] == [
        "materiel",
        "connexion",
        "email",
        "lecture",
        "langue",
    ]
    assert [d.cle for d in diagnostic.DOMAINES] == [
        "appareil",
        "recherche",
        "communication",
        "documents",
        "demarches",
        "securite",
        "depannage",
    ]
    assert [v for v, _ in diagnostic.REPONSES] == [0, 1, 2, 3]


def test_every_area_points_to_la_coop_thematiques():
    for domaine in diagnostic.DOMAINES:
        assert domaine.thematiques
        assert set(domaine.thematiques) <= set(Thematique.values)


@pytest.mark.parametrize(
    ("score", "autonomie"),
    [
        (0, Autonomie.ENTIEREMENT_ACCOMPAGNE),
        (1, Autonomie.PARTIELLEMENT_AUTONOME),
        (2, Autonomie.PARTIELLEMENT_AUTONOME),
        (3, Autonomie.AUTONOME),
    ],
)
def test_a_score_maps_to_la_coop_autonomie(score, autonomie):
    assert diagnostic.autonomie_pour(score) == autonomie


def test_clean_scores_keeps_whole_numbers_0_to_3_of_known_areas_only():
    propres = diagnostic.clean_scores(
        {"appareil": "2", "recherche": 4, "communication": "-1", "documents": "1.5",
         "demarches": True, "securite": None, "inconnu": 1, "depannage": 0}
    )  # fmt: skip
    assert propres == {"appareil": 2, "depannage": 0}


def test_clean_obstacles_drops_unknown_and_repeats_in_questionnaire_order():
    assert diagnostic.clean_obstacles(["langue", "email", "pirate", "email"]) == [
        "email",
        "langue",
    ]


def test_a_beginner_is_told_it_is_normal_and_gets_three_beginner_suggestions():
    r = diagnostic.resultat(["materiel"], RIEN)
    assert r.sait == ()
    assert r.niveau == Niveau.DEBUTANT
    assert r.autonomie == Autonomie.ENTIEREMENT_ACCOMPAGNE
    # The weakest first; ties keep the questionnaire's order.
    assert [s.domaine.cle for s in r.suggestions] == ["appareil", "recherche", "communication"]
    assert {s.niveau for s in r.suggestions} == {Niveau.DEBUTANT}
    assert r.thematiques == [
        Thematique.PRENDRE_EN_MAIN_DU_MATERIEL,
        Thematique.NAVIGATION_SUR_INTERNET,
        Thematique.EMAIL,
        Thematique.RESEAUX_SOCIAUX,
    ]
    assert r.niveaux == [Niveau.DEBUTANT]
    assert [o.cle for o in r.obstacles] == ["materiel"]


def test_what_the_person_can_do_is_said_from_score_2():
    r = diagnostic.resultat([], scores(securite=1, demarches=0, documents=2))
    assert [d.cle for d in r.sait] == [
        "appareil",
        "recherche",
        "communication",
        "documents",
        "depannage",
    ]
    assert r.sait[0].sait == "Vous savez utiliser votre appareil."
    # Weakest first: démarches (0), sécurité (1), documents (2).
    assert [(s.domaine.cle, s.niveau) for s in r.suggestions] == [
        ("demarches", Niveau.DEBUTANT),
        ("securite", Niveau.DEBUTANT),
        ("documents", Niveau.INTERMEDIAIRE),
    ]
    assert r.thematiques[:2] == [
        Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES,
        Thematique.BANQUE_ET_ACHATS_EN_LIGNE,
    ]


def test_everything_mastered_suggests_nothing():
    r = diagnostic.resultat([], TOUT)
    assert r.suggestions == ()
    assert r.thematiques == []
    assert r.niveau == Niveau.AVANCE
    assert r.autonomie == Autonomie.AUTONOME


def test_no_email_address_adds_the_email_theme():
    r = diagnostic.resultat(["email"], scores(securite=0))
    assert r.thematiques == [Thematique.SECURITE_NUMERIQUE, Thematique.EMAIL]


@pytest.mark.parametrize(
    ("valeurs", "niveau"),
    [
        (scores(appareil=1), Niveau.DEBUTANT),  # the device itself is hard
        (scores(recherche=0, communication=0, documents=0, demarches=0), Niveau.DEBUTANT),
        ({d.cle: 2 for d in diagnostic.DOMAINES}, Niveau.INTERMEDIAIRE),
        (scores(recherche=2, documents=2), Niveau.AVANCE),
    ],
)
def test_overall_level(valeurs, niveau):
    assert diagnostic.niveau_global(valeurs) == niveau


class FakeTheme:
    def __init__(self, thematiques, niveau):
        self.thematiques = thematiques
        self.niveau = niveau


def test_a_theme_suits_a_result_by_thematique_and_an_easier_or_equal_level():
    r = diagnostic.resultat([], {d.cle: 2 for d in diagnostic.DOMAINES})
    assert r.niveau == Niveau.INTERMEDIAIRE
    securite = [Thematique.SECURITE_NUMERIQUE]
    # Three areas at 2: appareil, recherche, communication are suggested (questionnaire order).
    assert not diagnostic.theme_convient(FakeTheme(securite, Niveau.DEBUTANT), r)
    assert diagnostic.theme_convient(FakeTheme(["email"], Niveau.DEBUTANT), r)
    assert diagnostic.theme_convient(FakeTheme(["email"], Niveau.INTERMEDIAIRE), r)
    assert not diagnostic.theme_convient(FakeTheme(["email"], Niveau.AVANCE), r)
    assert diagnostic.rang_theme(FakeTheme(["email"], Niveau.DEBUTANT), r) == 2
