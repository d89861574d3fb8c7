"""The coordinators' screen of the funders' API tokens in a browser: the empty list, a
refused name (error summary, focus on the field from its link), a token created and shown
once, the list with it, the revocation's confirmation, then the list with the token revoked;
axe on every page, a 360 px phone on the token's page. Screenshots in
/work/helpers/shots/jetons_*.png (or $JETONS_SCREENSHOTS)."""

import os

import pytest
from playwright.sync_api import expect

from inclusion.enums import Role
from mediation.models_api import JetonApi
from tests.browser.helpers import PHONE, check_page, press
from tests.inclusion.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("JETONS_SCREENSHOTS", "/work/helpers/shots")


def check(page, name):
    check_page(page, f"jetons_{name}", shots=SHOTS if os.path.isdir("/work/helpers") else None)


def test_a_coordinator_creates_then_revokes_a_token(page, log_in):
    log_in(member(Role.COORDINATEUR, first_name="Claire", last_name="Coordo"))
    page.goto("/pro/")
    page.get_by_role("link", name="Jetons d'API des financeurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jetons d'API des financeurs")
    expect(page.get_by_text("Aucun jeton pour l'instant.")).to_be_visible()
    check(page, "liste_vide")

    # An empty name: the error summary, whose link leads to the field.
    press(page, page.get_by_role("button", name="Créer le jeton"), "Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Indiquez l'outil ou le financeur.")
    check(page, "erreur")
    press(page, summary.get_by_role("link"), "Enter")
    expect(page.get_by_label("Outil ou financeur")).to_be_focused()
    assert not JetonApi.objects.exists()

    page.get_by_label("Outil ou financeur").fill("Tableau du Département")
    press(page, page.get_by_role("button", name="Créer le jeton"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Jeton créé pour « Tableau du Département »"
    )
    clear = page.locator("#jeton").inner_text()
    jeton = JetonApi.objects.get()
    assert clear.startswith(jeton.prefixe)
    expect(page.get_by_text("il ne sera plus jamais affiché")).to_be_visible()
    expect(page.get_by_text(f"Authorization: Bearer {clear}")).to_be_visible()
    check(page, "cree")
    page.set_viewport_size(PHONE)
    check(page, "cree_telephone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="J'ai copié le jeton, revenir à la liste").click()
    row = page.get_by_role("row", name="Tableau du Département")
    expect(row).to_contain_text(f"{jeton.prefixe}…")
    expect(row).to_contain_text("Actif")
    expect(row).to_contain_text("Jamais utilisé")
    assert clear not in page.content()
    check(page, "liste")

    row.get_by_role("link", name="Révoquer le jeton Tableau du Département").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Révoquer le jeton « Tableau du Département »"
    )
    check(page, "confirmation")
    press(page, page.get_by_role("button", name="Révoquer le jeton"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("est révoqué")
    expect(page.get_by_role("row", name="Tableau du Département")).to_contain_text("Révoqué le")
    check(page, "revoque")
    jeton.refresh_from_db()
    assert jeton.revoque_le is not None
