""" "Mes activités": SQL queries and render time of the list page (25 a page, counts at the top)
with 10, 1,000 and 10,000 records, on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/activites_liste.py [--sizes 10 1000 10000] [--runs 10]

Creates the throwaway database inclusion_bench_activites, migrates it, seeds one structure
with 2 médiateurs, 2 lieux and 300 people through the services, then the records with
bulk_create (90 % individual with one participant, 10 % workshops with three). At each size
the médiateur's list is requested through the test client (signed in, templates warm): the
first page unfiltered, then filtered by a thématique and a period. Prints a table, writes
bench/results/activites_liste.json and drops the database, even on failure.
Target (issue 15): the same number of queries from 10 to 10,000 records.
"""

import argparse
import datetime
import random
import statistics
import sys
import time

from common import ROOT, drop_database, say, setup_django, write_results

RESULTS = ROOT / "bench" / "results" / "activites_liste.json"
DB_NAME = "inclusion_bench_activites"


def seed_world():
    from inclusion.enums import Genre, Role, Statut, TrancheAge
    from inclusion.models import Beneficiaire
    from inclusion.services import territoire

    commune = territoire.create_commune(nom="Banc", code_insee="33992", codes_postaux="33992")
    structure = territoire.create_structure(
        nom="Espace numérique banc", pivot="43493312300029", type="ccas", commune=commune
    )
    lieux = [
        territoire.create_lieu(
            structure=structure,
            nom=f"Lieu banc {i}",
            commune=commune,
            code_postal="33992",
            adresse=f"{i} rue du Banc",
        )
        for i in range(2)
    ]
    mediateurs = []
    for i in range(2):
        user = territoire.create_user(email=f"med{i}@bench.example", prenom=f"Med{i}", nom="Banc")
        territoire.add_membership(user=user, structure=structure, role=Role.MEDIATEUR)
        mediateurs.append(user)
    rng = random.Random(15)
    Beneficiaire.objects.bulk_create(
        Beneficiaire(
            structure=structure,
            prenom=f"Personne{i}",
            nom="Banc",
            commune=commune,
            genre=rng.choice(Genre.values),
            tranche_age=rng.choice(TrancheAge.values),
            statut=rng.choice(Statut.values),
        )
        for i in range(300)
    )
    return {
        "structure": structure,
        "lieux": lieux,
        "mediateurs": mediateurs,
        "personnes": list(Beneficiaire.objects.all()),
        "rng": rng,
    }


def seed_records(w, count, batch=5000):
    """`count` more records (and their participants) with bulk_create."""
    from django.utils import timezone

    from inclusion.enums import Genre, Statut, TrancheAge
    from mediation.models import Activite, Participant
    from mediation.vocabulaire import Materiel, Thematique, TypeActivite

    rng = w["rng"]
    today = timezone.localdate()
    done = 0
    while done < count:
        n = min(batch, count - done)
        records, shapes = [], []
        for _ in range(n):
            collectif = rng.random() < 0.1
            records.append(
                Activite(
                    type=TypeActivite.COLLECTIF if collectif else TypeActivite.INDIVIDUEL,
                    mediateur=rng.choice(w["mediateurs"]),
                    structure=w["structure"],
                    date=today - datetime.timedelta(days=rng.randrange(365)),
                    duree_minutes=rng.choice((15, 30, 45, 60, 90)),
                    lieu=rng.choice(w["lieux"]),
                    thematiques=rng.sample(Thematique.values, rng.randint(1, 3)),
                    materiel=rng.sample(Materiel.values, rng.randint(0, 2)),
                    autonomie="" if collectif else "partiellement_autonome",
                    niveau="debutant" if collectif else "",
                    titre_atelier="Prendre en main son smartphone" if collectif else "",
                    participants_anonymes=1 if collectif else 0,
                )
            )
            shapes.append(collectif)
        Activite.objects.bulk_create(records)
        participants = []
        for activite, collectif in zip(records, shapes, strict=True):
            personnes = rng.sample(w["personnes"], 2) if collectif else [rng.choice(w["personnes"])]
            for personne in personnes + ([None] if collectif else []):
                participants.append(
                    Participant(
                        activite=activite,
                        beneficiaire=personne,
                        genre=personne.genre if personne else Genre.NON_COMMUNIQUE,
                        tranche_age=personne.tranche_age if personne else TrancheAge.NON_COMMUNIQUE,
                        statut_social=personne.statut if personne else Statut.NON_COMMUNIQUE,
                        commune=personne.commune if personne else None,
                    )
                )
        Participant.objects.bulk_create(participants)
        done += n


def measure(client, params, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("activites:liste")
    client.get(url, params)  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    return {
        "status": response.status_code,
        "records_listed": response.context["totaux"]["activites"],
        "rows_on_page": len(response.context["activites"]),
        "queries": len(captured.captured_queries),
        "ms_median": round(statistics.median(times) * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    results = []
    try:
        setup_django(DB_NAME)
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.utils import timezone

        setup_test_environment()  # response.context, to check what the page lists

        w = seed_world()
        client = Client()
        client.force_login(w["mediateurs"][0])
        today = timezone.localdate()
        filtered = {
            "thematique": "email",
            "du": (today - datetime.timedelta(days=90)).isoformat(),
            "au": today.isoformat(),
        }
        seeded = 0
        for size in sorted(args.sizes):
            say(f"seeding up to {size} records…")
            seed_records(w, size - seeded)
            seeded = size
            results.append(
                {
                    "records": size,
                    "all": measure(client, {}, args.runs),
                    "filtered": measure(client, filtered, args.runs),
                }
            )
    finally:
        drop_database(DB_NAME)
    say(f"\n{'records':>8} {'queries':>8} {'ms':>8} {'queries (filtered)':>19} {'ms':>8}")
    for r in results:
        say(
            f"{r['records']:>8} {r['all']['queries']:>8} {r['all']['ms_median']:>8} "
            f"{r['filtered']['queries']:>19} {r['filtered']['ms_median']:>8}"
        )
    write_results(RESULTS, vars(args), sizes=results)
    queries = {r[k]["queries"] for r in results for k in ("all",)}
    bad = any(r[k]["status"] != 200 for r in results for k in ("all", "filtered"))
    if bad or len(queries) != 1:
        say("the number of queries changed with the number of records, or a page failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
