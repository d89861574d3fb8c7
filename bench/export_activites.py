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
import datetime
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc

from common import ROOT, drop_database, say, setup_django, write_results

RESULTS = ROOT / "bench" / "results" / "export_activites.json"
DB_NAME = "inclusion_bench_export"


def seed_world():
    from inclusion.enums import Genre, Role, Statut, TrancheAge
    from inclusion.models import Beneficiaire
    from inclusion.services import territoire

    commune = territoire.create_commune(nom="Banc", code_insee="33990", codes_postaux="33990")
    structure = territoire.create_structure(
        nom="Médiathèque banc", pivot="43493312300029", type="ccas", commune=commune
    )
    lieux = [
        territoire.create_lieu(
            structure=structure,
            nom=f"Lieu banc {i}",
            commune=commune,
            code_postal="33990",
            adresse=f"{i} rue du Banc",
        )
        for i in range(4)
    ]
    coordinateur = territoire.create_user(email="coord@bench.example", prenom="Coco", nom="Ord")
    territoire.add_membership(user=coordinateur, structure=structure, role=Role.COORDINATEUR)
    mediateurs = []
    for i in range(4):
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
        for i in range(500)
    )
    return {
        "structure": structure,
        "lieux": lieux,
        "coordinateur": coordinateur,
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
    thematiques = Thematique.values
    today = timezone.localdate()
    done = 0
    while done < count:
        n = min(batch, count - done)
        records, shapes = [], []
        for _ in range(n):
            collectif = rng.random() < 0.05
            lieu = rng.choice(w["lieux"])
            records.append(
                Activite(
                    type=TypeActivite.COLLECTIF if collectif else TypeActivite.INDIVIDUEL,
                    mediateur=rng.choice(w["mediateurs"]),
                    structure=w["structure"],
                    date=today - datetime.timedelta(days=rng.randrange(365)),
                    duree_minutes=rng.choice((15, 30, 45, 60, 90)),
                    lieu=lieu,
                    thematiques=rng.sample(thematiques, rng.randint(1, 3)),
                    materiel=rng.sample(Materiel.values, rng.randint(0, 2)),
                    autonomie="" if collectif else "partiellement_autonome",
                    niveau="debutant" if collectif else "",
                    titre_atelier="Prendre en main son smartphone" if collectif else "",
                    notes="" if collectif else "Revoir la prochaine fois",
                    participants_anonymes=2 if collectif else 0,
                )
            )
            shapes.append(collectif)
        Activite.objects.bulk_create(records)
        participants = []
        for activite, collectif in zip(records, shapes, strict=True):
            # A workshop: two distinct people (one row per person) and two anonymous.
            personnes = rng.sample(w["personnes"], 2) if collectif else [rng.choice(w["personnes"])]
            for personne in personnes + ([None, None] if collectif else []):
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
