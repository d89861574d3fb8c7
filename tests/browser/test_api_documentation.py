"""The API's documentation page (/api/v1/) in a browser: rendered on the server (it works
with JavaScript off), accessible (axe), fits a small phone, its links reach the schema."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, assert_no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/work/helpers/shots"


def test_documentation_is_accessible_and_links_the_schema(page):
    page.goto("/api/v1/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API publique, version 1")
    expect(page.get_by_role("heading", name="Obtenir un jeton (activités)")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=f"{SHOTS}/k_api_doc_desktop.png", full_page=True)
    page.get_by_role("link", name="Sessions d'ateliers à venir").click()
    expect(page).to_have_url(page.url.split("#")[0] + "#sessions-list")
    # The responses fold and unfold from the keyboard.
    summary = page.locator("#sessions-list ~ details summary").nth(1)
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#sessions-list ~ details").nth(1)).to_have_attribute("open", "")
    response = page.request.get("/api/v1/schema/")
    assert response.ok and response.json()["openapi"].startswith("3.")


def test_documentation_fits_an_old_phone_without_javascript(browser, live_server):
    from tests.browser.helpers import PHONE

    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto("/api/v1/")
        expect(page.get_by_role("heading", name="Lieux de médiation numérique")).to_be_visible()
        assert_no_horizontal_overflow(page)
        page.screenshot(path=f"{SHOTS}/k_api_doc_phone.png", full_page=False)
    finally:
        context.close()
