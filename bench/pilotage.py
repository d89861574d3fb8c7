"""The dashboards (/pro/pilotage/): p50 and p95 of the whole page in-process and its SQL
queries, with the demo's data ×1 and ×N (default 100), on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/pilotage.py [--fois 100] [--repetitions 20] [--skip-no-jit]

Creates the throwaway database inclusion_bench_pilotage, migrates it, runs the demo once
(`manage.py demo --wet-run`: every module's data through the services), measures, then clones
the demo's rows N-1 more times with bulk_create (bench/pilotage_seed.py: people, carnets,
chèques, redemptions, sessions, registrations, activity records, orientations, SMS; dates
spread over the last 12 months) and measures again. Each measure: the page requested through
Django's test client (every middleware, signed in; the real clock), for the coordinator
(the territory), a médiateur and a prescripteur of the demo, with the default filters (the
last 12 months) and with a commune; warm-up, then R timed requests (p50, p95), then one more
under CaptureQueriesContext for the queries. Each section's own queries and time are also
measured by calling it directly (each viewer, default filters, with its slowest query).
Then the ×N pages again with PostgreSQL's JIT compilation off (PGOPTIONS="-c jit=off" for the
new connections; --skip-no-jit leaves that pass out). Prints a table, writes
bench/results/pilotage.json and drops the database, even on failure. What to look for: the
same number of queries at ×1 and ×N (each section aggregates in the database).
"""

import argparse
import os
import statistics
import sys
import time

from common import ROOT, drop_database, say, setup_django, write_results
from pilotage_seed import counts, multiply, seed_demo

RESULTS = ROOT / "bench" / "results" / "pilotage.json"
DB_NAME = "inclusion_bench_pilotage"
URL = "/pro/pilotage/"
VIEWERS = {
    "coordinateur": "coordinateur@demo.example",
    "mediateur": "mediateur@demo.example",
    "prescripteur": "prescripteur@demo.example",
}
COMMUNE = "33901"  # Bellerive-sur-Lys: the médiateur's places are there
SECTION_TITLES = ("Pass numérique", "Ateliers", "Accompagnements", "Orientations", "SMS")


def percentile(values, fraction):
    """Nearest-rank percentile (p95 of 20 values: the 19th)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def signed_in(client, user):
    """A session as after the sign-in: a coordinator enrols an app and passes the second
    factor (the middleware requires it of them), as the real page's visitors do."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.oath import totp

    from inclusion.double_facteur import requires_second_factor
    from inclusion.services import double_facteur

    device = None
    if requires_second_factor(user):
        device = double_facteur.start_enrolment(user)
        double_facteur.confirm_enrolment(user, device, f"{totp(device.bin_key):06d}")
        user.refresh_from_db()
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure_page(client, params, repetitions, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(URL, params)
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        response = client.get(URL, params)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            break
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    html = response.content.decode()
    return {
        "status": response.status_code,
        "sections_shown": [t for t in SECTION_TITLES if t in html],
        "bytes": len(response.content),
        "queries": len(captured.captured_queries),
        "ms_p50": round(statistics.median(times), 1),
        "ms_p95": round(percentile(times, 0.95), 1),
        "ms_min": round(min(times), 1),
        "sql": [q["sql"] for q in captured.captured_queries],
        "slowest": slowest(captured),
    }


def slowest(captured, n=3):
    """The n slowest queries of a capture (ms, SQL cut at 300 characters): where time goes."""
    ranked = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:n]
    return [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:300]} for q in ranked]


def measure_sections(users, repetitions):
    """Each section function for each viewer, default filters: queries, median ms and the
    slowest query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mediation.pilotage import tableau_de_bord
    from mediation.pilotage.filtres import parse_filtres, portee_for

    filtres = parse_filtres({})
    figures = {}
    for role, user in users.items():
        portee = portee_for(user)
        for function in tableau_de_bord.section_functions():
            name = function.__module__.rsplit(".", 1)[-1].removeprefix("section_")
            function(filtres, portee)  # warm
            times = []
            for _ in range(max(5, repetitions // 4)):
                start = time.perf_counter()
                function(filtres, portee)
                times.append((time.perf_counter() - start) * 1000)
            with CaptureQueriesContext(connection) as captured:
                function(filtres, portee)
            figures[f"{role}/{name}"] = {
                "queries": len(captured.captured_queries),
                "ms_p50": round(statistics.median(times), 1),
                "slowest": slowest(captured, 1),
            }
    return figures


def measure_all(clients, users, commune_id, args):
    pages = {}
    for role, client in clients.items():
        for label, params in (("defaut", {}), ("commune", {"commune": commune_id})):
            pages[f"{role}/{label}"] = measure_page(client, params, args.repetitions, args.warmup)
    return {"pages": pages, "sections": measure_sections(users, args.repetitions)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fois", type=int, default=100, help="the demo's volume × N")
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument(
        "--skip-no-jit", action="store_true", help="skip the third pass (×N, JIT off)"
    )
    args = parser.parse_args()
    runs, tables, seeding = {}, {}, {}
    try:
        setup_django(args.db_name)
        from django.test import Client

        from inclusion.models import Commune, User

        start = time.perf_counter()
        seed_demo()
        seeding["demo_s"] = round(time.perf_counter() - start, 1)
        tables["x1"] = counts()
        users = {role: User.objects.get(email=email) for role, email in VIEWERS.items()}
        clients = {role: signed_in(Client(), user) for role, user in users.items()}
        commune_id = Commune.objects.get(code_insee=COMMUNE).pk
        say("demo ×1: measuring…")
        runs["x1"] = measure_all(clients, users, commune_id, args)
        say(f"cloning the demo's rows up to ×{args.fois}…")
        start = time.perf_counter()
        multiply(args.fois, say=say)
        seeding["clone_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give after a while
        seeding["analyze_s"] = round(time.perf_counter() - start, 1)
        tables[f"x{args.fois}"] = counts()
        say(f"demo ×{args.fois}: measuring…")
        runs[f"x{args.fois}"] = measure_all(clients, users, commune_id, args)
        if not args.skip_no_jit:
            # PostgreSQL compiles a query whose estimated cost passes jit_above_cost; the
            # same pages again with JIT off for every new connection (libpq reads PGOPTIONS).
            say(f"demo ×{args.fois}, JIT off: measuring…")
            os.environ["PGOPTIONS"] = "-c jit=off"
            connection.close()
            runs[f"x{args.fois}_sans_jit"] = measure_all(clients, users, commune_id, args)
    finally:
        drop_database(args.db_name)

    big = f"x{args.fois}"
    say(f"\n{'table':<30} {'×1':>8} {'×' + str(args.fois):>10}")
    for label, n in tables["x1"].items():
        say(f"{label:<30} {n:>8} {tables[big][label]:>10}")
    say(f"seeding: demo {seeding['demo_s']} s, clones {seeding['clone_s']} s")
    cold = runs.get(f"{big}_sans_jit")
    say(
        f"\n{'page':<24} {'queries ×1':>10} {'p50 ×1':>8} {'p95 ×1':>8} "
        f"{'queries ×N':>10} {'p50 ×N':>8} {'p95 ×N':>8} {'p50 ×N no JIT':>14} {'p95':>8}"
    )
    for key, small in runs["x1"]["pages"].items():
        large = runs[big]["pages"][key]
        nojit = cold["pages"][key] if cold else {"ms_p50": "-", "ms_p95": "-"}
        say(
            f"{key:<24} {small['queries']:>10} {small['ms_p50']:>8} {small['ms_p95']:>8} "
            f"{large['queries']:>10} {large['ms_p50']:>8} {large['ms_p95']:>8} "
            f"{nojit['ms_p50']:>14} {nojit['ms_p95']:>8}"
        )
    say(
        f"\n{'section (default filters)':<30} {'queries ×1':>10} {'ms ×1':>8} {'queries ×N':>10} "
        f"{'ms ×N':>8} {'ms ×N no JIT':>13}"
    )
    for name, small in runs["x1"]["sections"].items():
        large = runs[big]["sections"][name]
        nojit = cold["sections"][name]["ms_p50"] if cold else "-"
        say(
            f"{name:<30} {small['queries']:>10} {small['ms_p50']:>8} {large['queries']:>10} "
            f"{large['ms_p50']:>8} {nojit:>13}"
        )
    # The SQL is kept in the JSON only where the count moved (to find which query).
    moved = []
    for key, small in runs["x1"]["pages"].items():
        large = runs[big]["pages"][key]
        if small["queries"] != large["queries"]:
            moved.append(key)
        else:
            for run in runs.values():
                run["pages"][key].pop("sql")
    write_results(RESULTS, vars(args), tables=tables, seeding=seeding, runs=runs)
    failed = [
        key for run in runs.values() for key, page in run["pages"].items() if page["status"] != 200
    ]
    if failed or moved:
        say(f"pages that failed: {failed}; query count moved with the data: {moved}")
        sys.exit(1)


if __name__ == "__main__":
    main()
