"""The system Chromium and its launch flags, shared by the browser tests
(tests/browser/conftest.py) and the production smoke test (.ci/smoke_production.py).

Side-effect free on purpose: the smoke script imports it without the test harness.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps trying to reach the internet.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
