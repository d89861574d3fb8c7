"""Pass numérique: redemptions per second through the service, booklet render times, and the
query count of the redemption view, on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/pass_cheques.py [--cheques N] [--batch B]

Creates the throwaway database inclusion_bench_pass, migrates it, seeds a programme and
carnets through the services, measures, prints a table, writes
bench/results/pass_cheques.json and drops the database, even on failure.
Targets (issue 3): ≥ 300 redemptions/s, booklet ≤ 300 ms, 100 booklets ≤ 30 s, view ≤ 8
queries.
"""

import argparse
import datetime
import statistics
import sys
import threading
import time

from common import ROOT, drop_database, run_threads, say, setup_django, write_results

RESULTS = ROOT / "bench" / "results" / "pass_cheques.json"
DB_NAME = "inclusion_bench_pass"


def setup_environment():
    setup_django(DB_NAME)


def seed(nb_carnets):
    from django.utils import timezone

    from inclusion.enums import Role
    from inclusion.services import territoire
    from pass_numerique.enums import StatutProgramme
    from pass_numerique.models import Enveloppe, Programme
    from pass_numerique.services.issuance import issue_carnets

    commune = territoire.create_commune(nom="Banc", code_insee="33990", codes_postaux="33990")
    structure = territoire.create_structure(
        nom="CCAS banc", pivot="43493312300029", type="ccas", commune=commune
    )
    lieu = territoire.create_lieu(
        structure=structure, nom="Lieu banc", commune=commune, code_postal="33990", adresse="1 rue"
    )
    coord = territoire.create_user(email="coord@bench.example")
    territoire.add_membership(user=coord, structure=structure, role=Role.COORDINATEUR)
    territoire.qualify_lieu(acteur=coord, lieu=lieu)
    lieu.refresh_from_db()
    prescripteur = territoire.create_user(email="presc@bench.example")
    territoire.add_membership(user=prescripteur, structure=structure, role=Role.PRESCRIPTEUR)
    mediateur = territoire.create_user(email="med@bench.example", password="bench-password-123")
    territoire.add_membership(user=mediateur, structure=structure, role=Role.MEDIATEUR)
    programme = Programme.objects.create(
        nom="Banc",
        financeur=structure,
        fin_validite=timezone.localdate() + datetime.timedelta(days=300),
        statut=StatutProgramme.ACTIF,
        anonyme_autorise=True,
    )
    enveloppe = Enveloppe.objects.create(
        programme=programme, structure=structure, nb_cheques=nb_carnets * 10
    )
    items = []
    for _ in range(nb_carnets // 5):
        items += issue_carnets(acteur=prescripteur, enveloppe=enveloppe, nombre=5)
    return {"lieu": lieu, "mediateur": mediateur, "items": items}


def redemptions_per_second(ctx, codes_list, workers):
    from django.db import connections

    from pass_numerique.services import issuance, redemption

    chunks = [codes_list[i::workers] for i in range(workers)]
    errors = []

    def run(chunk):
        try:
            for code in chunk:
                redemption.redeem_cheque(
                    acteur=ctx["mediateur"],
                    lieu=ctx["lieu"],
                    code=code,
                    prestation="atelier",
                    demande_id=issuance.new_request_id(),
                )
        except Exception as error:  # reported in the results
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    elapsed = run_threads(threads)
    return {
        "workers": workers,
        "redemptions": len(codes_list),
        "seconds": round(elapsed, 3),
        "per_second": round(len(codes_list) / elapsed, 1),
        "errors": errors[:5],
    }


def booklet_times(items, batch):
    from pass_numerique.booklet import render_booklet

    render_booklet(items[:1])  # warm fonts and templates
    singles = []
    for item in items[:7]:
        start = time.perf_counter()
        render_booklet([item])
        singles.append(time.perf_counter() - start)
    start = time.perf_counter()
    pdf = render_booklet(items[:batch])
    batch_seconds = time.perf_counter() - start
    return {
        "single_ms_median": round(statistics.median(singles) * 1000, 1),
        "single_ms_max": round(max(singles) * 1000, 1),
        "batch": batch,
        "batch_seconds": round(batch_seconds, 2),
        "batch_pdf_kib": round(len(pdf) / 1024),
    }


def view_queries(ctx, code):
    """SQL queries of one POST to the redemption view, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from pass_numerique.services import issuance

    client = Client()
    client.force_login(ctx["mediateur"])
    client.get(reverse("pass:verifier"))  # remembers the lieu in the session
    url = reverse("pass:encaisser")
    data = {
        "code": code,
        "prestation": "atelier",
        "reference": "",
        "demande_id": str(issuance.new_request_id()),
    }
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    return {"status": response.status_code, "queries": len(captured.captured_queries)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cheques", type=int, default=2000, help="redemptions per measure")
    parser.add_argument("--batch", type=int, default=100, help="booklets in the batch render")
    args = parser.parse_args()
    try:
        setup_environment()
        nb_carnets = ((2 * args.cheques + 10) // 10 + 4) // 5 * 5 + 5
        say(f"seeding {nb_carnets} carnets…")
        ctx = seed(max(nb_carnets, args.batch))
        cheque_codes = [code for item in ctx["items"] for _, code in item.cheque_codes]
        one = redemptions_per_second(ctx, cheque_codes[: args.cheques], workers=1)
        four = redemptions_per_second(ctx, cheque_codes[args.cheques : 2 * args.cheques], workers=4)
        booklet = booklet_times(ctx["items"], args.batch)
        view = view_queries(ctx, cheque_codes[2 * args.cheques])
    finally:
        drop_database(DB_NAME)
    rows = [
        ("redemptions/s, 1 worker", one["per_second"], "≥ 300"),
        ("redemptions/s, 4 workers", four["per_second"], "≥ 300"),
        ("booklet of 10 chèques (median ms)", booklet["single_ms_median"], "≤ 300"),
        (f"{booklet['batch']} booklets (s)", booklet["batch_seconds"], "≤ 30"),
        ("redemption view (queries)", view["queries"], "≤ 8"),
    ]
    say(f"\n{'measure':40} {'value':>10}  target")
    for name, value, target in rows:
        say(f"{name:40} {value:>10}  {target}")
    for result in (one, four):
        if result["errors"]:
            say(f"errors with {result['workers']} worker(s): {result['errors']}")
    write_results(
        RESULTS,
        vars(args),
        redemption=[one, four],
        booklet=booklet,
        redemption_view=view,
    )
    if one["errors"] or four["errors"] or view["status"] not in (200, 302):
        sys.exit(1)


if __name__ == "__main__":
    main()
