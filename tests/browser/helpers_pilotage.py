"""What the dashboards' browser tests share: screenshots in /work/helpers/shots/i_*.png (or
$PILOTAGE_SCREENSHOTS). Their world, the fixture `monde_pilotage`, is in conftest.py."""

import os
from pathlib import Path

SHOTS = os.environ.get("PILOTAGE_SCREENSHOTS", "/work/helpers/shots")


def shot(page, name):
    if SHOTS and Path(SHOTS).parent.exists():
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/i_{name}.png", full_page=True)
