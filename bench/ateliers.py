"""Ateliers: registrations per second through the service on PostgreSQL, and the query count
and render time of the attendance (émargement) page for a 30-person session.

Run from the repository root:

    .venv/bin/python bench/ateliers.py [--registrations N]

Creates the throwaway database inclusion_bench_ateliers, migrates it, seeds through the
services, measures, prints a table, writes bench/results/ateliers.json and drops the database,
even on failure.
"""

import argparse
import datetime
import statistics
import sys
import threading
import time

from common import (
    ROOT,
    drop_database,
    run_threads,
    say,
    seed_member,
    seed_sessions,
    seed_structure,
    seed_theme,
    setup_django,
    write_results,
)

RESULTS = ROOT / "bench" / "results" / "ateliers.json"
DB_NAME = "inclusion_bench_ateliers"


def setup_environment():
    setup_django(DB_NAME)


def seed(nb_people, nb_sessions):
    from django.utils import timezone

    from inclusion.enums import Role
    from inclusion.services import beneficiaires

    _, structure, lieu = seed_structure(
        commune="Banc",
        code_insee="33991",
        code_postal="33991",
        structure="Médiathèque banc",
        pivot="43493312300029",
        type="mediatheque",
        lieu="Lieu banc",
        adresse="1 rue",
    )
    mediateur = seed_member(
        structure, Role.MEDIATEUR, "med@bench.example", password="bench-password-123"
    )
    made = seed_sessions(
        acteur=mediateur,
        theme=seed_theme(),
        lieu=lieu,
        start=timezone.now() + datetime.timedelta(days=2),
        count=nb_sessions,
        capacite=30,
    )
    people = [
        beneficiaires.create_beneficiaire(
            acteur=mediateur, structure=structure, prenom=f"Personne{i}", sans_telephone=True
        )
        for i in range(nb_people)
    ]
    return {"mediateur": mediateur, "sessions": made, "people": people}


def registrations_per_second(ctx, pairs, workers):
    from django.db import connections

    from ateliers.enums import Canal
    from ateliers.services import registrations

    chunks = [pairs[i::workers] for i in range(workers)]
    errors = []

    def run(chunk):
        try:
            for session, person in chunk:
                registrations.register(
                    session=session, beneficiaire=person, canal=Canal.PRO, acteur=ctx["mediateur"]
                )
        except Exception as error:  # reported in the results
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    elapsed = run_threads(threads)
    return {
        "workers": workers,
        "registrations": len(pairs),
        "seconds": round(elapsed, 3),
        "per_second": round(len(pairs) / elapsed, 1),
        "errors": errors[:5],
    }


def attendance_page(ctx, session):
    import time_machine
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    url = reverse("emargement:session", args=[session.pk])
    # Measured while the session is on: before its start the page shows only when the
    # attendance opens (issue 12), which would measure a much lighter page. Signed in there,
    # so that the session cookie has not expired.
    with time_machine.travel(session.debut + datetime.timedelta(minutes=10)):
        client.force_login(ctx["mediateur"])
        client.get(url)  # warm templates
        times = []
        for _ in range(10):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
    return {
        "status": response.status_code,
        "people": session.inscriptions.count(),
        "queries": len(captured.captured_queries),
        "render_ms_median": round(statistics.median(times) * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=1500)
    args = parser.parse_args()
    try:
        setup_environment()
        nb_sessions = max(2 * args.registrations // 30 + 2, 4)
        people_needed = 30
        say(f"seeding {nb_sessions} sessions and {people_needed} people…")
        ctx = seed(people_needed, nb_sessions)
        # Each session gets 30 distinct people (sessions do not overlap in time).
        pairs = [(s, p) for s in ctx["sessions"] for p in ctx["people"]]
        half = args.registrations
        one = registrations_per_second(ctx, pairs[:half], workers=1)
        four = registrations_per_second(ctx, pairs[half : 2 * half], workers=4)
        full = ctx["sessions"][0]
        page = attendance_page(ctx, full)
    finally:
        drop_database(DB_NAME)
    rows = [
        ("registrations/s, 1 worker", one["per_second"]),
        ("registrations/s, 4 workers", four["per_second"]),
        (f"attendance page, {page['people']} people (queries)", page["queries"]),
        ("attendance page (median ms, test client)", page["render_ms_median"]),
    ]
    say(f"\n{'measure':45} {'value':>10}")
    for name, value in rows:
        say(f"{name:45} {value:>10}")
    for result in (one, four):
        if result["errors"]:
            say(f"errors with {result['workers']} worker(s): {result['errors']}")
    write_results(
        RESULTS,
        vars(args),
        registrations=[one, four],
        attendance_page=page,
    )
    if one["errors"] or four["errors"] or page["status"] != 200:
        sys.exit(1)


if __name__ == "__main__":
    main()
