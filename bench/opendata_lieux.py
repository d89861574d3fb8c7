"""Open data: the places' CSV and JSON (national standard v1.0.2) are streamed, so memory
does not grow with the number of places. Peak memory (tracemalloc) and time of the whole
download of /opendata/lieux.csv and /opendata/lieux.json with 1,000 then 10,000 places, on
PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/opendata_lieux.py [--sizes 1000 10000]

Creates the throwaway database inclusion_bench_opendata, migrates it, seeds one commune,
20 structures and the places with bulk_create (every field of the standard filled, so a row is
as long as a real one). For each size: the file is requested through Django's test client
(every middleware, as a visitor gets it) and its stream read chunk by chunk without keeping
it; timed first without tracemalloc, then read again under tracemalloc for the peak (the
measure starts before the request). Writes bench/results/opendata_lieux.json and drops the
database, even on failure. What to look for: the peak at 10,000 places about the same as at
1,000 (a list of rows in memory would grow tenfold).
"""

import argparse
import sys
import time
import tracemalloc
from decimal import Decimal

from common import ROOT, drop_database, say, setup_django, write_results

RESULTS = ROOT / "bench" / "results" / "opendata_lieux.json"
DB_NAME = "inclusion_bench_opendata"
URLS = {"csv": "/opendata/lieux.csv", "json": "/opendata/lieux.json"}


def seed_places(count, start):
    from inclusion import enums
    from inclusion.models import Commune, Lieu, Structure

    commune, _ = Commune.objects.get_or_create(
        code_insee="33063", defaults={"nom": "Bordeaux", "codes_postaux": "33000"}
    )
    structures = list(Structure.objects.all())
    if not structures:
        structures = Structure.objects.bulk_create(
            Structure(
                nom=f"Structure {i}",
                pivot="43493312300029",
                type=enums.TypeStructure.ASSOCIATION,
                commune=commune,
            )
            for i in range(20)
        )
    Lieu.objects.bulk_create(
        (
            Lieu(
                structure=structures[i % len(structures)],
                nom=f"Espace numérique n° {i}",
                commune=commune,
                code_postal="33000",
                adresse=f"{i % 200 + 1} rue des Lilas",
                complement_adresse="Rez-de-chaussée",
                latitude=Decimal("44.83780"),
                longitude=Decimal("-0.57918"),
                typologie=[enums.Typologie.ASSO, enums.Typologie.TIERS_LIEUX],
                telephone="+33556112233",
                courriels="contact@lieu.example|numerique@lieu.example",
                site_web="https://lieu.example/",
                horaires="Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",
                presentation_resume="Un espace numérique ouvert à tous, avec des ateliers.",
                presentation_detail="Des ordinateurs en accès libre. " * 8,
                services=[enums.ServiceMediation.DEMARCHES, enums.ServiceMediation.QUOTIDIEN],
                publics_specifiquement_adresses=[enums.PublicAdresse.SENIORS],
                frais_a_charge=[enums.FraisACharge.GRATUIT],
                dispositif_programmes_nationaux=[enums.DispositifNational.CNFS],
                modalites_acces=[enums.ModaliteAcces.SE_PRESENTER],
                modalites_accompagnement=[enums.ModaliteAccompagnement.INDIVIDUEL],
            )
            for i in range(start, start + count)
        ),
        batch_size=1000,
    )


def download(client, url):
    """Reads the whole stream; returns (bytes, chunks) without keeping the content."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.streaming, "the file must be streamed"
    size = chunks = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        chunks += 1
    return size, chunks


def measure(client, url):
    start = time.perf_counter()
    size, chunks = download(client, url)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    tracemalloc.reset_peak()
    download(client, url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "seconds": round(seconds, 2),
        "bytes": size,
        "chunks": chunks,
        "peak_mib_tracemalloc": round(peak / 2**20, 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    args = parser.parse_args()
    figures = []
    try:
        setup_django(DB_NAME)
        from django.test import Client

        from inclusion.models import Lieu

        client = Client()
        for size in sorted(args.sizes):
            seed_places(size - Lieu.objects.count(), Lieu.objects.count())
            line = {"places": size}
            for fmt, url in URLS.items():
                download(client, url)  # warm: imports, templates, connection
                line[fmt] = measure(client, url)
            figures.append(line)
            say(
                f"{size:>7} places: CSV {line['csv']['bytes'] / 2**20:.1f} MiB in "
                f"{line['csv']['seconds']} s, peak {line['csv']['peak_mib_tracemalloc']} MiB; "
                f"JSON {line['json']['bytes'] / 2**20:.1f} MiB in {line['json']['seconds']} s, "
                f"peak {line['json']['peak_mib_tracemalloc']} MiB"
            )
    finally:
        drop_database(DB_NAME)
    write_results(RESULTS, {"sizes": args.sizes, "urls": URLS}, downloads=figures)
    say("| places | CSV MiB | CSV s | CSV peak MiB | JSON MiB | JSON s | JSON peak MiB |")
    say("| --- | --- | --- | --- | --- | --- | --- |")
    for f in figures:
        c, j = f["csv"], f["json"]
        say(
            f"| {f['places']:,} | {c['bytes'] / 2**20:.1f} | {c['seconds']} | "
            f"{c['peak_mib_tracemalloc']} | {j['bytes'] / 2**20:.1f} | {j['seconds']} | "
            f"{j['peak_mib_tracemalloc']} |"
        )


if __name__ == "__main__":
    sys.exit(main())
