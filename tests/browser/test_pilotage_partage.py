"""Issue 17: the dashboard's public share link in a browser. A coordinator creates it from
the dashboard with the keyboard (its filters carried), copies its address, and someone without
an account opens it: aggregates with "< 5", axe with 0 violations on screen, in print and on a
360 px phone. Withdrawn, the same address says so. Screenshots in /work/helpers/shots/i_*.png
(or $PILOTAGE_SCREENSHOTS)."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, assert_accessible, assert_no_horizontal_overflow
from tests.browser.helpers_pilotage import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = "?du=2026-10-01&au=2026-11-30"


def test_share_link_from_the_dashboard_to_a_visitor(
    page, browser, live_server, log_in, monde_pilotage
):
    log_in(monde_pilotage.coordinateur)
    page.goto("/pro/pilotage/" + QUERY)
    page.get_by_role("link", name="Partager ces chiffres par un lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partager le pilotage")
    expect(page.get_by_text("du 1er octobre 2026 au 30 novembre 2026")).to_be_visible()
    assert_accessible(page)

    # A refusal first: an end date already past, said next to its field, the title kept.
    page.get_by_label("Titre du lien").fill("Conseil municipal de décembre")
    page.get_by_label("Valable jusqu'au (facultatif)").fill("2020-01-01")
    page.get_by_label("Valable jusqu'au (facultatif)").press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("La date de fin est déjà passée")
    expect(page.get_by_label("Titre du lien")).to_have_value("Conseil municipal de décembre")
    assert_accessible(page)
    shot(page, "partage_erreur")

    page.get_by_label("Valable jusqu'au (facultatif)").fill("")
    page.get_by_role("button", name="Créer le lien").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("est créé")).to_be_visible()
    address = page.get_by_label("Adresse à copier").input_value()
    assert address.startswith(live_server.url + "/pilotage/partage/")
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    shot(page, "partage_liste")

    # Someone without an account.
    visitor = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    other = visitor.new_page()
    other.goto(address)
    expect(other.get_by_role("heading", level=1)).to_have_text("Conseil municipal de décembre")
    expect(other.get_by_text("Les chiffres de tout le territoire.")).to_be_visible()
    chiffre = other.locator(".pilotage-chiffre", has_text="Dont en quartier prioritaire")
    expect(chiffre.locator(".pilotage-chiffre__valeur")).to_have_text("< 5")
    assert other.locator("form.pilotage-export").count() == 0
    assert_accessible(other)
    assert_no_horizontal_overflow(other)
    shot(other, "partage_public")
    other.emulate_media(media="print")
    expect(other.locator("table.pilotage-table").first).to_be_visible()
    assert_no_horizontal_overflow(other)
    shot(other, "partage_public_impression")
    other.emulate_media(media="screen")
    other.set_viewport_size(PHONE)
    other.reload()
    assert_accessible(other)
    assert_no_horizontal_overflow(other)
    shot(other, "partage_public_telephone")

    # Withdrawn: the same address now says so.
    page.get_by_role("button", name="Retirer le lien").click()
    expect(page.get_by_text("est retiré")).to_be_visible()
    response = other.goto(address)
    assert response.status == 410
    expect(other.get_by_role("heading", level=1)).to_have_text("Ce lien ne s'ouvre plus")
    assert_accessible(other)
    shot(other, "partage_retire")
    visitor.close()
