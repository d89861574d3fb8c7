"""HTTP throughput of a minimal view and of the beneficiary list, under gunicorn on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/http_views.py [--requests N] [--concurrency C] [--rows R]

Creates a throwaway PostgreSQL database, migrates it, seeds R beneficiaries for one
prescripteur, starts gunicorn on a free loopback port, drives a bounded load against
/sante/ and /pro/beneficiaires/, prints a table and writes bench/results/http_views.json.
gunicorn is stopped and the database dropped at the end, even on failure.
"""

import argparse
import datetime
import http.client
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "http_views.json"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"
# (name, path, sends the session cookie): a load balancer probes /sante/ without a session.
ENDPOINTS = [
    ("sante", "/sante/", False),
    ("beneficiaire_list", "/pro/beneficiaires/", True),
]
# A row of the list links to the person's file.
ROW_LINK = re.compile(r'href="/pro/beneficiaires/[0-9a-f-]{36}/"')


def say(text, err=False):
    """Console output of this command-line tool."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n")
    stream.flush()


# --- Seeding: runs in a child process with the bench environment --------------------------


def seed(rows):
    """Create a prescripteur with `rows` beneficiaries; print a session key and query counts."""
    sys.path.insert(0, os.environ["BENCH_APP_DIR"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inclusion.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from inclusion.enums import Role, TypeStructure
    from inclusion.services.beneficiaires import create_beneficiaire
    from inclusion.services.territoire import (
        add_membership,
        create_commune,
        create_structure,
        create_user,
    )

    commune = create_commune(nom="Bordeaux", code_insee="33063", codes_postaux="33000")
    structure = create_structure(
        nom="CCAS de Bordeaux", pivot="W123456789", type=TypeStructure.CCAS, commune=commune
    )
    user = create_user(email="prescripteur@bench.invalid", prenom="Pia", nom="Bench")
    add_membership(user=user, structure=structure, role=Role.PRESCRIPTEUR)
    for i in range(rows):
        create_beneficiaire(
            acteur=user,
            structure=structure,
            prenom=f"Personne{i:05d}",
            nom="Bench",
            commune=commune,
            sans_telephone=True,
        )

    logged_in = Client(SERVER_NAME=HOST)
    logged_in.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session_key = logged_in.cookies[settings.SESSION_COOKIE_NAME].value
    anonymous = Client(SERVER_NAME=HOST)
    queries = {}
    for name, path, auth in ENDPOINTS + [("sante_with_session", "/sante/", True)]:
        client = logged_in if auth else anonymous
        client.get(path)  # first hit fills per-process caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        queries[name] = {
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "sql": [q["sql"][:120] for q in ctx.captured_queries],
        }
        # Server-side cost without HTTP or the load generator: median of 20 in-process GETs.
        timings = []
        for _ in range(20):
            start = time.perf_counter()
            client.get(path)
            timings.append(time.perf_counter() - start)
        queries[name]["in_process_median_ms"] = round(statistics.median(timings) * 1000, 2)
    say(
        json.dumps(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}",
                "queries": queries,
            }
        )
    )


# --- Orchestration -------------------------------------------------------------------------


def run(cmd, env, timeout=600, check=True):
    proc = subprocess.run(
        cmd,
        env=env,
        cwd=env["BENCH_APP_DIR"],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if not check:
        return proc
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}")
    return proc.stdout


def pg_admin(sql):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else None


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start listening")


def get(conn, path, headers):
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


def load(port, path, headers, total, concurrency, time_limit):
    """Send `total` GETs from `concurrency` threads; each thread keeps its connection open."""
    lock = threading.Lock()
    state = {"left": total}
    latencies, errors, statuses = [], [0], {}
    deadline = time.monotonic() + time_limit

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        local = []
        try:
            while time.monotonic() < deadline:
                with lock:
                    if state["left"] <= 0:
                        break
                    state["left"] -= 1
                start = time.perf_counter()
                try:
                    status, _ = get(conn, path, headers)
                except (OSError, http.client.HTTPException):
                    conn.close()
                    status = "exception"
                local.append(time.perf_counter() - start)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status != 200:
                        errors[0] += 1
        finally:
            conn.close()
            with lock:
                latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    done = len(latencies)
    q = statistics.quantiles(latencies, n=100) if done >= 2 else [0.0] * 99
    return {
        "path": path,
        "requests": done,
        "errors": errors[0],
        "statuses": {str(k): v for k, v in statuses.items()},
        "timed_out": done < total,
        "seconds": round(elapsed, 3),
        "req_per_s": round(done / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(q[49] * 1000, 2),
        "p95_ms": round(q[94] * 1000, 2),
    }


def versions():
    out = {"python": platform.python_version()}
    for pkg in ("django", "gunicorn", "django-tables2", "psycopg", "wagtail"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = None
    try:
        out["postgresql"] = pg_admin("SELECT current_setting('server_version')")[0][0]
    except Exception:
        out["postgresql"] = None
    return out


def git(*args):
    proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return proc.stdout.strip()


def export_commit(ref, dest):
    """Copy the files of a commit to `dest` (git archive: the repository is not touched)."""
    dest.mkdir()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)


def workdir(prefix, commit=None):
    """A temporary directory, and the code to measure: the work tree, or `commit` exported
    into that directory."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    if not commit:
        return tmp, ROOT
    try:
        export_commit(commit, tmp / "app")
    except Exception:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, tmp / "app"


def server_env(tmp, app_dir, db_name, conn_max_age, **extra):
    """The environment of gunicorn and of the setup commands: production settings (DEBUG
    off) against the throwaway database, files under `tmp`."""
    return {
        **os.environ,
        "BENCH_APP_DIR": str(app_dir),
        "DJANGO_SETTINGS_MODULE": "inclusion.settings",
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{db_name}",
        "DATABASE_CONN_MAX_AGE": str(conn_max_age),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "AXES_ENABLED": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "INCLUSION_VAR_DIR": str(tmp / "var"),
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra,
    }


def start_gunicorn(app_dir, env, workers, log_path):
    """gunicorn (sync workers) on a free loopback port, in its own session: (process, port)."""
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [GUNICORN, "inclusion.wsgi", "-b", f"{HOST}:{port}", "-w", str(workers)],
            env=env,
            cwd=app_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for_port(port, proc)
    return proc, port


def stop_gunicorn(proc, log_path):
    """Stop gunicorn (master and workers) and show the tail of its log if it had tracebacks."""
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: master and workers
            proc.wait()
    if log_path.exists() and "Traceback" in log_path.read_text(errors="replace"):
        say("gunicorn log had tracebacks; tail:", err=True)
        say(log_path.read_text(errors="replace")[-3000:], err=True)


def machine():
    return {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "note": "shared machine; the load generator runs on the same cores",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--rows", type=int, default=500, help="beneficiaries to seed")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--time-limit", type=float, default=120, help="seconds per endpoint")
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="DATABASE_CONN_MAX_AGE (app default 0)"
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
    env = server_env(tmp, app_dir, args.db_name, args.conn_max_age)
    gunicorn = None
    gunicorn_log = tmp / "gunicorn.log"
    try:
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
        say(f"seed {args.rows} beneficiaries: {time.monotonic() - t0:.1f} s")

        gunicorn, port = start_gunicorn(app_dir, env, args.workers, gunicorn_log)
        anonymous = {"Host": HOST}
        logged_in = {"Host": HOST, "Cookie": seeded["cookie"]}

        # Check what the list really answers before measuring it.
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        status, body = get(conn, "/pro/beneficiaires/", logged_in)
        conn.close()
        rows_on_page = len(ROW_LINK.findall(body.decode("utf-8", "replace")))
        if status != 200 or rows_on_page == 0:
            raise SystemExit(f"list check failed: status {status}, {rows_on_page} rows")
        say(f"list check: status {status}, {rows_on_page} rows on the first page")

        for _, path, auth in ENDPOINTS:  # warm-up: every worker imports and fills caches
            load(port, path, logged_in if auth else anonymous, 50, args.concurrency, 30)

        results = {}
        for name, path, auth in ENDPOINTS:
            headers = logged_in if auth else anonymous
            results[name] = load(
                port, path, headers, args.requests, args.concurrency, args.time_limit
            )
            results[name]["session_cookie"] = auth
            results[name]["queries_per_request"] = seeded["queries"][name]["queries"]

        ratio = results["sante"]["req_per_s"] / max(results["beneficiaire_list"]["req_per_s"], 0.1)
        header = f"{'endpoint':<22}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}"
        header += f"{'p95 ms':>9}{'queries':>9}"
        say("")
        say(header)
        for r in results.values():
            say(
                f"{r['path']:<22}{r['requests']:>9}{r['errors']:>8}{r['req_per_s']:>9.1f}"
                f"{r['p50_ms']:>9.2f}{r['p95_ms']:>9.2f}{r['queries_per_request']:>9}"
            )
        say(f"\nratio /sante/ : /pro/beneficiaires/ = {ratio:.1f}x")
        for r in results.values():
            if r["errors"] or r["timed_out"]:
                say(f"WARNING {r['path']}: statuses {r['statuses']}, timed out {r['timed_out']}")

        args.output.parent.mkdir(parents=True, exist_ok=True)
        out = {
            "benchmark": "http_views",
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "git_commit": git("rev-parse", "--short", args.commit or "HEAD"),
            "work_tree_changes": None if args.commit else bool(git("status", "--porcelain")),
            "parameters": {
                "requests": args.requests,
                "concurrency": args.concurrency,
                "rows": args.rows,
                "gunicorn_workers": args.workers,
                "gunicorn_worker_class": "sync",
                "conn_max_age": args.conn_max_age,
                "time_limit_s": args.time_limit,
            },
            "machine": machine(),
            "versions": versions(),
            "list_check": {"status": status, "rows_on_first_page": rows_on_page},
            "results": results,
            "queries_seen_by_test_client": seeded["queries"],
            "ratio_sante_over_list": round(ratio, 2),
        }
        tmp_file = args.output.with_suffix(".json.tmp")
        tmp_file.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        tmp_file.replace(args.output)
        say(f"wrote {args.output}")
        if any(r["errors"] or r["timed_out"] for r in results.values()):
            sys.exit(1)
    finally:
        stop_gunicorn(gunicorn, gunicorn_log)
        try:
            pg_admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        except Exception as exc:  # report, do not mask the original error
            say(f"could not drop {args.db_name}: {exc}", err=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
