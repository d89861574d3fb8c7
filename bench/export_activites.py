"""Activity records export: time and peak memory of the XLSX export (openpyxl write-only) of
10,000 then 100,000 records, as the worker builds it, on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/export_activites.py [--sizes 10000 100000] [--csv]

Creates the throwaway database inclusion_bench_export, migrates it, seeds one structure
with 4 médiateurs, 4 lieux and 500 people through the services, then the records with
bulk_create (95 % individual with one participant, 5 % workshops with four, so about 1.15
rows a record). For each size: the coordinator's export (the widest: médiateur's columns,
their roles) built by the worker's own function (run_export) into a temporary MEDIA_ROOT,
timed without tracemalloc (wall clock, and this process's CPU time: on a shared machine the
CPU time says what the export costs), then built again under tracemalloc for its peak
(tracemalloc slows Python down, so the time is taken from the first run). Writes bench/results/
export_activites.json and drops the database and the temp dir, even on failure.
Target (issue 15): 100,000 records in ≤ 30 s, memory that does not grow with the rows.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc

from activites_seed import seed_records, seed_world
from common import ROOT, drop_database, say, setup_django, write_results

RESULTS = ROOT / "bench" / "results" / "export_activites.json"
DB_NAME = "inclusion_bench_export"


def export_once(user, fmt, measure_memory):
    from django.utils import timezone

    from inclusion.models import ExportFichier
    from inclusion.services.exports_fichiers import run_export

    export = ExportFichier.objects.create(
        demandeur=user, nature="activites", format=fmt, parametres={}, cree_le=timezone.now()
    )
    if measure_memory:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    statut = run_export(export.pk)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = None
    if measure_memory:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    export.refresh_from_db()
    assert statut == "pret", (statut, export.erreur_code)
    size = export.fichier.size
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mib": peak and round(peak / 2**20, 1),
    }, {
        "rows": export.lignes_faites,
        "file_mib": round(size / 2**20, 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--csv", action="store_true", help="Also time the CSV export.")
    args = parser.parse_args()
    media = tempfile.mkdtemp(prefix="bench-export-")
    figures = []
    try:
        setup_django(DB_NAME, DJANGO_MEDIA_ROOT=media)
        from django.db import connection

        from mediation.models import Activite

        say("seeding the world…")
        w = seed_world()
        for size in sorted(args.sizes):
            start = time.perf_counter()
            seed_records(w, size - Activite.objects.count())
            say(f"{size} records seeded in {time.perf_counter() - start:.1f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            timed, shape = export_once(w["coordinateur"], "xlsx", measure_memory=False)
            traced, _ = export_once(w["coordinateur"], "xlsx", measure_memory=True)
            line = {
                "records": size,
                **shape,
                "xlsx_seconds": timed["seconds"],
                "xlsx_cpu_seconds": timed["cpu_seconds"],
                "xlsx_peak_mib_tracemalloc": traced["peak_mib"],
                "xlsx_seconds_under_tracemalloc": traced["seconds"],
            }
            if args.csv:
                csv_timed, csv_shape = export_once(w["coordinateur"], "csv", measure_memory=False)
                line.update(csv_seconds=csv_timed["seconds"], csv_file_mib=csv_shape["file_mib"])
            figures.append(line)
            say(
                f"{size:>7} records, {shape['rows']:>7} rows: XLSX {timed['seconds']:.1f} s "
                f"({timed['cpu_seconds']:.1f} s CPU), "
                f"peak {traced['peak_mib']} MiB (tracemalloc), {shape['file_mib']} MiB file"
                + (f"; CSV {line['csv_seconds']:.1f} s" if args.csv else "")
            )
    finally:
        drop_database(DB_NAME)
        shutil.rmtree(media, ignore_errors=True)
    try:
        import lxml  # noqa: F401  (openpyxl writes much faster with it)

        with_lxml = True
    except ImportError:
        with_lxml = False
    write_results(
        RESULTS,
        {
            "sizes": args.sizes,
            "csv": args.csv,
            "lxml": with_lxml,
            "pythonpath": bool(os.environ.get("PYTHONPATH")),
        },
        exports=figures,
        target={"records": 100_000, "seconds": 30},
    )
    say("| records | rows | XLSX s | CPU s | peak MiB (tracemalloc) | file MiB |")
    say("| --- | --- | --- | --- | --- | --- |")
    for f in figures:
        say(
            f"| {f['records']:,} | {f['rows']:,} | {f['xlsx_seconds']} | {f['xlsx_cpu_seconds']} | "
            f"{f['xlsx_peak_mib_tracemalloc']} | {f['file_mib']} |"
        )


if __name__ == "__main__":
    sys.exit(main())
