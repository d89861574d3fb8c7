"""Measures at national size, on a database filled by bench/national/seed.py (it is not
changed: every measured write is rolled back).

Run from the repository root:

    .venv/bin/python bench/national/mesures.py --base inclusion_national [--repetitions 20]

For each hot path (bench/national/requetes_chaudes.py: redemption through the views, a
person's file, the pro lists, a session's registrations, the SMS sweep's query, a month of
journal purge, the dashboard): p50 / p95 in process through the Django test Client (no
network, no gunicorn), the statement count, and the plan PostgreSQL chooses with the national
statistics (any Seq Scan on a big table is listed). Then: the sweep of a day's reminders
(delivery through the memory SMS backend), the open-data exports streamed with their peak
Python memory. Prints a table, writes bench/results/national_mesures.json with the load
average (the machine is shared: read the figures with it).
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "national"))
sys.path.insert(0, str(ROOT))

from common import BASE_ENV, say, write_results  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "national_mesures.json"


class Rollback(Exception):
    pass


def rolled_back(run):
    """Run `run()` in a transaction that is rolled back: the national data stays as seeded."""
    from django.db import transaction

    try:
        with transaction.atomic():
            run()
            raise Rollback
    except Rollback:
        pass


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def measure_paths(repetitions, now):
    import requetes_chaudes
    from django.db import connection

    monde = requetes_chaudes.Monde()
    paths = requetes_chaudes.hot_paths(monde, now)
    rows = {}
    for name, run in paths.items():
        # One warm-up, with the statements captured and explained.
        statements = []

        def first(run=run, statements=statements):
            statements.extend(requetes_chaudes.capture(connection, run))

        rolled_back(first)
        plans = []
        for sql in statements:
            if requetes_chaudes.explainable(sql):
                plan = requetes_chaudes.plan_of(connection, sql)
                scans = requetes_chaudes.full_scans(plan)
                plans.append(
                    {
                        "sql": sql[:400],
                        "cout": plan.get("Total Cost"),
                        "lectures_completes": scans,
                        "plan": requetes_chaudes.summary(plan),
                    }
                )
        times = []
        n = 3 if "purge" in name or "tableau" in name else repetitions
        for _ in range(n):
            t = time.perf_counter()
            rolled_back(run)
            times.append((time.perf_counter() - t) * 1000)
        row = {
            "repetitions": n,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1),
            "requetes": len(statements),
            "lectures_completes": sorted({s for p in plans for s in p["lectures_completes"]}),
            "plans": plans,
        }
        rows[name] = row
        say(
            f"{name:<40} p50 {row['p50_ms']:>8.1f} ms  p95 {row['p95_ms']:>8.1f} ms  "
            f"{row['requetes']:>3} requêtes  {', '.join(row['lectures_completes']) or '-'}"
        )
    return rows


def sweep_of_a_day(now):
    """Every SMS due within the next day, delivered by the real sweep (memory backend)."""
    import datetime

    from inclusion.models import SmsMessage
    from inclusion.sms import delivery

    later = now + datetime.timedelta(days=1)
    due = SmsMessage.objects.filter(statut="a_envoyer", pas_avant__lte=later).count()
    result = {}

    def run():
        t = time.perf_counter()
        sent = 0
        while True:
            counts = delivery.send_due(now=later, limit=500)
            done = sum(counts.values())
            sent += done
            if done < 500:
                break
        result.update(
            {"sms_dus": due, "traites": sent, "secondes": round(time.perf_counter() - t, 2)}
        )

    rolled_back(run)
    result["par_seconde"] = round(result["traites"] / max(result["secondes"], 1e-6), 1)
    say(f"balayage SMS d'une journée : {result}")
    return result


def purge_of_a_month():
    """The journal lines of the oldest month, through Journal.objects.purge_before."""
    import datetime

    from inclusion.models import Journal

    oldest = Journal.objects.order_by("quand").values_list("quand", flat=True).first()
    limit = oldest + datetime.timedelta(days=30)
    result = {}

    def run():
        t = time.perf_counter()
        n = Journal.objects.purge_before(limit)
        result.update({"lignes": n, "secondes": round(time.perf_counter() - t, 2)})

    rolled_back(run)
    result["lignes_par_seconde"] = round(result["lignes"] / max(result["secondes"], 1e-6))
    say(f"purge d'un mois de journal : {result}")
    return result


def dashboards_in_the_background():
    """What the worker does for the dashboards (mediation.services.pilotage_instantanes): each
    persona's default dashboard computed whole, timed, and kept (committed: the pages measured
    next read it where the scope is slow, as in production)."""
    import requetes_chaudes
    from django.utils import timezone

    from mediation.models_pilotage import InstantanePilotage
    from mediation.pilotage.filtres import parse_filtres, portee_for
    from mediation.services import pilotage_instantanes

    InstantanePilotage.objects.all().delete()
    m = requetes_chaudes.Monde()
    result = {}
    for name, user in [
        ("médiateur", m.mediateur),
        ("prescripteur", m.prescripteur),
        ("coordinateur, tout le territoire", m.coordinateur),
    ]:
        portee = portee_for(user)
        filtres = parse_filtres({})
        t = time.perf_counter()
        pilotage_instantanes.figures_for(filtres, portee, now=timezone.now())
        seconds = time.perf_counter() - t
        kept = InstantanePilotage.objects.filter(
            cle=pilotage_instantanes.dashboard_key(filtres, portee)
        ).exists()
        result[name] = {"calcul_complet_s": round(seconds, 2), "instantane": kept}
        say(
            f"tableau de bord ({name:<34}) calcul complet {seconds:>7.1f} s  "
            f"{'gardé (servi par la page)' if kept else 'compté en direct par la page'}"
        )
    return result


def streamed_exports():
    """Open-data files streamed to the end: time, bytes and the peak Python memory."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    result = {}
    for name in [
        "opendata:lieux_csv",
        "opendata:lieux_json",
        "opendata:ateliers_json",
        "opendata:ateliers_ics",
    ]:
        # Warm-up: the first request imports and builds what every later one reuses; only
        # its first pieces are read, so the peak below is the file's own.
        warm = client.get(reverse(name))
        if getattr(warm, "streaming", False):
            pieces = iter(warm.streaming_content)
            for _ in range(3):
                next(pieces, None)
            warm.close()
        tracemalloc.start()
        t = time.perf_counter()
        response = client.get(reverse(name))
        size = 0
        if getattr(response, "streaming", False):
            for chunk in response.streaming_content:
                size += len(chunk)
        else:
            size = len(response.content)
        seconds = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result[name] = {
            "statut": response.status_code,
            "en_flux": bool(getattr(response, "streaming", False)),
            "octets": size,
            "secondes": round(seconds, 2),
            "pic_memoire_python_mo": round(peak / 1e6, 1),
        }
        say(f"{name:<28} {result[name]}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="inclusion_national")
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument(
        "--sans-chemins",
        action="store_true",
        help="seulement le balayage SMS, les exports et la purge (national_travaux.json)",
    )
    args = parser.parse_args()
    url = args.base if "://" in args.base else f"postgres://postgres@127.0.0.1:5432/{args.base}"
    os.environ.update({**BASE_ENV, "DATABASE_URL": url, "INCLUSION_DOUBLE_FACTEUR": "aucun"})
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pass_numerique_cheque")
        cheques = cursor.fetchone()[0]
    say(f"base {args.base}: {size / 1e9:.1f} Go, {cheques:,} chèques")
    load_before = os.getloadavg()
    now = timezone.now()
    parameters = {
        "base": args.base,
        "cheques": cheques,
        "taille_base_octets": size,
        "repetitions": args.repetitions,
        "load_average_avant": load_before,
        "mode": "en processus, client de test Django (sans réseau ni gunicorn)",
    }
    results = RESULTS if not args.sans_chemins else RESULTS.with_name("national_travaux.json")
    figures = {}
    if not args.sans_chemins:
        figures["tableaux_de_bord_calcul"] = dashboards_in_the_background()
        figures["chemins"] = measure_paths(args.repetitions, now)
        write_results(results, parameters, **figures)  # kept if what follows is stopped
    figures["balayage_sms_journee"] = sweep_of_a_day(now)
    figures["exports_opendata"] = streamed_exports()
    write_results(results, parameters, **figures)
    figures["purge_journal_mois"] = purge_of_a_month()
    write_results(results, parameters, **figures)


if __name__ == "__main__":
    main()
