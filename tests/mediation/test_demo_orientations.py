"""The demo's orientations (mediation/demo_orientations.py): every status, two waiting long
enough to be reminded, a theme sent to two places; a second run creates nothing."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from inclusion import registry
from inclusion.models import Journal
from mediation import demo_orientations
from mediation.enums_orientations import StatutOrientation, TypeOrientation
from mediation.models import Destinataire, Orientation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    # mediation/apps.py registers it in the project; here without touching the registry for
    # the other tests.
    monkeypatch.setitem(registry._demo_builders, "orientations", (50, demo_orientations.build))


def _counts():
    return (Orientation.objects.count(), Destinataire.objects.count(), Journal.objects.count())


def test_demo_orientations_in_every_status(settings):
    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    orientations = Orientation.objects.all()
    assert set(orientations.values_list("statut", flat=True)) == set(StatutOrientation.values)
    acceptees = orientations.filter(statut=StatutOrientation.ACCEPTEE)
    # Accepted with an appointment to come, and with a session (the registration made).
    assert acceptees.filter(inscription__isnull=True, rdv_le__gt=timezone.now()).exists()
    assert acceptees.filter(inscription__isnull=False, session__isnull=False).exists()
    refusees = orientations.filter(statut=StatutOrientation.REFUSEE)
    assert all(o.motifs_refus for o in refusees) and refusees.count() >= 2
    # Waiting for 12 and 22 days, reminded by today's sweep (once, twice).
    now = timezone.now()
    attente = {
        (now - o.cree_le).days: o.relances
        for o in orientations.filter(
            statut__in=(StatutOrientation.OUVERTE, StatutOrientation.PRISE_EN_COMPTE)
        )
    }
    assert attente.get(12) == 1 and attente.get(22) == 2, attente
    # A theme sent to two places (or more), one still waiting at each.
    themes = orientations.filter(type=TypeOrientation.THEME).annotate(n=Count("destinataires"))
    assert themes.filter(n__gte=2, statut=StatutOrientation.OUVERTE).exists()
    assert themes.filter(n__gte=2, statut=StatutOrientation.ACCEPTEE).exists()
    # Everything in the past, nothing decided before it was sent.
    for o in orientations:
        assert o.cree_le < now
        assert o.decide_le is None or o.decide_le > o.cree_le
    expiree = orientations.get(statut=StatutOrientation.EXPIREE)
    assert expiree.expire_le - expiree.cree_le >= datetime.timedelta(days=30)
    assert expiree.expire_le < now - datetime.timedelta(days=3)

    before = _counts()
    call_command("demo", "--wet-run", verbosity=0)
    assert _counts() == before
