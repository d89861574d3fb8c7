"""INCLUSION_LOGS_JSON=1 (issue 19): each log line is one JSON object with time, level, logger
and message. The settings are read once per process, hence a fresh interpreter each."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (
    "import django, logging; django.setup(); "
    "logging.getLogger('inclusion.essai').warning('passe finie : %s SMS', 3)"
)


def _stderr(**env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("INCLUSION_", "SENTRY"))}
    environ |= {"DJANGO_SETTINGS_MODULE": "inclusion.settings", "DJANGO_DEBUG": "1"} | env
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=environ, capture_output=True,
        text=True, timeout=120, check=True,
    )  # fmt: skip
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_json_lines_when_asked():
    (line,) = _stderr(INCLUSION_LOGS_JSON="1")
    record = json.loads(line)
    assert {"time", "level", "logger", "message"} <= set(record)
    assert record["level"] == "WARNING"
    assert record["logger"] == "inclusion.essai"
    assert record["message"] == "passe finie : 3 SMS"
    assert record["time"][:2] == "20"  # a date, first


def test_plain_lines_otherwise():
    (line,) = _stderr()
    assert line.endswith("WARNING inclusion.essai passe finie : 3 SMS")
    try:
        json.loads(line)
    except ValueError:
        pass
    else:
        raise AssertionError("a plain line parsed as JSON")
