"""Orienting a person (issue 16), as a prescripteur lives it on a small phone, with the keyboard
only: from the person's file, "Orienter", a place, the need, sent; then "Mes orientations" and
the orientation's page. axe on every screen; screenshots to $ORIENTATIONS_SCREENSHOTS/a_*.png
when set (to look at them)."""

import os

import pytest
from playwright.sync_api import expect

from inclusion.enums import ServiceMediation
from mediation.models import Orientation
from tests.browser.helpers import (
    PHONE,
    check_page,
    log_in_with_form,
    press,
)
from tests.mediation.factories_orientations import orient_to_theme, setup_orientations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ORIENTATIONS_SCREENSHOTS")


def check(page, name):
    check_page(page, f"a_{name}", SHOTS)


def test_prescripteur_orients_a_person_to_a_place_with_the_keyboard(page, live_server):
    ctx = setup_orientations()
    ctx.lieu.services = [ServiceMediation.DEMARCHES, ServiceMediation.QUOTIDIEN]
    ctx.lieu.save()
    page.set_viewport_size(PHONE)
    log_in_with_form(page, ctx.prescripteur.email)
    page.goto(f"/pro/beneficiaires/{ctx.personne.uuid}/")
    press(page, page.get_by_role("link", name="Orienter", exact=True), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter Josiane Martin")
    check(page, "orienter-1-type")

    # 1. The kind: a place's individual help.
    press(page, page.get_by_role("radio", name="Accompagnement individuel dans un lieu"))
    press(page, page.get_by_role("button", name="Continuer"), "Enter")
    expect(page.get_by_role("heading", name="2. Quel lieu ?")).to_be_visible()
    expect(page.get_by_text("Du lundi au vendredi").first).to_be_visible()
    expect(page.get_by_role("list", name="Ce que le lieu propose")).to_contain_text(
        "Aide aux démarches administratives"
    )
    check(page, "orienter-2-lieux")

    # 2. The place.
    press(page, page.get_by_role("radio", name="Médiathèque 1"))
    press(page, page.get_by_role("button", name="Choisir ce lieu"), "Enter")
    expect(page.get_by_role("link", name="Choisir un autre lieu")).to_be_visible()

    # 3. The need; the counter counts (the script is an enhancement).
    compteur = page.locator("#id_besoin_compteur")
    expect(compteur).to_have_text("0 caractère sur 300")
    press(page, page.get_by_role("checkbox", name="E-mail"))
    page.get_by_label("En quelques mots").focus()
    page.keyboard.type("Créer une adresse e-mail et lire ses messages")
    expect(compteur).to_have_text("45 caractères sur 300")
    expect(page.get_by_role("radio", name="Par l'intermédiaire du prescripteur")).to_be_checked()
    check(page, "orienter-3-besoin")
    press(page, page.get_by_role("button", name="Envoyer l'orientation"), "Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Orientation de Josiane")
    expect(
        page.get_by_text("L'orientation de Josiane est envoyée à Médiathèque 1.")
    ).to_be_visible()
    orientation = Orientation.objects.get()
    assert orientation.lieu == ctx.lieu and orientation.besoin.startswith("Créer une adresse")
    check(page, "orientation-detail")

    press(page, page.get_by_role("link", name="Revenir aux orientations"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes orientations")
    carte = page.locator(".orientation-carte")
    expect(carte).to_have_count(1)
    expect(carte).to_contain_text("Médiathèque 1")
    expect(carte).to_contain_text("En attente de lecture par le lieu")
    check(page, "mes-orientations")


def test_the_need_form_without_javascript_and_its_errors(browser, live_server):
    """Without a script: the help gives the maximum, the server refuses what is too long."""
    ctx = setup_orientations()
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        java_script_enabled=False,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in_with_form(page, ctx.prescripteur.email)
        page.goto(f"/pro/orientations/personnes/{ctx.personne.uuid}/?type=lieu&lieu={ctx.lieu.pk}")
        expect(page.locator("#id_besoin_compteur")).to_be_hidden()
        expect(page.get_by_text("300 caractères au plus", exact=False)).to_be_visible()
        page.get_by_label("En quelques mots").fill("x" * 301)
        page.get_by_role("button", name="Envoyer l'orientation").click()
        expect(page.get_by_text("Écrivez au plus 300 caractères").first).to_be_visible()
        # axe and the layout check need scripts: a screenshot only.
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/a_orienter-erreur-sans-js.png", full_page=True)
        assert not Orientation.objects.exists()
    finally:
        context.close()


def test_theme_and_session_lists_and_a_refused_cancel(page, live_server, log_in):
    ctx = setup_orientations(capacite=1)
    orientation = orient_to_theme(ctx)
    page.set_viewport_size(PHONE)
    log_in(ctx.prescripteur)
    base = f"/pro/orientations/personnes/{ctx.personne.uuid}/"
    page.goto(base + "?type=theme")
    expect(page.get_by_text("Reçu par 2 lieux")).to_be_visible()
    check(page, "orienter-themes")
    page.goto(base + f"?type=theme&theme={ctx.theme.pk}")
    expect(page.get_by_text("ces 2 lieux", exact=False)).to_be_visible()
    check(page, "orienter-theme-choisi")
    page.goto(base + "?type=session")
    check(page, "orienter-sessions")
    page.goto(base + f"?type=session&session={ctx.session.pk}")
    check(page, "orienter-session-choisie")

    page.goto(f"/pro/orientations/{orientation.uuid}/")
    press(page, page.get_by_role("button", name="Annuler l'orientation"), "Enter")
    expect(page.get_by_text("Dites pourquoi vous annulez.").first).to_be_visible()
    check(page, "orientation-annuler-erreur")
    page.get_by_label("Pourquoi annulez-vous ?").fill("Elle a trouvé de l'aide")
    press(page, page.get_by_role("button", name="Annuler l'orientation"), "Enter")
    expect(page.get_by_text("L'orientation est annulée. Les lieux sont prévenus.")).to_be_visible()
    expect(page.get_by_text("Annulée : Elle a trouvé de l'aide")).to_be_visible()
    check(page, "orientation-annulee")
