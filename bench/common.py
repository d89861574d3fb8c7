"""What the PostgreSQL benchmarks share: a throwaway database, Django set up against it,
console output and the results file."""

import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_ADMIN = ["psql", "postgres://postgres@127.0.0.1:5432/postgres", "-qc"]

BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "inclusion.settings",
    "DJANGO_DEBUG": "1",
    "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "AXES_ENABLED": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
    "SMS_BACKEND": "inclusion.sms.backends.memory.MemoryBackend",
}


def say(text):
    """Console output of the benchmark commands."""
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


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
