"""The public page "Vos données personnelles" in a browser: accessible (axe), readable on an
old phone (the table of delays scrolls inside its own box), the help phone a link."""

import pytest
from playwright.sync_api import expect

from inclusion import conservation
from tests.browser.helpers import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/work/helpers/shots"


def test_personal_data_page_is_accessible_on_a_desktop(page):
    page.goto("/donnees-personnelles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos données personnelles")
    table = page.get_by_role("region", name="Combien de temps nous gardons vos informations")
    expect(table.get_by_role("row")).to_have_count(1 + len(conservation.delais()))
    expect(page.get_by_role("heading", name="Vos droits")).to_be_visible()
    check_page(page, "g_donnees_personnelles_desktop", shots=SHOTS)


def test_personal_data_page_fits_an_old_phone(phone_page):
    phone_page.goto("/donnees-personnelles/")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    check_page(phone_page, "g_donnees_personnelles_phone", shots=SHOTS)
