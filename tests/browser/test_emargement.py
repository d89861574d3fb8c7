"""Journey of a médiateur taking attendance on a tablet: present, scan a chèque, walk-in, close."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription, Session
from inclusion.enums import Role
from pass_numerique.services import issuance
from tests.ateliers.factories import setup_atelier
from tests.browser.helpers import PHONE, assert_accessible, assert_no_horizontal_overflow
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}
# EMARGEMENT_SCREENSHOTS=/tmp/emargement keeps a screenshot of every state, to look at them.
SHOTS = os.environ.get("EMARGEMENT_SCREENSHOTS")
PRENOMS = ["Fatima", "Jean", "Mireille", "Ousmane", "Yvette", "Karim", "Denise", "Bernard"]


def check(page, name):
    assert_accessible(page)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.fixture
def ctx():
    ctx = setup_atelier(capacite=8, commencee=True)
    session = ctx["session"]
    structure = session.lieu.structure
    people = [
        BeneficiaireFactory(structure=structure, prenom=p, nom=f"Nom{n}")
        for n, p in enumerate(PRENOMS)
    ]
    for person in people:
        Inscription.objects.create(
            session=session,
            beneficiaire=person,
            statut=StatutInscription.INSCRIT,
            canal=Canal.PRO,
            inscrit_le=session.debut,
        )
    Session.objects.filter(pk=session.pk).update(nb_inscrits=len(people))
    enveloppe = EnveloppeFactory(programme=ProgrammeFactory(), structure=structure)
    [item] = issuance.issue_carnets(
        acteur=member(Role.PRESCRIPTEUR, structure=structure),
        enveloppe=enveloppe,
        beneficiaire=people[0],
    )
    ctx.update(people=people, codes=[code for _, code in item.cheque_codes])
    ctx["url"] = f"/pro/ateliers/emargement/session/{session.pk}/"
    return ctx


def test_take_attendance_on_a_tablet(page, log_in, ctx):
    page.set_viewport_size(TABLET)
    log_in(ctx["mediateur"])
    page.goto(ctx["url"])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Émargement")
    check(page, "emargement-debut")

    # Fatima is present: her code field gets the focus, ready for the scanner.
    present = page.get_by_role("button", name="Présent : Fatima Nom0")
    present.click()
    expect(page.get_by_role("button", name="Présent : Fatima Nom0")).to_have_attribute(
        "aria-pressed", "true"
    )
    row = page.locator("li", has=page.get_by_role("heading", name="Fatima Nom0"))
    expect(row).to_contain_text("Présence : Présent")
    code_field = page.get_by_label("Code du chèque de Fatima Nom0")
    expect(code_field).to_be_focused()
    check(page, "emargement-present")

    # A wrong scan, then the right one: the scanner types the QR's address then Enter.
    code_field.press_sequentially("K7MQ3ZP9XW2HD4RTV")
    code_field.press("Enter")
    expect(row.get_by_role("alert")).to_contain_text("Chèque refusé")
    check(page, "emargement-refus")
    code_field = page.get_by_label("Code du chèque de Fatima Nom0")
    expect(code_field).to_have_value("")
    expect(code_field).to_be_focused()
    code_field.press_sequentially(f"https://pass.exemple.fr/c/{ctx['codes'][0]}")
    code_field.press("Enter")
    expect(row).to_contain_text("Chèque encaissé")
    expect(page.get_by_label("Code du chèque de Fatima Nom0")).to_have_count(0)
    check(page, "emargement-encaisse")

    # Jean is excused, Mireille absent.
    page.get_by_role("button", name="Excusé : Jean Nom1").click()
    page.get_by_role("button", name="Absent : Mireille Nom2").click()
    expect(page.get_by_role("button", name="Absent : Mireille Nom2")).to_have_attribute(
        "aria-pressed", "true"
    )

    # A walk-in nobody knows yet.
    page.get_by_role("textbox", name="Prénom (obligatoire)").fill("Nadia")
    page.get_by_role("button", name="Créer et noter présent").click()
    expect(page.get_by_role("button", name="Présent : Nadia")).to_have_attribute(
        "aria-pressed", "true"
    )
    # A walk-in found by the search.
    BeneficiaireFactory(structure=ctx["session"].lieu.structure, prenom="Josiane", nom="Leroy")
    page.get_by_label("Nom, prénom ou téléphone").fill("josi")
    page.get_by_role("button", name="Chercher").click()
    check(page, "emargement-recherche")
    page.get_by_role("button", name="Ajouter comme présent : Josiane Leroy").click()
    expect(page.get_by_role("button", name="Présent : Josiane Leroy")).to_have_attribute(
        "aria-pressed", "true"
    )
    check(page, "emargement-milieu")

    page.set_viewport_size(PHONE)
    assert_no_horizontal_overflow(page)
    check(page, "emargement-milieu")
    page.set_viewport_size({"width": 1280, "height": 900})
    check(page, "emargement-milieu")
    page.set_viewport_size(TABLET)

    # Close: the others become absent, the page is read-only with the totals.
    page.get_by_role("link", name="Clôturer la session").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clôturer la session ?")
    check(page, "emargement-cloturer")
    page.get_by_role("button", name="Oui, clôturer la session").click()
    expect(page.get_by_role("status").first).to_contain_text("La session est clôturée")
    bilan = page.locator(".emargement-totaux")
    expect(bilan).to_contain_text(re.compile(r"3\s+présents"))
    expect(bilan).to_contain_text(re.compile(r"6\s+absents"))
    expect(bilan).to_contain_text(re.compile(r"1\s+excusé"))
    expect(bilan).to_contain_text(re.compile(r"1\s+chèque encaissé"))
    expect(page.locator("main form")).to_have_count(0)
    check(page, "emargement-cloture")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_overflow(page)


def test_a_session_that_has_not_started_only_says_when_attendance_opens(page, log_in):
    """Issue 12: no presence, walk-in or chèque before the session (a short margin before)."""
    ctx = setup_atelier()  # in 3 days
    session = ctx["session"]
    person = BeneficiaireFactory(structure=session.lieu.structure, prenom="Fatima")
    Inscription.objects.create(
        session=session,
        beneficiaire=person,
        statut=StatutInscription.INSCRIT,
        canal=Canal.PRO,
        inscrit_le=session.debut,
    )
    page.set_viewport_size(TABLET)
    log_in(ctx["mediateur"])
    page.goto(f"/pro/ateliers/emargement/session/{session.pk}/")
    expect(page.get_by_text(re.compile("l'émargement ouvre le"))).to_be_visible()
    expect(page.get_by_text("Fatima")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Présent"))).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile("venue sans inscription"))).to_have_count(0)
    check(page, "emargement-pas-commencee")
