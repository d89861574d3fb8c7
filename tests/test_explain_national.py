"""The hot queries use indexes: each hot path (redemption, a person's file, the pro lists, the
SMS sweep, the journal purge, the dashboard) runs for real on a territory seeded by
bench/national/seed.py at a small scale, its SQL is captured, and the plan of every statement
that touches a big table is read from EXPLAIN (FORMAT JSON).

How the plans are made honest at a small size: the seed is ANALYZEd, then each EXPLAIN runs
with sequential scans, hash joins and merge joins disabled for that one statement (at a few
thousand rows the planner rightly prefers them; disabled, it uses an index wherever one can
serve). It still falls back to a Seq Scan when no index can serve, so a Seq Scan (or an index
read whole, with no Index Cond and no LIMIT above it) on a big table means an index is
missing, or a filter no index can serve. What the planner chooses at national size with the
real statistics is recorded by bench/national/mesures.py (bench/results/national_mesures.json).
"""

import datetime
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.clock import FROZEN_AT

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "national"))

import requetes_chaudes  # noqa: E402
import seed  # noqa: E402

ECHELLE = 0.002

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def territoire(django_db_setup, django_db_blocker):
    """A small national territory, committed (the seed manages its own statements), emptied
    afterwards so the other tests find the database as migrations left it."""
    with django_db_blocker.unblock():
        seed.seed(connection, ECHELLE, now=FROZEN_AT, log=lambda text: None)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(seed.TABLES)} RESTART IDENTITY CASCADE")
                cursor.execute(
                    "DELETE FROM inclusion_user WHERE email LIKE %s", ["%@national.example"]
                )


@pytest.fixture
def chemins(territoire, db, settings, frozen):
    settings.INCLUSION_DOUBLE_FACTEUR = "aucun"
    monde = requetes_chaudes.Monde()
    now = FROZEN_AT
    return requetes_chaudes.hot_paths(monde, now)


CHEMINS = [
    "encaisser un chèque par les vues",
    "vérifier un chèque (service)",
    "fiche d'une personne",
    "carnet et ses chèques",
    "liste des personnes",
    "liste des carnets",
    "sessions à venir (mes sessions)",
    "liste des sessions",
    "inscriptions d'une session",
    "activités d'un médiateur",
    "SMS dus (balayage)",
    "purge du journal (un mois)",
    # The people reached as a UNION of their contacts' ids (an OR of three EXISTS read every
    # file); the SMS by their `about` label, realistic in the seed since issue 19's last pass.
    "tableau de bord (médiateur)",
    # Read a whole year of activity records before mediation 0007 (activite_date_vivante).
    "tableau de bord (prescripteur)",
]
# Not here: requetes_chaudes.TERRITOIRE, the coordinator's territory-wide dashboard, whose
# aggregates over a year read a third of each table (sequential scans are right; its time is
# measured by bench/national/mesures.py).


@pytest.mark.parametrize("nom", CHEMINS)
def test_hot_path_reads_big_tables_through_indexes(chemins, nom):
    statements = requetes_chaudes.capture(connection, chemins[nom])
    checked = [sql for sql in statements if requetes_chaudes.explainable(sql)]
    assert checked, f"{nom}: no statement on a big table captured"
    problems = []
    for sql in checked:
        plan = requetes_chaudes.plan_of(connection, sql, forced=True)
        scans = requetes_chaudes.full_scans(plan)
        if scans:
            problems.append(f"{sql[:3000]}\n{requetes_chaudes.summary(plan)}")
    assert not problems, f"{nom}:\n\n" + "\n\n".join(problems)


def test_a_missing_index_is_caught(territoire, db):
    """The check can fail: a filter on a column without an index is a Seq Scan."""
    sql = "SELECT id FROM inclusion_smsmessage WHERE erreur_code = '30003'"
    plan = requetes_chaudes.plan_of(connection, sql, forced=True)
    assert requetes_chaudes.full_scans(plan) == ["Seq Scan on inclusion_smsmessage"]


def test_the_seed_respects_the_proportions(territoire, db):
    from ateliers.models import Inscription, Session
    from inclusion.models import Beneficiaire, Journal, SmsMessage
    from pass_numerique.models import Carnet, Cheque, Encaissement

    n = seed.counts(ECHELLE)
    assert Beneficiaire.objects.count() == n["beneficiaires"]
    assert Carnet.objects.count() == n["carnets"]
    assert Cheque.objects.count() == 10 * n["carnets"]
    assert Session.objects.count() == n["sessions"]
    assert Inscription.objects.count() == 10 * n["sessions"]
    assert SmsMessage.objects.count() == n["sms"]
    assert Journal.objects.count() == n["journal"]
    # Most chèques unused; every cashed one has its redemption.
    encaisses = Cheque.objects.filter(statut="encaisse").count()
    assert 0.1 * Cheque.objects.count() < encaisses < 0.4 * Cheque.objects.count()
    assert Encaissement.objects.count() == encaisses
    # Sessions past and future.
    assert Session.objects.filter(debut__gt=FROZEN_AT).exists()
    assert Session.objects.filter(debut__lt=FROZEN_AT - datetime.timedelta(days=365)).exists()
    assert SmsMessage.objects.filter(statut="a_envoyer").exists()
