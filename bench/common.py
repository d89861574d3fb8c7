"""What the PostgreSQL benchmarks share: a throwaway database, Django set up against it,
console output and the results file; gunicorn on loopback and a load generator (http_views,
site_public, charge); and the seeding of a structure, its people and its sessions through the
services (http_views, ateliers)."""

import datetime
import http.client
import importlib.metadata
import json
import os
import platform
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
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_ADMIN = ["psql", PG_ADMIN_URL, "-qc"]
HOST = "127.0.0.1"

BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "inclusion.settings",
    "DJANGO_DEBUG": "1",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "AXES_ENABLED": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
    "SMS_BACKEND": "inclusion.sms.backends.memory.MemoryBackend",
}


def run_threads(threads):
    """Start the threads together, wait for all: the seconds it took."""
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def say(text, err=False):
    """Console output of the benchmark commands."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n")
    stream.flush()


def drop_database(name):
    subprocess.run([*PG_ADMIN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def setup_django(db_name, **env):
    """Create a fresh database, migrate it and set Django up against it in this process."""
    os.environ.update(
        {**BASE_ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}", **env}
    )
    subprocess.run([*PG_ADMIN, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'], check=True)
    subprocess.run([*PG_ADMIN, f'CREATE DATABASE "{db_name}"'], check=True)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True, env=os.environ
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def write_results(path, parameters, **figures):
    """Figures with the date, the machine and the parameters, as JSON."""
    payload = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
        "parameters": parameters,
        **figures,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    say(f"wrote {path.relative_to(ROOT)}")


# --- gunicorn on loopback and the load generator --------------------------------------------


def run(cmd, env, timeout=1800, check=True):
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


def redis_flush(db):
    """Empty one Redis database (the benches' caches and sessions start and end empty)."""
    import redis

    redis.Redis(host=HOST, port=6379, db=db).flushdb()


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=120):
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
    elapsed = run_threads(threads)
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
    for pkg in ("django", "gunicorn", "psycopg", "wagtail"):
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


# --- Seeding through the services (inside Django, once it is set up) ------------------------


def seed_structure(*, commune, code_insee, code_postal, structure, pivot, type, lieu, adresse):
    """A commune, a structure there and one of its places: (commune, structure, lieu)."""
    from inclusion.services import territoire

    made_commune = territoire.create_commune(
        nom=commune, code_insee=code_insee, codes_postaux=code_postal
    )
    made_structure = territoire.create_structure(
        nom=structure, pivot=pivot, type=type, commune=made_commune
    )
    made_lieu = territoire.create_lieu(
        structure=made_structure,
        nom=lieu,
        commune=made_commune,
        code_postal=code_postal,
        adresse=adresse,
    )
    return made_commune, made_structure, made_lieu


def seed_member(structure, role, email, **fields):
    """An account with `role` in `structure`."""
    from inclusion.services import territoire

    user = territoire.create_user(email=email, **fields)
    territoire.add_membership(user=user, structure=structure, role=role)
    return user


def seed_theme():
    """The workshops' theme."""
    from ateliers.models import Theme
    from inclusion.enums import ServiceMediation

    return Theme.objects.create(
        titre="Prendre en main son smartphone",
        titre_falc="Utiliser son téléphone",
        description_falc="Vous apprenez.",
        niveau="debutant",
        thematiques=["prendre_en_main_du_materiel"],
        service=ServiceMediation.QUOTIDIEN,
    )


def seed_sessions(*, acteur, theme, lieu, start, count, capacite):
    """`count` sessions of two hours, one every three hours from `start`."""
    from ateliers.services import sessions

    return [
        sessions.create_session(
            acteur=acteur,
            theme=theme,
            lieu=lieu,
            debut=start + datetime.timedelta(hours=3 * i),
            fin=start + datetime.timedelta(hours=3 * i + 2),
            capacite=capacite,
        )
        for i in range(count)
    ]
