"""Issue 17: the dashboard in a browser, as a coordinator, on the fixed small territory
(tests/mediation/monde_pilotage.py): axe on the page (screen, print, phone), the filters and
the export buttons reached with the keyboard, a filter applied from the keyboard (the URL
carries it), the print preview and a 360 px phone without layout breakage. Screenshots in
/work/helpers/shots/i_*.png (or $PILOTAGE_SCREENSHOTS)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, assert_accessible, assert_no_horizontal_overflow
from tests.browser.helpers_pilotage import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUERY = "?du=2026-08-01&au=2026-11-30"
# (JavaScript's \w is ASCII: "décembre" needs \S.)
CALCULE_LE = re.compile(r"^Chiffres calculés le \d{1,2} \S+ \d{4} à \d{2}h\d{2}\.$")


def focused(page):
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
          return (label || el.innerText || el.getAttribute('aria-label') || el.name || '').trim();
        }"""
    )


def test_dashboard_as_a_coordinator(page, log_in, monde_pilotage):
    log_in(monde_pilotage.coordinateur)
    page.goto("/pro/pilotage/" + QUERY)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage")
    expect(page.get_by_text("Vous voyez les chiffres de tout le territoire.")).to_be_visible()
    sections = page.locator("section.pilotage-section")
    assert sections.count() >= 1
    assert page.locator('svg[role="img"]').count() >= 1
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    shot(page, "pilotage_bureau")

    # Keyboard: from the first date, Tab goes through every filter and the submit button,
    # then on to the PDF link and, further, the exports.
    page.get_by_label("Du", exact=True).focus()
    seen = [focused(page)]
    for _ in range(80):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1].startswith("Exporter"):
            break
    expected = ["Du", "Au", "Commune", "Quartier", "Structure", "Lieu", "Programme", "Afficher"]
    positions = [next(i for i, s in enumerate(seen) if s.startswith(name)) for name in expected]
    assert positions == sorted(positions), seen
    assert "Télécharger en PDF" in seen
    assert seen[-1].startswith("Exporter") and seen[-1].endswith("en CSV"), seen
    page.keyboard.press("Tab")
    assert focused(page).endswith("en XLSX")

    # A filter chosen and sent from the keyboard: the URL carries it (shareable).
    page.get_by_label("Commune", exact=True).select_option(label="Ville-Basse")
    page.get_by_role("button", name="Afficher").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**commune={monde_pilotage.c2.pk}**")
    assert "du=2026-08-01" in page.url
    expect(page.get_by_label("Commune", exact=True)).to_have_value(str(monde_pilotage.c2.pk))
    assert_accessible(page)


def test_print_preview_and_phone(page, log_in, monde_pilotage):
    log_in(monde_pilotage.coordinateur)
    page.goto("/pro/pilotage/" + QUERY)
    page.emulate_media(media="print")
    expect(page.locator(".pro-nav")).to_be_hidden()
    expect(page.locator("form.pilotage-filtres")).to_be_hidden()
    expect(page.locator("form.pilotage-export").first).to_be_hidden()
    expect(page.locator("table.pilotage-table").first).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "pilotage_impression")
    page.emulate_media(media="screen")

    page.set_viewport_size(PHONE)
    page.goto("/pro/pilotage/" + QUERY)
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    # Charts scale down with the page: none wider than the screen.
    widths = page.eval_on_selector_all(
        'svg[role="img"]', "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert widths and max(widths) <= PHONE["width"]
    shot(page, "pilotage_telephone")


def test_figures_computed_by_the_worker_say_so(page, log_in, monde_pilotage, settings):
    """Issue 19: a scope whose dashboard is slow (the bound at 0 s here) is served as last
    computed, the page saying when; other filters first say that the figures are coming."""
    settings.INCLUSION_PILOTAGE_DIRECT_SECONDES = 0
    log_in(monde_pilotage.coordinateur)
    page.goto("/pro/pilotage/")  # counted live, and learnt slow
    page.goto("/pro/pilotage/")
    expect(page.get_by_text(CALCULE_LE)).to_be_visible()
    assert page.locator("section.pilotage-section").count() >= 1
    assert_accessible(page)
    shot(page, "pilotage_instantane")

    page.goto("/pro/pilotage/" + QUERY)
    status = page.get_by_role("status")
    expect(status).to_contain_text("Les chiffres sont en cours de calcul.")
    assert page.locator("section.pilotage-section").count() == 0
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_no_horizontal_overflow(page)
    shot(page, "pilotage_en_calcul")
    # The tests' task backend computed them after the page's commit: "Actualiser" shows them.
    page.get_by_role("link", name="Actualiser la page").click()
    expect(page.get_by_text(CALCULE_LE)).to_be_visible()
    assert page.locator("section.pilotage-section").count() >= 1
