"""The totals of "Mes activités" (mediation.services.activites.counts) on filtered lists:
workshops of several participants, durations counted once per record whatever the filter."""

import pytest

from mediation.filters_activites import filter_activites
from mediation.services import activites
from tests.inclusion.factories import BeneficiaireFactory
from tests.mediation.factories_activites import (
    atelier_enregistre,
    individuelle,
    setup_activites,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def monde():
    ctx = setup_activites()
    presents = [BeneficiaireFactory(structure=ctx["structure"]) for _ in range(2)]
    atelier_enregistre(ctx, presents=presents, anonymes=3, heures=2)  # 5 people, 120 minutes
    atelier_enregistre(ctx, presents=[], anonymes=4, heures=1)  # 4 people, 60 minutes
    individuelle(ctx, duree_minutes=40)
    individuelle(ctx, anonyme={}, duree_minutes=20)
    individuelle(ctx, acteur=ctx["collegue"], duree_minutes=15)
    supprimee = individuelle(ctx, duree_minutes=300)
    activites.delete_activite(acteur=ctx["mediateur"], activite=supprimee)
    return ctx, presents


@pytest.mark.parametrize(
    "params, attendu",
    [
        ({}, (5, 3, 2, 5 + 4 + 3, 120 + 60 + 40 + 20 + 15)),
        ({"type": "collectif"}, (2, 0, 2, 9, 180)),
        ({"type": "individuel"}, (3, 3, 0, 3, 75)),
        ({"portee": "miennes"}, (4, 2, 2, 11, 240)),
        ({"du": "2000-01-01", "au": "2000-01-31"}, (0, 0, 0, 0, 0)),
    ],
)
def test_totals_of_a_filtered_list(monde, django_assert_num_queries, params, attendu):
    ctx, _ = monde
    qs, _ = filter_activites(ctx["mediateur"], params)
    with django_assert_num_queries(1):
        totaux = activites.counts(qs)
    assert totaux == dict(zip(activites.TOTAUX, attendu, strict=True))


def test_totals_of_one_person_count_every_participant_of_theiratelier_enregistre(monde):
    """The person filter joins the participants: the workshop still counts its 5 people and
    its 120 minutes once."""
    ctx, presents = monde
    qs, _ = filter_activites(ctx["mediateur"], {"personne": str(presents[0].uuid)})
    assert activites.counts(qs) == {
        "activites": 1,
        "individuels": 0,
        "collectifs": 1,
        "participants": 5,
        "duree_minutes": 120,
    }


def test_totals_of_a_person_nobody_may_see_cost_no_query(monde, django_assert_num_queries):
    ctx, _ = monde
    qs, _ = filter_activites(ctx["autre"], {"personne": str(ctx["personne"].uuid)})
    with django_assert_num_queries(0):
        assert activites.counts(qs) == dict.fromkeys(activites.TOTAUX, 0)
