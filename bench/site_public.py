"""Throughput and p95 latency of the public site under gunicorn on PostgreSQL, each as a ratio
to a minimal Django view (/sante/) served by the same server in the same run.

Run from the repository root:

    .venv/bin/python bench/site_public.py [--requests N] [--concurrency C] [--sessions S]
                                          [--commit REF]

Creates a throwaway PostgreSQL database, migrates it, builds the demo (site tree, places,
themes) and S upcoming sessions (default 500), issues a carnet for "Mon pass", starts gunicorn
with a Redis cache (the public pages' cache is shared by the workers, as in production), and
measures: the home page (served from the cache that a publication clears), the workshop list
(kept under the live state of its sessions: seats are always fresh), "Mon pass" (kept
without the holder's part, which is put in at each request). Issue 6's targets: home
≥ 40 %, workshop list ≥ 15 %, "Mon pass" ≥ 10 % of the minimal view's throughput.
`--commit REF` measures that commit (exported with `git archive` to a temp dir) instead of the
work tree, as bench/http_views.py does: useful while others edit the tree.
Writes bench/results/site_public.json; gunicorn, the database and the Redis databases used
are cleaned up at the end, also on failure.
"""

import argparse
import datetime
import json
import os
import re
import shutil
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
    server_env,
    start_gunicorn,
    stop_gunicorn,
    versions,
    workdir,
)

RESULTS = ROOT / "bench" / "results" / "site_public.json"
TARGETS = {"accueil": 0.40, "ateliers": 0.15, "mon_pass": 0.10}
REDIS_DB = 8  # the pages' cache goes to the next one (9)


def seed(nb_sessions):
    """Demo data, S more upcoming sessions and one carnet; print the paths to measure."""
    sys.path.insert(0, os.environ["BENCH_APP_DIR"])
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ateliers.models import Session, Theme
    from ateliers.services import sessions
    from cms.models import AteliersIndexPage
    from inclusion.enums import Role
    from inclusion.models import Beneficiaire, Membership
    from pass_numerique.enums import StatutProgramme
    from pass_numerique.models import Enveloppe
    from pass_numerique.services.issuance import issue_carnets

    membership = (
        Membership.objects.filter(role=Role.MEDIATEUR, structure__lieux__isnull=False)
        .select_related("user", "structure")
        .first()
    )
    lieux = list(membership.structure.lieux.all())
    themes = list(Theme.objects.all())
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    before = Session.objects.count()
    for i in range(nb_sessions):
        debut = start + datetime.timedelta(hours=3 * i)
        sessions.create_session(
            acteur=membership.user,
            theme=themes[i % len(themes)],
            lieu=lieux[i % len(lieux)],
            debut=debut,
            fin=debut + datetime.timedelta(hours=2),
            capacite=8 + i % 5,
        )
    upcoming = Session.objects.filter(debut__gte=timezone.now()).count()

    enveloppe = (
        Enveloppe.objects.filter(programme__statut=StatutProgramme.ACTIF)
        .select_related("structure")
        .first()
    )
    prescripteur = Membership.objects.filter(
        structure=enveloppe.structure, role=Role.PRESCRIPTEUR
    ).first()
    person = Beneficiaire.objects.filter(structure=enveloppe.structure).first()
    carnet = issue_carnets(acteur=prescripteur.user, enveloppe=enveloppe, beneficiaire=person)[0]

    paths = {
        "sante": "/sante/",
        "accueil": "/",
        "ateliers": AteliersIndexPage.objects.live().first().url,
        "mon_pass": f"/p/{carnet.code}",
    }
    client = Client(SERVER_NAME=HOST)
    queries = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        queries[name] = {"status": response.status_code, "queries": len(ctx.captured_queries)}
    print(  # noqa: T201  (the parent process reads this line)
        json.dumps(
            {
                "paths": paths,
                "queries": queries,
                "sessions_created": Session.objects.count() - before,
                "upcoming_sessions": upcoming,
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--sessions", type=int, default=500, help="upcoming sessions to add")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--time-limit", type=float, default=120, help="seconds per endpoint")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="DATABASE_CONN_MAX_AGE: persistent connections, as in production (app default 0)",
    )
    parser.add_argument(
        "--commit", help="measure this commit (exported to a temp dir) instead of the work tree"
    )
    parser.add_argument("--db-name", default="inclusion_bench_site")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        seed(args.seed)
        return
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db_name):
        raise SystemExit("--db-name: lower-case letters, digits and _ only")

    tmp, app_dir = workdir("bench_site_", args.commit)
    env = server_env(
        tmp,
        app_dir,
        args.db_name,
        args.conn_max_age,
        REDIS_URL=f"redis://{HOST}:6379/{REDIS_DB}",
        SMS_BACKEND="inclusion.sms.backends.memory.MemoryBackend",
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
    )
    gunicorn = None
    gunicorn_log = tmp / "gunicorn.log"
    try:
        for db in (REDIS_DB, REDIS_DB + 1):
            redis_flush(db)
        pg_admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{args.db_name}"')
        t0 = time.monotonic()
        run([PYTHON, "manage.py", "migrate", "--noinput"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput"], env)
        run([PYTHON, "manage.py", "demo", "--wet-run", "--force"], env)
        seeded = json.loads(
            run([PYTHON, __file__, "--seed", str(args.sessions)], env).splitlines()[-1]
        )
        say(
            f"setup (migrate, static, demo, {args.sessions} sessions): "
            f"{time.monotonic() - t0:.0f} s"
        )
        redis_flush(REDIS_DB + 1)  # start with an empty pages' cache; the warm-up fills it
        paths = seeded["paths"]

        gunicorn, port = start_gunicorn(app_dir, env, args.workers, gunicorn_log)
        headers = {"Host": HOST, "Accept-Encoding": "gzip"}

        # Check what each page answers before measuring it.
        import http.client

        checks = {}
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        for name, path in paths.items():
            status, body = get(conn, path, headers)
            checks[name] = {"status": status, "bytes": len(body)}
            if status != 200:
                raise SystemExit(f"check failed: {path} answered {status}")
        conn.close()
        say(f"checks: {checks}")

        for path in paths.values():  # warm-up: every worker imports and fills its caches
            load(port, path, headers, 50, args.concurrency, 30)

        results = {}
        for name, path in paths.items():
            results[name] = load(
                port, path, headers, args.requests, args.concurrency, args.time_limit
            )
            results[name]["queries_per_request"] = seeded["queries"][name]["queries"]
        base = max(results["sante"]["req_per_s"], 0.1)
        for name in TARGETS:
            results[name]["ratio_to_minimal"] = round(results[name]["req_per_s"] / base, 3)
            results[name]["target_ratio"] = TARGETS[name]
            results[name]["meets_target"] = results[name]["ratio_to_minimal"] >= TARGETS[name]

        say("")
        say(
            f"{'page':<12}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'queries':>9}{'ratio':>8}{'target':>8}"
        )
        for name, r in results.items():
            ratio = r.get("ratio_to_minimal", 1.0)
            target = f"{TARGETS[name]:.0%}" if name in TARGETS else ""
            say(
                f"{name:<12}{r['requests']:>9}{r['errors']:>8}{r['req_per_s']:>9.1f}"
                f"{r['p50_ms']:>9.2f}{r['p95_ms']:>9.2f}{r['queries_per_request']:>9}"
                f"{ratio:>8.0%}{target:>8}"
            )
        for r in results.values():
            if r["errors"] or r["timed_out"]:
                say(f"WARNING {r['path']}: statuses {r['statuses']}, timed out {r['timed_out']}")

        out = {
            "benchmark": "site_public",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "git_commit": git("rev-parse", "--short", args.commit or "HEAD"),
            "work_tree_changes": None if args.commit else bool(git("status", "--porcelain")),
            "parameters": {
                "requests": args.requests,
                "concurrency": args.concurrency,
                "sessions_added": args.sessions,
                "upcoming_sessions": seeded["upcoming_sessions"],
                "gunicorn_workers": args.workers,
                "conn_max_age": args.conn_max_age,
                "cache": "Redis (pages' cache shared by the workers)",
                "time_limit_s": args.time_limit,
            },
            "machine": machine(),
            "versions": versions(),
            "checks": checks,
            "results": results,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        say(f"wrote {args.output}")
        if any(r["errors"] or r["timed_out"] for r in results.values()):
            sys.exit(1)
    finally:
        stop_gunicorn(gunicorn, gunicorn_log)
        try:
            pg_admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
            for db in (REDIS_DB, REDIS_DB + 1):
                redis_flush(db)
        except Exception as exc:  # cleanup must not hide the real error
            say(f"cleanup: {exc}", err=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
