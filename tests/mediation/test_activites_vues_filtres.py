"""Issue 15: the filters of "Mes activités" (shared with the export)."""

import datetime

import pytest
from django.http import QueryDict

from mediation.filters_activites import filter_activites
from mediation.services import activites
from mediation.vocabulaire import Thematique, TypeActivite, TypeLieu
from tests.clock import TODAY
from tests.inclusion.factories import LieuFactory
from tests.mediation.factories_activites import individuelle, setup_activites

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def ctx():
    return setup_activites()


def pks(qs):
    return {a.pk for a in qs}


def test_no_filter_gives_the_visible_live_records(ctx):
    mienne = individuelle(ctx)
    collegue = individuelle(ctx, acteur=ctx["collegue"])
    supprimee = individuelle(ctx)
    activites.delete_activite(acteur=ctx["mediateur"], activite=supprimee)
    individuelle(ctx, acteur=ctx["autre"], anonyme={})
    qs, lisibles = filter_activites(ctx["mediateur"], {})
    assert pks(qs) == {mienne.pk, collegue.pk}
    assert lisibles == []


def test_period_type_thematique_and_scope(ctx):
    hier = individuelle(ctx, date=TODAY - datetime.timedelta(days=1))
    sante = individuelle(ctx, thematiques=[Thematique.SANTE])
    social = individuelle(ctx, thematiques=[Thematique.SOCIAL_SANTE])
    collegue = individuelle(ctx, acteur=ctx["collegue"])
    params = QueryDict(f"du={TODAY.isoformat()}&au={TODAY.isoformat()}")
    qs, lisibles = filter_activites(ctx["mediateur"], params)
    assert pks(qs) == {sante.pk, social.pk, collegue.pk}
    assert lisibles == [("Période", "du 17/11/2026 au 17/11/2026")]

    # A key matches whole keys only: "sante" is not "social_sante".
    qs, lisibles = filter_activites(ctx["mediateur"], {"thematique": "sante"})
    assert pks(qs) == {sante.pk}
    assert lisibles == [("Thématique", Thematique.SANTE.label)]

    qs, lisibles = filter_activites(ctx["mediateur"], {"portee": "miennes", "type": "individuel"})
    assert pks(qs) == {hier.pk, sante.pk, social.pk}
    assert ("Type", TypeActivite.INDIVIDUEL.label) in lisibles
    assert ("Portée", "Mes activités") in lisibles


def test_place_and_person(ctx):
    autre_lieu = LieuFactory(structure=ctx["structure"])
    ici = individuelle(ctx, lieu=ctx["lieu"])
    la_bas = individuelle(ctx, lieu=autre_lieu, anonyme={})
    distance = individuelle(ctx, type_lieu=TypeLieu.A_DISTANCE, anonyme={})
    qs, lisibles = filter_activites(ctx["mediateur"], {"lieu": str(autre_lieu.pk)})
    assert pks(qs) == {la_bas.pk}
    assert lisibles == [("Lieu", autre_lieu.nom)]
    qs, lisibles = filter_activites(ctx["mediateur"], {"personne": str(ctx["personne"].uuid)})
    assert pks(qs) == {ici.pk}
    assert lisibles[0][0] == "Personne"
    assert distance.pk not in pks(qs)


def test_a_person_of_another_structure_matches_nothing(ctx):
    individuelle(ctx)
    qs, lisibles = filter_activites(ctx["autre"], {"personne": str(ctx["personne"].uuid)})
    assert list(qs) == []
    assert lisibles == [("Personne", "personne introuvable")]


@pytest.mark.parametrize(
    "params",
    [
        {"du": "hier", "au": "2026-13-45"},
        {"type": "nimporte"},
        {"thematique": "pas_une_cle"},
        {"lieu": "abc"},
        {"lieu": "999999"},
        {"personne": "pas-un-uuid"},
        {"portee": "toutes"},
        {"du": ["2026-11-17"], "type": []},
    ],
)
def test_invalid_values_are_ignored(ctx, params):
    a = individuelle(ctx)
    qs, lisibles = filter_activites(ctx["mediateur"], params)
    if params.get("du") == ["2026-11-17"]:
        assert lisibles == [("Période", "à partir du 17/11/2026")]
    else:
        assert lisibles == []
    assert pks(qs) == {a.pk}


def test_anonymous_user_sees_nothing(ctx):
    from django.contrib.auth.models import AnonymousUser

    individuelle(ctx)
    qs, _ = filter_activites(AnonymousUser(), {})
    assert list(qs) == []
