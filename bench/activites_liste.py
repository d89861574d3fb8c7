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
import statistics
import sys
import time

from activites_seed import seed_records, seed_world
from common import ROOT, drop_database, say, setup_django, write_results

RESULTS = ROOT / "bench" / "results" / "activites_liste.json"
DB_NAME = "inclusion_bench_activites"


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

        w = seed_world(nb_lieux=2, nb_mediateurs=2, nb_personnes=300)
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
            seed_records(w, size - seeded, part_collectif=0.1)
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
