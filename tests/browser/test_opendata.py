"""The datasets page (/opendata/) in a browser: accessible (axe), fits a small phone, the
download links work without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, assert_no_horizontal_overflow
from tests.mediation import monde_opendata

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/work/helpers/shots"


def test_datasets_page_is_accessible_and_links_to_the_files(page):
    monde_opendata.build()
    page.goto("/opendata/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
    expect(page.get_by_role("heading", level=2)).to_have_count(3)
    assert_accessible(page)
    page.screenshot(path=f"{SHOTS}/j_opendata_desktop.png", full_page=True)
    link = page.get_by_role("link", name="Télécharger en CSV — Lieux d'aide au numérique")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "lieux-mediation-numerique.csv"


def test_datasets_page_fits_an_old_phone(phone_page):
    monde_opendata.build()
    phone_page.goto("/opendata/")
    assert_no_horizontal_overflow(phone_page)
    assert_accessible(phone_page)
    phone_page.screenshot(path=f"{SHOTS}/j_opendata_phone.png", full_page=True)
