"""Anonymisation moves no figure of the dashboards (issue 18): the pilotage world's sections,
for the territory, a médiateur and a prescripteur, are equal before and after every file of
the world is anonymised."""

import pytest

from inclusion.models import Beneficiaire
from inclusion.services import anonymisation
from mediation.pilotage.tableau_de_bord import sections
from tests.clock import FROZEN_AT
from tests.mediation.monde_pilotage import FILTRES, monde_for_module, portees

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    yield from monde_for_module(django_db_blocker)


def test_dashboard_figures_unchanged_by_anonymisation(monde):
    vues = portees(monde)
    avant = {nom: sections(FILTRES, portee) for nom, portee in vues.items()}
    assert any(s.chiffres for s in avant["territoire"])
    ids = list(Beneficiaire.objects.values_list("pk", flat=True))
    counts = anonymisation.anonymise_files(ids, now=FROZEN_AT, raison="inactivite")
    assert counts[anonymisation.CLE_DOSSIERS] == len(ids) == 6
    apres = {nom: sections(FILTRES, portee) for nom, portee in vues.items()}
    for nom in vues:
        assert apres[nom] == avant[nom], nom
