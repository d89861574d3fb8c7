"""Two confirmations of the same file at the same moment create each person once
(PostgreSQL: the structure's row is locked for the length of an import)."""

import time
from pathlib import Path

import pytest

from inclusion.enums import Role
from inclusion.models import Beneficiaire
from inclusion.services import import_personnes as service
from tests.inclusion.factories import StructureFactory, member
from tests.pass_numerique.test_concurrency import _hammer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_create_each_person_once(monkeypatch):
    structure = StructureFactory()
    acteurs = [member(Role.PRESCRIPTEUR, structure=structure) for _ in range(2)]
    lignes = service.read_file((FIXTURES / "personnes.csv").read_bytes()).lignes
    original = service.analyse

    def analyse_then_pause(**kwargs):
        resultat = original(**kwargs)
        time.sleep(0.3)  # checked, not yet written: the other confirmation checks now
        return resultat

    monkeypatch.setattr(service, "analyse", analyse_then_pause)

    def worker(i):
        _, comptes = service.import_rows(acteur=acteurs[i], structure=structure, lignes=lignes)
        return [comptes[service.CREER]]

    assert sorted(_hammer(worker, threads=2)) == [0, 4]
    assert Beneficiaire.objects.filter(structure=structure).count() == 4
