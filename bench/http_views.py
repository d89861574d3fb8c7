"""HTTP throughput of a minimal view and of every list of the espace pro, under gunicorn on
PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/http_views.py [--requests N] [--rounds K] [--conn-max-age S]

Creates a throwaway PostgreSQL database, migrates it, seeds a CCAS with R people, carnets,
sessions, registrations and activity records, analyses the tables (as autovacuum would
have done before anyone reads them), starts gunicorn on a free loopback port with Redis for
the cache and the sessions (as in production: docs/PRODUCTION.md),
drives a bounded load against /sante/ and each list (people, carnets, sessions, the sessions
to register a person to, activities) K times, prints a table (each list's req/s as a percent
of /sante/'s in the same round) and writes bench/results/http_views.json. gunicorn is
stopped, the database dropped and the Redis databases emptied at the end, even on failure.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

from common import (
    HOST,
    PYTHON,
    ROOT,
    get,
    git,
    load,
    machine,
    pg_admin,
    redis_flush,
    run,
    say,
    seed_member,
    seed_sessions,
    seed_structure,
    seed_theme,
    server_env,
    start_gunicorn,
    stop_gunicorn,
    versions,
    workdir,
)

RESULTS = ROOT / "bench" / "results" / "http_views.json"
# Cache and sessions (cached_db) on these Redis databases, pages' cache on the next one:
# not site_public's (8 and 9), so that the two benches may run one after the other.
REDIS_DB = 10
# (name, path, who is signed in, what a row of the page links to): a load balancer probes
# /sante/ without a session; each list is read by the role that uses it. {personne} is the
# uuid of the seeded person who is being registered to a session.
ENDPOINTS = [
    ("sante", "/sante/", None, None),
    (
        "beneficiaire_list",
        "/pro/beneficiaires/",
        "prescripteur",
        r'href="/pro/beneficiaires/[0-9a-f-]{36}/"',
    ),
    ("carnet_list", "/pro/pass/", "prescripteur", r'href="/pro/pass/carnets/[0-9]+/"'),
    ("session_list", "/pro/ateliers/liste/", "mediateur", r'href="/pro/ateliers/sessions/[0-9]+/"'),
    (
        "inscription_choix_session",
        "/pro/ateliers/personnes/{personne}/inscrire/",
        "prescripteur",
        r'href="/pro/ateliers/sessions/[0-9]+/inscrire/[0-9a-f-]{36}/',
    ),
    ("activite_list", "/pro/activites/", "mediateur", r'href="/pro/activites/[0-9a-f-]{36}/"'),
]
LISTS = [name for name, _, who, _ in ENDPOINTS if who]


# --- Seeding: runs in a child process with the bench environment --------------------------


def seed_world(rows):
    """One CCAS with a prescripteur and a médiateur, a qualified lieu, `rows` people, and
    enough carnets, sessions, registrations and activity records to fill several pages of
    each list. People, carnets, sessions and registrations through the services; activity
    records with bulk_create (as bench/activites_seed.py)."""
    from django.utils import timezone

    from ateliers.enums import Canal
    from ateliers.services import registrations
    from inclusion.enums import Role, TypeStructure
    from inclusion.services import territoire
    from inclusion.services.beneficiaires import create_beneficiaire
    from mediation.models import Activite, Participant
    from mediation.vocabulaire import Thematique, TypeActivite
    from pass_numerique.enums import StatutProgramme
    from pass_numerique.models import Enveloppe, Programme
    from pass_numerique.services.issuance import issue_carnets

    commune, structure, lieu = seed_structure(
        commune="Bordeaux",
        code_insee="33063",
        code_postal="33000",
        structure="CCAS de Bordeaux",
        pivot="W123456789",
        type=TypeStructure.CCAS,
        lieu="Espace numérique",
        adresse="1 rue du Banc",
    )
    coordinateur = seed_member(
        structure, Role.COORDINATEUR, "coord@bench.invalid", prenom="Coco", nom="Bench"
    )
    territoire.qualify_lieu(acteur=coordinateur, lieu=lieu)
    prescripteur = seed_member(
        structure, Role.PRESCRIPTEUR, "prescripteur@bench.invalid", prenom="Pia", nom="Bench"
    )
    mediateur = seed_member(
        structure, Role.MEDIATEUR, "mediateur@bench.invalid", prenom="Med", nom="Bench"
    )
    people = [
        create_beneficiaire(
            acteur=prescripteur,
            structure=structure,
            prenom=f"Personne{i:05d}",
            nom="Bench",
            commune=commune,
            sans_telephone=True,
        )
        for i in range(rows)
    ]
    # Carnets: 100 (4 pages), 10 chèques each, most given to a person.
    programme = Programme.objects.create(
        nom="Pass Bordeaux",
        financeur=structure,
        statut=StatutProgramme.ACTIF,
        fin_validite=timezone.localdate() + datetime.timedelta(days=300),
        anonyme_autorise=True,
    )
    enveloppe = Enveloppe.objects.create(programme=programme, structure=structure, nb_cheques=2000)
    for i in range(100):
        issue_carnets(acteur=prescripteur, enveloppe=enveloppe, beneficiaire=people[i], nombre=1)
    # Sessions: 100 upcoming (4 pages), every 3 hours from tomorrow.
    made = seed_sessions(
        acteur=mediateur,
        theme=seed_theme(),
        lieu=lieu,
        start=timezone.now() + datetime.timedelta(days=1),
        count=100,
        capacite=12,
    )
    # Registrations: the first person in 5 sessions (marked "déjà inscrite" on the page),
    # and 5 people in each of the first 25 sessions (the places left in words).
    personne = people[0]
    for s in made[:5]:
        registrations.register(
            session=s, beneficiaire=personne, canal=Canal.PRO, acteur=prescripteur
        )
    for s in made[:25]:
        for p in people[1:6]:
            registrations.register(session=s, beneficiaire=p, canal=Canal.PRO, acteur=prescripteur)
    # Activity records: 200 individual accompaniments of the médiateur (8 pages).
    today = timezone.localdate()
    thematiques = Thematique.values
    records = Activite.objects.bulk_create(
        Activite(
            type=TypeActivite.INDIVIDUEL,
            mediateur=mediateur,
            structure=structure,
            date=today - datetime.timedelta(days=i % 300),
            duree_minutes=30 + 15 * (i % 4),
            lieu=lieu,
            thematiques=[thematiques[i % len(thematiques)]],
            autonomie="partiellement_autonome",
            notes="Revoir la prochaine fois",
        )
        for i in range(200)
    )
    Participant.objects.bulk_create(
        Participant(
            activite=a,
            beneficiaire=people[i % len(people)],
            genre=people[i % len(people)].genre,
            tranche_age=people[i % len(people)].tranche_age,
            statut_social=people[i % len(people)].statut,
            commune=commune,
        )
        for i, a in enumerate(records)
    )
    return {"prescripteur": prescripteur, "mediateur": mediateur, "personne": personne}


def seed(rows):
    """Seed the world; print each role's session cookie, the paths, and per endpoint the
    queries of one request and the median time of 20 in-process requests."""
    sys.path.insert(0, os.environ["BENCH_APP_DIR"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusion.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    world = seed_world(rows)
    # Fresh bulk inserts have no statistics yet: production's autovacuum would have analysed
    # them long before a list is read, and plans without statistics are not production's.
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")
    clients, cookies = {None: Client(SERVER_NAME=HOST)}, {}
    for role in ("prescripteur", "mediateur"):
        client = Client(SERVER_NAME=HOST)
        client.force_login(world[role], backend="inclusion.backends.RolesBackend")
        clients[role] = client
        # What a browser sends once it has shown one page: the session and the CSRF cookie
        # (without it, every page would draw a new CSRF secret and set the cookie again).
        client.get("/pro/")
        cookies[role] = "; ".join(
            f"{name}={client.cookies[name].value}"
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        )
    paths = {name: path.format(personne=world["personne"].uuid) for name, path, _, _ in ENDPOINTS}
    queries = {}
    for name, _, who, _ in ENDPOINTS + [("sante_with_session", "/sante/", "prescripteur", None)]:
        client, path = clients[who], paths.get(name, "/sante/")
        client.get(path)  # first hit fills per-process caches
        seen = []

        def record(execute, sql, params, many, context, seen=seen):
            seen.append(sql[:120])
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(record):
            response = client.get(path)
        queries[name] = {"status": response.status_code, "queries": len(seen), "sql": seen}
        # Server-side cost without HTTP or the load generator: median of 20 in-process GETs.
        timings = []
        for _ in range(20):
            start = time.perf_counter()
            client.get(path)
            timings.append(time.perf_counter() - start)
        queries[name]["in_process_median_ms"] = round(statistics.median(timings) * 1000, 2)
    say(json.dumps({"cookies": cookies, "paths": paths, "queries": queries}))


# --- Orchestration -------------------------------------------------------------------------


def measure(args, app_dir, env, seeded, log_path):
    """Start gunicorn with `env`, check every list, then measure every endpoint in rounds;
    gunicorn is stopped at the end. Returns (list_check, summary, rounds, failed)."""
    gunicorn, port = start_gunicorn(app_dir, env, args.workers, log_path)
    try:
        headers = {None: {"Host": HOST}}
        for role, cookie in seeded["cookies"].items():
            headers[role] = {"Host": HOST, "Cookie": cookie}
        paths = seeded["paths"]

        # Check what each list really answers before measuring it: 200 and a full page.
        list_check = {}
        for name, _, who, row_link in ENDPOINTS:
            if not who:
                continue
            # The first request of a worker imports the views: slow on a busy machine.
            conn = http.client.HTTPConnection(HOST, port, timeout=180)
            status, body = get(conn, paths[name], headers[who])
            conn.close()
            rows = len(re.findall(row_link, body.decode("utf-8", "replace")))
            list_check[name] = {"status": status, "rows_on_first_page": rows}
            say(f"list check {name}: status {status}, {rows} rows on the first page")
            if status != 200 or rows == 0:
                raise SystemExit(f"list check failed: {name}")

        for name, _, who, _ in ENDPOINTS:  # warm-up: every worker imports and fills caches
            load(port, paths[name], headers[who], 50, args.concurrency, 30)

        # Rounds: every endpoint once per round, /sante/ first, so that each list has a
        # /sante/ figure measured under the same load of the machine.
        rounds = []
        for number in range(args.rounds):
            round_results = {}
            for name, _, who, _ in ENDPOINTS:
                total = args.requests if who else args.requests_sante
                r = load(port, paths[name], headers[who], total, args.concurrency, args.time_limit)
                r["session_cookie"] = who is not None
                r["queries_per_request"] = seeded["queries"][name]["queries"]
                round_results[name] = r
            sante = round_results["sante"]["req_per_s"]
            for name in LISTS:
                round_results[name]["percent_of_sante"] = round(
                    100 * round_results[name]["req_per_s"] / max(sante, 0.1), 2
                )
            rounds.append(
                {"load_average": [round(x, 2) for x in os.getloadavg()], "results": round_results}
            )
            say(f"round {number + 1}: load average {rounds[-1]['load_average']}")

        summary = {}
        for name, _, who, _ in ENDPOINTS:
            rs = [r["results"][name] for r in rounds]
            summary[name] = {
                "path": paths[name],
                "req_per_s": spread([r["req_per_s"] for r in rs]),
                "p50_ms": spread([r["p50_ms"] for r in rs]),
                "p95_ms": spread([r["p95_ms"] for r in rs]),
                "queries_per_request": seeded["queries"][name]["queries"],
                "in_process_median_ms": seeded["queries"][name]["in_process_median_ms"],
            }
            if who:
                summary[name]["percent_of_sante"] = spread([r["percent_of_sante"] for r in rs])
        say("")
        say(
            f"{'endpoint':<28}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}"
            f"{'% of /sante/ (min-max)':>26}"
        )
        for name, r in summary.items():
            pct = r.get("percent_of_sante")
            pct_text = f"{pct['median']:.1f} ({pct['min']:.1f}-{pct['max']:.1f})" if pct else ""
            say(
                f"{name:<28}{r['req_per_s']['median']:>8.1f}{r['p50_ms']['median']:>9.2f}"
                f"{r['p95_ms']['median']:>9.2f}{r['queries_per_request']:>9}{pct_text:>26}"
            )
        say("(medians over the rounds; percent: each list's req/s over /sante/'s in its round)")
        failed = [
            (name, r["results"][name])
            for r in rounds
            for name in r["results"]
            if r["results"][name]["errors"] or r["results"][name]["timed_out"]
        ]
        for name, r in failed:
            say(f"WARNING {name}: statuses {r['statuses']}, timed out {r['timed_out']}")

        return list_check, summary, rounds, failed
    finally:
        stop_gunicorn(gunicorn, log_path)


def spread(values):
    return {
        "min": round(min(values), 2),
        "median": round(statistics.median(values), 2),
        "max": round(max(values), 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per list and round")
    parser.add_argument(
        "--requests-sante", type=int, default=3000, help="requests to /sante/ per round"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every endpoint")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--rows", type=int, default=500, help="beneficiaries to seed")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--time-limit", type=float, default=120, help="seconds per endpoint")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        nargs="+",
        default=[0, 60],
        help="DATABASE_CONN_MAX_AGE values, one gunicorn run each (app default 0; 60 advised)",
    )
    parser.add_argument("--db-name", default="inclusion_bench_http")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument(
        "--commit", help="measure this commit (exported to a temp dir) instead of the work tree"
    )
    # Internal modes, run in a child process with the bench environment.
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        seed(args.seed)
        return
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db_name):
        raise SystemExit("--db-name: lower-case letters, digits and _ only")

    tmp, app_dir = workdir("bench_http_", args.commit)
    env = server_env(
        tmp,
        app_dir,
        args.db_name,
        args.conn_max_age[0],
        REDIS_URL=f"redis://{HOST}:6379/{REDIS_DB}",
    )
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        for db in (REDIS_DB, REDIS_DB + 1):
            redis_flush(db)
        pg_admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{args.db_name}"')
        t0 = time.monotonic()
        run([PYTHON, "manage.py", "migrate", "--noinput"], env)
        say(f"migrate: {time.monotonic() - t0:.1f} s")
        t0 = time.monotonic()
        # Manifest storage (DEBUG off) needs collected static files to render templates.
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
        say(f"collectstatic: {time.monotonic() - t0:.1f} s")
        t0 = time.monotonic()
        seeded = json.loads(run([PYTHON, __file__, "--seed", str(args.rows)], env).splitlines()[-1])
        say(f"seed ({args.rows} people and the lists' rows): {time.monotonic() - t0:.1f} s")

        failed = []
        runs = []
        for conn_max_age in args.conn_max_age:
            say(f"\n--- gunicorn with DATABASE_CONN_MAX_AGE={conn_max_age}")
            run_env = env | {"DATABASE_CONN_MAX_AGE": str(conn_max_age)}
            list_check, summary, rounds, run_failed = measure(
                args, app_dir, run_env, seeded, tmp / f"gunicorn-{conn_max_age}.log"
            )
            failed += run_failed
            runs.append(
                {
                    "conn_max_age": conn_max_age,
                    "list_check": list_check,
                    "summary": summary,
                    "rounds": rounds,
                }
            )

        args.output.parent.mkdir(parents=True, exist_ok=True)
        out = {
            "benchmark": "http_views",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "git_commit": git("rev-parse", "--short", args.commit or "HEAD"),
            "work_tree_changes": None if args.commit else bool(git("status", "--porcelain")),
            "parameters": {
                "requests_per_list": args.requests,
                "requests_sante": args.requests_sante,
                "rounds": args.rounds,
                "concurrency": args.concurrency,
                "rows": args.rows,
                "gunicorn_workers": args.workers,
                "gunicorn_worker_class": "sync",
                "time_limit_s": args.time_limit,
                "cache_and_sessions": "redis (cached_db sessions)",
                "analyzed": True,
            },
            "machine": machine() | {"load_average_before": load_before},
            "versions": versions(),
            "runs": runs,
            "queries_seen_by_test_client": seeded["queries"],
        }
        tmp_file = args.output.with_suffix(".json.tmp")
        tmp_file.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        tmp_file.replace(args.output)
        say(f"wrote {args.output}")
        if failed:
            sys.exit(1)
    finally:
        try:
            pg_admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
            for db in (REDIS_DB, REDIS_DB + 1):
                redis_flush(db)
        except Exception as exc:  # report, do not mask the original error
            say(f"cleanup: {exc}", err=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
