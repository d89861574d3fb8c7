"""The demo's activity records and likely duplicates: four weeks of varied records for each
demo médiateur, the closed workshops recorded, two pairs of likely duplicate files; a second
run creates nothing."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from ateliers.enums import StatutSession
from ateliers.models import Session
from inclusion.models import Beneficiaire, Journal
from mediation.demo_activites import MEDIATEURS
from mediation.models import Activite, Participant
from mediation.vocabulaire import TypeActivite, TypeLieu

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _counts():
    return (
        Activite.objects.count(),
        Participant.objects.count(),
        Beneficiaire.objects.count(),
        Journal.objects.count(),
    )


def test_demo_records_and_duplicates(settings):
    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    today = timezone.localdate()
    individuelles = Activite.objects.filter(type=TypeActivite.INDIVIDUEL, diagnostic__isnull=True)
    par_mediateur = dict(
        individuelles.values_list("mediateur__email").annotate(n=Count("pk")).order_by()
    )
    assert set(par_mediateur) == set(MEDIATEURS)
    assert all(n >= 20 for n in par_mediateur.values()), par_mediateur
    # Four weeks back from the demo's clock, nothing in the future.
    dates = list(individuelles.values_list("date", flat=True))
    assert min(dates) >= today - datetime.timedelta(days=28) and max(dates) <= today
    # Varied: every canal, réorientés, anonymous people and people's files, a procedure.
    assert set(individuelles.values_list("type_lieu", flat=True)) == set(TypeLieu.values)
    assert individuelles.filter(reoriente=True).exists()
    assert individuelles.filter(participants__beneficiaire__isnull=True).exists()
    assert individuelles.filter(participants__beneficiaire__isnull=False).exists()
    assert individuelles.exclude(nom_demarche="").exists()
    assert len({tuple(t) for t in individuelles.values_list("thematiques", flat=True)}) >= 10
    # Every closed session of the demo is recorded, once.
    fermees = Session.objects.filter(statut=StatutSession.TERMINEE)
    assert fermees.exists()
    collectives = Activite.objects.filter(type=TypeActivite.COLLECTIF)
    assert set(collectives.values_list("session", flat=True)) == set(
        fermees.values_list("pk", flat=True)
    )
    # Two likely duplicates, each seen by a demo professional.
    helenes = Beneficiaire.objects.filter(telephone="+33600990001")
    assert sorted(helenes.values_list("prenom", flat=True)) == ["Helene", "Hélène"]
    assert {b.structure.nom for b in helenes} == {"CCAS de Bellerive-sur-Lys"}
    marcels = Beneficiaire.objects.filter(prenom="Marcel", annee_naissance=1947)
    assert sorted(marcels.values_list("nom", flat=True)) == ["Lefebre", "Lefebvre"]

    before = _counts()
    call_command("demo", "--wet-run", verbosity=0)
    assert _counts() == before
