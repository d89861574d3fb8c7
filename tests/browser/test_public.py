import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, assert_no_horizontal_overflow
from tests.cms.conftest import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _site_public(transactional_db):
    """The home is the Wagtail AccueilPage (the socle's temporary home is gone)."""
    build_site()


def test_public_home_is_accessible(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_accessible(page)


def test_public_home_text_is_large_enough(page):
    page.goto("/")
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18


def test_public_home_fits_an_old_phone(phone_page):
    phone_page.goto("/")
    assert_no_horizontal_overflow(phone_page)
    assert_accessible(phone_page)


def test_skip_link_is_first_and_moves_focus_to_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
