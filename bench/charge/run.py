"""Load test (issue 19): locust, headless, on loopback, against gunicorn in the production
configuration (DEBUG off, gthread workers as deploy/gunicorn.conf.py, Redis cache and
sessions) on a throwaway PostgreSQL database filled by `manage.py demo --wet-run --force`.

Run from the repository root:

    .venv/bin/python bench/charge/run.py [--duration 30] [--levels 1,4,8,16]

For each level of concurrent users, in turn: the minimal view /sante/, the public site, the
espace pro (bench/charge/locustfile.py), each for --duration seconds; req/s, p50, p95 and
failures per level, and the ratio of each to the minimal view at the same level. Writes
bench/results/charge.json and the table of bench/charge/RESULTATS.md. The load generator
runs on the same cores as the server: the CPU seconds of each are recorded. gunicorn is
stopped, the database dropped and the Redis databases emptied at the end, even on failure.
"""

import argparse
import csv
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # bench/: the shared helpers

from common import (  # noqa: E402
    HOST,
    PYTHON,
    ROOT,
    get,
    git,
    machine,
    pg_admin,
    run,
    say,
    server_env,
    start_gunicorn,
    stop_gunicorn,
    versions,
    workdir,
)

LOCUST = ROOT / ".venv" / "bin" / "locust"
RESULTS = ROOT / "bench" / "results" / "charge.json"
TABLE = HERE / "RESULTATS.md"
SCENARIOS = ("Minimal", "Public", "Pro")
TABLE_START, TABLE_END = "<!-- tableau: début -->", "<!-- tableau: fin -->"


# --- Targets: runs in a child process with the bench environment ---------------------------


def targets(path):
    """The pages of each kind of user and the session cookies of the two demo accounts."""
    sys.path.insert(0, os.environ["BENCH_APP_DIR"])
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from cms.models import AteliersIndexPage, LieuxIndexPage
    from inclusion.models import Beneficiaire, User

    ateliers = AteliersIndexPage.objects.live().first().url
    lieux = LieuxIndexPage.objects.live().first().url
    anonymous = Client(SERVER_NAME=HOST)
    html = anonymous.get(ateliers).content.decode()
    sessions = re.findall(rf'href="({re.escape(ateliers)}session/\d+/)"', html)
    if not sessions:
        raise SystemExit("no session linked from the workshops list")

    def cookie(email):
        client = Client(SERVER_NAME=HOST)
        user = User.objects.get(email=email)
        client.force_login(user, backend="inclusion.backends.RolesBackend")
        return (
            user,
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        )

    prescripteur, cookie_p = cookie("prescripteur@demo.example")
    mediateur, cookie_m = cookie("mediateur@demo.example")
    personne = Beneficiaire.objects.for_user(prescripteur).order_by("pk").first()
    data = {
        "public": {
            "accueil": "/",
            "ateliers": ateliers,
            "session": sessions[0],
            "lieux": lieux,
        },
        "pro": {
            "prescripteur": {
                "pro_accueil": reverse("pro:accueil"),
                "personnes": reverse("pro:beneficiaire_list"),
                "dossier": reverse("pro:beneficiaire_detail", args=[personne.uuid]),
            },
            "mediateur": {
                "sessions": reverse("ateliers:mes_sessions"),
                "activites": reverse("activites:liste"),
            },
        },
        "cookies": {"prescripteur": cookie_p, "mediateur": cookie_m},
    }
    Path(path).write_text(json.dumps(data, indent=2), encoding="utf-8")


# --- Measuring -----------------------------------------------------------------------------


def cpu_seconds(pgid):
    """User + system CPU seconds of every live process of a process group (gunicorn)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])
    return total / tick


def locust(scenario, users, duration, port, env, prefix):
    """One headless locust run; its aggregated and per-page figures from its CSV."""
    before_children = os.times()
    proc = subprocess.run(
        [
            LOCUST,
            "-f",
            HERE / "locustfile.py",
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{duration}s",
            "--stop-timeout",
            "5",
            "--host",
            f"http://{HOST}:{port}",
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
            scenario,
        ],
        env=env,
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=duration + 120,
        check=False,
    )
    after_children = os.times()
    rows = {}
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"locust wrote no statistics ({scenario}, {users} users)")
    with stats.open(newline="") as f:
        for row in csv.DictReader(f):
            count = int(row["Request Count"])
            rows[row["Name"]] = {
                "requests": count,
                "failures": int(row["Failure Count"]),
                "req_per_s": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"]) if count else 0.0,
                "p95_ms": float(row["95%"]) if count else 0.0,
                "avg_ms": round(float(row["Average Response Time"]), 1),
            }
    aggregated = rows.pop("Aggregated")
    if not aggregated["requests"]:  # say why: locust's own words
        aggregated["locust_output"] = (proc.stdout[-2000:] + proc.stderr[-2000:]).strip()
    aggregated["pages"] = rows
    aggregated["locust_cpu_s"] = round(
        (after_children.children_user - before_children.children_user)
        + (after_children.children_system - before_children.children_system),
        1,
    )
    return aggregated


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def render_table(results, levels):
    lines = [
        "| utilisateurs | parcours | req/s | p50 ms | p95 ms | échecs | rapport à /sante/ "
        "| CPU gunicorn s | CPU locust s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in levels:
        for scenario in SCENARIOS:
            r = results[str(level)][scenario]
            lines.append(
                f"| {level} | {scenario} | {r['req_per_s']:.1f} | {r['p50_ms']:.0f} "
                f"| {r['p95_ms']:.0f} | {r['failures']} / {r['requests']} "
                f"| {r['ratio_to_minimal'] * 100:.1f} % | {r['gunicorn_cpu_s']:.1f} "
                f"| {r['locust_cpu_s']:.1f} |"
            )
    lines += ["", "Par page (p50 / p95 ms, au niveau le plus haut) :", ""]
    top = results[str(levels[-1])]
    for scenario in SCENARIOS[1:]:
        for name, page in top[scenario]["pages"].items():
            lines.append(
                f"- {scenario} · {name} : {page['req_per_s']:.1f} req/s, "
                f"p50 {page['p50_ms']:.0f} / p95 {page['p95_ms']:.0f} ms, "
                f"{page['failures']} échec(s)"
            )
    return "\n".join(lines)


def write_table(table, header):
    text = TABLE.read_text(encoding="utf-8") if TABLE.exists() else ""
    block = f"{TABLE_START}\n{header}\n\n{table}\n{TABLE_END}"
    if TABLE_START in text and TABLE_END in text:
        before, rest = text.split(TABLE_START, 1)
        after = rest.split(TABLE_END, 1)[1]
        text = before + block + after
    else:
        text = f"# Test de charge\n\n{block}\n{text}"
    TABLE.write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per level and kind")
    parser.add_argument("--levels", default="1,4,8,16", help="concurrent users, comma-separated")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (deploy: 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (deploy: 4)")
    parser.add_argument("--conn-max-age", type=int, default=0, help="DATABASE_CONN_MAX_AGE")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="REDIS_URL")
    parser.add_argument("--db-name", default="inclusion_bench_charge")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--targets", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.targets:
        targets(args.targets)
        return
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db_name):
        raise SystemExit("--db-name: lower-case letters, digits and _ only")
    levels = [int(x) for x in args.levels.split(",")]
    redis_pages = re.sub(r"/(\d+)$", lambda m: f"/{int(m.group(1)) + 1}", args.redis)

    tmp, app_dir = workdir("bench_charge_")
    env = server_env(
        tmp,
        app_dir,
        args.db_name,
        args.conn_max_age,
        REDIS_URL=args.redis,
        # The shared machine may stall a worker for seconds: no kill at gunicorn's default 30 s.
        GUNICORN_CMD_ARGS=f"--worker-class gthread --threads {args.threads} --timeout 120",
        SMS_BACKEND="inclusion.sms.backends.memory.MemoryBackend",
    )
    gunicorn, log = None, tmp / "gunicorn.log"
    try:
        for url in (args.redis, redis_pages):
            flush_redis(url)
        pg_admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{args.db_name}"')
        for label, cmd in (
            ("migrate", ["migrate", "--noinput"]),
            ("collectstatic", ["collectstatic", "--noinput"]),
            ("demo", ["demo", "--wet-run", "--force"]),
        ):
            t0 = time.monotonic()
            run([PYTHON, "manage.py", *cmd], env, timeout=1200)
            say(f"{label}: {time.monotonic() - t0:.1f} s")
        targets_file = tmp / "targets.json"
        run([PYTHON, __file__, "--targets", str(targets_file)], env)
        pages = json.loads(targets_file.read_text())

        gunicorn, port = start_gunicorn(app_dir, env, args.workers, log)
        import http.client

        checks = [("sante", "/sante/", None)]
        checks += [(n, p, None) for n, p in pages["public"].items()]
        for persona, paths in pages["pro"].items():
            checks += [(n, p, pages["cookies"][persona]) for n, p in paths.items()]
        for name, path, cookie in checks:  # every page answers 200 before measuring
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            headers = {"Host": HOST, **({"Cookie": cookie} if cookie else {})}
            status, _ = get(conn, path, headers)
            conn.close()
            if status != 200:
                raise SystemExit(f"{name} {path}: status {status}")
        say(f"{len(checks)} pages answer 200")

        locust_env = {**env, "CHARGE_TARGETS": str(targets_file)}
        # Warm-up: every worker imports its code and fills its per-process caches.
        for scenario in SCENARIOS:
            locust(scenario, 4, 5, port, locust_env, tmp / f"warm_{scenario}")
        results = {}
        for level in levels:
            results[str(level)] = {}
            for scenario in SCENARIOS:
                cpu0 = cpu_seconds(gunicorn.pid)
                r = locust(
                    scenario, level, args.duration, port, locust_env, tmp / f"{scenario}_{level}"
                )
                r["gunicorn_cpu_s"] = round(cpu_seconds(gunicorn.pid) - cpu0, 1)
                results[str(level)][scenario] = r
            minimal = results[str(level)]["Minimal"]["req_per_s"] or 0.1
            for scenario in SCENARIOS:
                r = results[str(level)][scenario]
                r["ratio_to_minimal"] = round(r["req_per_s"] / minimal, 4)
                say(
                    f"{level:>3} users {scenario:<8} {r['req_per_s']:>8.1f} req/s "
                    f"p50 {r['p50_ms']:>6.0f} ms p95 {r['p95_ms']:>6.0f} ms "
                    f"failures {r['failures']}/{r['requests']} "
                    f"ratio {r['ratio_to_minimal'] * 100:5.1f} % "
                    f"cpu gunicorn {r['gunicorn_cpu_s']} s locust {r['locust_cpu_s']} s"
                )

        out = {
            "benchmark": "charge",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "git_commit": git("rev-parse", "--short", "HEAD"),
            "work_tree_changes": bool(git("status", "--porcelain")),
            "parameters": {
                "duration_s": args.duration,
                "levels": levels,
                "gunicorn_workers": args.workers,
                "gunicorn_worker_class": "gthread",
                "gunicorn_threads": args.threads,
                "conn_max_age": args.conn_max_age,
                "debug": False,
                "cache_and_sessions": "redis (cached_db sessions)",
                "data": "manage.py demo --wet-run --force",
                "think_time_s": 0,
            },
            "machine": machine(),
            "versions": {**versions(), "locust": run([LOCUST, "--version"], env).split()[1]},
            "pages": {k: v for k, v in pages.items() if k != "cookies"},
            "results": results,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        say(f"wrote {args.output}")
        cpus = out["machine"]["cpu_count"]
        pg = out["versions"].get("postgresql")
        header = (
            f"Mesuré le {out['date'][:10]} (commit {out['git_commit']}), {cpus} cœurs "
            f"partagés avec le générateur de charge ; gunicorn {args.workers} workers gthread × "
            f"{args.threads} threads, DEBUG off, Redis, PostgreSQL {pg}, données de `demo`, "
            f"{args.duration} s par mesure, sans temps de réflexion."
        )
        write_table(render_table(results, levels), header)
        say(f"wrote {TABLE.relative_to(ROOT)}")
    finally:
        stop_gunicorn(gunicorn, log)
        try:
            pg_admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
            for url in (args.redis, redis_pages):
                flush_redis(url)
        except Exception as exc:  # report, do not mask the original error
            say(f"cleanup: {exc}", err=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
