"""Issue 19: the dashboard's structure filter as a search field (the threshold lowered to 3:
the small territory's 4 structures are "too many"), on a 360 px phone: typed, picked from the
keyboard in the combobox, sent; the same without JavaScript (the server finds the text, or
offers the candidates). axe on each state; screenshots /work/helpers/shots/i_recherche_*.png."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from mediation import forms_pilotage
from tests.browser.helpers import PHONE, assert_accessible, assert_no_horizontal_overflow
from tests.browser.helpers_pilotage import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = "?du=2026-08-01&au=2026-11-30"


def shot_here(page, name, locator):
    """The screen around the filter (the whole page is 24,000 px tall on a phone)."""
    locator.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.evaluate("window.scrollBy(0, -110)")
    page.screenshot(path=f"{SHOTS}/i_{name}.png")


@pytest.fixture
def seuil(monkeypatch):
    monkeypatch.setattr(forms_pilotage, "SEUIL_LISTE", 3)


def test_structure_typed_and_picked_with_the_keyboard(page, log_in, monde_pilotage, seuil):
    m = monde_pilotage
    page.set_viewport_size(PHONE)
    log_in(m.coordinateur)
    page.goto("/pro/pilotage/" + QUERY)
    champ = page.get_by_role("combobox", name="Structure")
    expect(champ).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_text("Tapez au moins 2 lettres du nom")).to_be_visible()
    # The short lists stay lists.
    expect(page.get_by_label("Commune", exact=True)).to_have_js_property("tagName", "SELECT")

    champ.focus()
    page.keyboard.type("vil")
    liste = page.get_by_role("listbox", name="Structure")
    expect(liste).to_be_visible()
    expect(champ).to_have_attribute("aria-expanded", "true")
    options = liste.get_by_role("option")
    expect(options).to_have_text(["CCAS de Ville-Haute", "Tiers-lieu Ville-Basse"])
    status = page.locator(".recherche-choix [role=status]")
    expect(status).to_contain_text("2 résultats")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(champ).to_have_attribute("aria-activedescendant", re.compile(r"_liste_1$"))
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    shot_here(page, "recherche_liste_telephone", champ)

    page.keyboard.press("Enter")  # picks, does not send yet
    expect(champ).to_have_value("Tiers-lieu Ville-Basse")
    expect(champ).to_have_attribute("aria-expanded", "false")
    expect(liste).to_be_hidden()
    assert "structure" not in page.url

    page.keyboard.press("Enter")  # now sends the form
    page.wait_for_url(f"**structure={m.s2.pk}**")
    assert "structure_saisie" not in page.url and "du=2026-08-01" in page.url
    champ = page.get_by_role("combobox", name="Structure")
    expect(champ).to_have_value("Tiers-lieu Ville-Basse")
    assert page.locator("section.pilotage-section").count() >= 1
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    shot_here(page, "recherche_filtre_telephone", champ)

    # Escape closes the list; an accent-free, upper-case text finds the accented name.
    champ.fill("")
    champ.press_sequentially("NUMERIQUE")
    expect(liste.get_by_role("option")).to_have_text(["Espace numérique Nord"])
    expect(status).to_contain_text("1 résultat")
    page.keyboard.press("Escape")
    expect(liste).to_be_hidden()


def test_structure_typed_without_javascript(
    page, log_in, browser, live_server, monde_pilotage, seuil
):
    """The journey with JavaScript off (Playwright cannot evaluate anything then: axe runs on
    the same URLs in the usual page)."""
    m = monde_pilotage
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="fr-FR", java_script_enabled=False
    )
    client = Client()
    client.force_login(m.coordinateur)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    sans_js = context.new_page()
    sans_js.set_default_timeout(10_000)
    try:
        sans_js.goto("/pro/pilotage/" + QUERY)
        sans_js.get_by_label("Structure", exact=True).fill("ville")
        sans_js.get_by_role("button", name="Afficher").click()
        expect(
            sans_js.get_by_text("Plusieurs structures correspondent à « ville »")
        ).to_be_visible()
        group = sans_js.get_by_role("group", name="Choisissez parmi les 2 résultats")
        sans_js.locator(".field--error").screenshot(
            path=f"{SHOTS}/i_recherche_sans_js_plusieurs.png"
        )
        ambigu = sans_js.url
        group.get_by_label("CCAS de Ville-Haute").check()
        sans_js.get_by_role("button", name="Afficher").click()
        sans_js.wait_for_url(f"**structure={m.ccas.pk}**")
        expect(sans_js.get_by_label("Structure", exact=True)).to_have_value("CCAS de Ville-Haute")

        sans_js.get_by_label("Structure", exact=True).fill("espace num")
        sans_js.get_by_role("button", name="Afficher").click()
        sans_js.wait_for_url(f"**structure={m.s1.pk}**")
        expect(sans_js.get_by_label("Structure", exact=True)).to_have_value("Espace numérique Nord")

        sans_js.get_by_label("Structure", exact=True).fill("piscine")
        sans_js.get_by_role("button", name="Afficher").click()
        expect(sans_js.get_by_text("Aucune structure ne correspond à « piscine »")).to_be_visible()
        aucun = sans_js.url
    finally:
        context.close()

    page.set_viewport_size(PHONE)
    log_in(m.coordinateur)
    for url in (ambigu, aucun):
        page.goto(url)
        expect(page.locator(".field--error")).to_be_visible()
        assert_accessible(page)
        assert_no_horizontal_overflow(page)
