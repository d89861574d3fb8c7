import pytest
from django.core.management import call_command

from pass_numerique.enums import StatutCarnet, StatutReleve
from pass_numerique.models import Carnet, Encaissement, Programme, Releve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _snapshot():
    return (
        sorted(Carnet.objects.values_list("statut", "nb_cheques", "nb_cheques_utilises")),
        Encaissement.objects.count(),
        sorted(Releve.objects.values_list("statut", "nb_cheques")),
    )


def test_pass_demo_has_every_state_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    assert Programme.objects.count() == 2
    states = set(Carnet.objects.values_list("statut", flat=True))
    assert states == set(StatutCarnet.values)
    assert 35 <= Carnet.objects.count() <= 50
    dates = Encaissement.objects.dates("encaisse_le", "month")
    assert len(dates) >= 3
    assert Releve.objects.filter(statut=StatutReleve.PAYE).exists()
    assert Releve.objects.filter(statut=StatutReleve.A_PAYER).exists()
    before = _snapshot()
    call_command("demo", "--wet-run", verbosity=0)
    assert _snapshot() == before
