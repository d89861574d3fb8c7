"""A person's file on a small phone: "Son parcours" grouped by month, icons beside the text,
the last 50 lines then "Voir tout"; axe finds nothing; nothing sticks out at 360 px.
CHRONOLOGIE_SCREENSHOTS=/some/dir keeps a screenshot of each screen to look at."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, assert_no_horizontal_overflow
from tests.inclusion.test_chronologie import add_events, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CHRONOLOGIE_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_file_timeline_on_a_small_phone(phone_page, log_in):
    ctx = build_world()
    add_events(ctx, 8)
    log_in(ctx["pro"])
    page = phone_page
    page.goto(f"/pro/beneficiaires/{ctx['personne'].uuid}/")
    section = page.get_by_role("region", name="Son parcours")
    expect(section.get_by_role("heading", level=2)).to_have_text("Son parcours")
    expect(section.get_by_role("heading", level=3).first).to_be_visible()
    expect(section.get_by_role("listitem")).to_have_count(50)
    assert_no_horizontal_overflow(page)
    assert_accessible(page)
    _shot(page, "f_chronologie_360")

    section.get_by_role("link", name="Voir tout le parcours").click()
    page.wait_for_load_state()
    section = page.get_by_role("region", name="Son parcours")
    expect(section.get_by_text("Dossier créé")).to_be_visible()
    assert section.get_by_role("listitem").count() > 50
    expect(section.get_by_role("link", name="Voir tout le parcours")).to_have_count(0)
    assert_no_horizontal_overflow(page)
    assert_accessible(page)
    _shot(page, "f_chronologie_360_tout")


def test_file_timeline_on_a_desktop(page, log_in):
    ctx = build_world()
    add_events(ctx, 1)
    log_in(ctx["pro"])
    page.goto(f"/pro/beneficiaires/{ctx['personne'].uuid}/")
    section = page.get_by_role("region", name="Son parcours")
    expect(section.get_by_text("Dossier créé")).to_be_visible()
    expect(section.get_by_role("link", name="Voir tout le parcours")).to_have_count(0)
    assert_accessible(page)
    _shot(page, "f_chronologie_bureau")
