"""Journeys of the ateliers: a médiateur creates a session and registers people until the
waiting list; "Mes sessions" fits a small phone."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.ateliers.factories import setup_atelier
from tests.browser.helpers import PHONE, assert_accessible, assert_no_horizontal_overflow
from tests.inclusion.factories import BeneficiaireFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# ATELIERS_SCREENSHOTS=/tmp/ateliers keeps a screenshot of every screen, to look at them.
SHOTS = os.environ.get("ATELIERS_SCREENSHOTS")
TABLET = {"width": 768, "height": 1024}


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def check(page, name):
    assert_accessible(page)
    shot(page, name)


@pytest.fixture
def ctx():
    ctx = setup_atelier(capacite=10)
    structure = ctx["session"].lieu.structure
    ctx["mediateur"].first_name, ctx["mediateur"].last_name = "Léa", "Moreau"
    ctx["mediateur"].save()
    ctx["fatima"] = BeneficiaireFactory(
        structure=structure, prenom="Fatima", nom="Benali", consentant=True
    )
    ctx["karim"] = BeneficiaireFactory(structure=structure, prenom="Karim", nom="Diallo")
    return ctx


@pytest.mark.parametrize("viewport", [None, TABLET], ids=["desktop", "tablet"])
def test_create_session_register_and_waiting_list(page, log_in, ctx, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    log_in(ctx["mediateur"])
    page.goto("/pro/ateliers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes sessions")
    check(page, "semaine")
    page.get_by_role("link", name="la liste").click()
    check(page, "liste")
    page.get_by_role("link", name="Créer une session").first.click()
    check(page, "creer")
    day = timezone.localdate() + datetime.timedelta(days=7)
    page.get_by_label("Thème de l'atelier").select_option(label=ctx["session"].theme.titre)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Heure de début").select_option("14:00")
    page.get_by_label("Heure de fin").select_option("13:00")
    page.get_by_label("Nombre de places").fill("1")
    page.get_by_role("button", name="Créer la session").click()
    expect(page.locator(".field__errors")).to_contain_text("L'heure de fin doit être après")
    check(page, "creer-erreur")
    page.get_by_label("Heure de fin").select_option("16:00")
    page.get_by_role("button", name="Créer la session").click()
    expect(page.locator(".message--success")).to_contain_text("La session est créée")
    expect(page.locator(".lead")).to_contain_text("de 14 h à 16 h")
    expect(page.locator(".stat__number")).to_have_text("1 place libre")
    check(page, "session")

    for person, expected in [("Fatima", "Fatima Benali est inscrite"), ("Karim", "sur la liste")]:
        page.get_by_role("link", name="Inscrire une personne").click()
        page.get_by_label("Nom, prénom ou téléphone").fill(person)
        page.get_by_role("button", name="Chercher").click()
        check(page, f"inscrire-{person}")
        page.get_by_role("link", name=re.compile(person)).click()
        check(page, f"confirmer-{person}")
        if person == "Karim":
            expect(page.get_by_text("dépassera le nombre de places")).to_be_visible()
        page.get_by_role("button", name=re.compile("Inscrire|Confirmer")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(expected)
        check(page, f"resultat-{person}")
        page.get_by_role("link", name="Voir la session").click()

    expect(page.locator(".stat__number")).to_have_text("Complet — liste d'attente : 1 personne")
    expect(page.get_by_role("cell", name="n° 1")).to_be_visible()
    check(page, "session-complete")
    page.get_by_role("link", name=re.compile("Annuler l'inscription de Fatima")).click()
    check(page, "annuler-inscription")
    page.get_by_role("button", name=re.compile("Oui")).click()
    expect(page.locator(".message--success")).to_contain_text("sort de la liste d'attente")
    check(page, "apres-annulation")
    page.get_by_role("link", name="Annuler la session").click()
    check(page, "annuler-session")
    page.get_by_role("button", name="Oui, annuler la session").click()
    expect(page.locator(".field__errors")).to_contain_text("Indiquez pourquoi")
    page.get_by_label(re.compile("Motif")).fill("Animateur malade")
    page.get_by_role("button", name="Oui, annuler la session").click()
    expect(page.locator(".message--success")).to_contain_text("1 personne a été prévenue")


def test_register_from_the_persons_file(page, log_in, ctx):
    log_in(ctx["prescripteur"])
    structure = ctx["prescripteur"].memberships.first().structure
    b = BeneficiaireFactory(structure=structure, prenom="Nadia", nom="Roux")
    page.goto(f"/pro/beneficiaires/{b.uuid}/")
    page.get_by_role("link", name="Inscrire à un atelier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire Nadia Roux à un atelier")
    check(page, "choisir-session")
    page.get_by_role("link", name=re.compile("Choisir")).first.click()
    check(page, "confirmer-dossier")
    page.get_by_role("button", name="Inscrire Nadia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nadia Roux est inscrite")
    expect(page.get_by_text("Pas de SMS envoyé")).to_be_visible()
    check(page, "resultat-dossier")


def test_mes_sessions_on_a_small_phone(page, log_in, ctx):
    log_in(ctx["mediateur"])
    page.set_viewport_size(PHONE)
    for url, name in [
        ("/pro/ateliers/", "semaine"),
        ("/pro/ateliers/liste/", "liste"),
        (f"/pro/ateliers/sessions/{ctx['session'].pk}/", "session"),
    ]:
        page.goto(url)
        assert_no_horizontal_overflow(page)
        check(page, name)
