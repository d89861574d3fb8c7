import pytest
from django.core.management import call_command

from ateliers.models import Inscription, Parcours, Session, Theme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _snapshot():
    return (
        Theme.objects.count(),
        Parcours.objects.count(),
        sorted(Session.objects.values_list("statut", "capacite", "nb_inscrits")),
        sorted(Inscription.objects.values_list("statut", "rang_attente")),
    )


def test_ateliers_demo_is_realistic_and_idempotent(settings):
    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    assert Theme.objects.count() >= 15
    assert Parcours.objects.filter(etapes__isnull=False).distinct().count() == 2
    statuts = set(Session.objects.values_list("statut", flat=True))
    assert statuts == {"planifiee", "terminee", "annulee"}
    assert Inscription.objects.filter(statut="en_attente").exists()
    assert Inscription.objects.filter(statut="present").exists()
    assert Inscription.objects.filter(encaissement__isnull=False).exists()
    before = _snapshot()
    call_command("demo", "--wet-run", verbosity=0)
    assert _snapshot() == before
