"""Likely duplicate files on a small phone (issue 15): from the people list to the pairs, one
pair marked as two people, the other merged with the keyboard only after choosing the file
to keep. axe on every page; screenshots in /work/helpers/shots/d_*.png."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from inclusion.enums import Role, TypeTelephone
from inclusion.models import Beneficiaire, PaireDistincte
from pass_numerique.models import Carnet
from pass_numerique.services.issuance import issue_carnets
from tests.browser.helpers import assert_accessible, assert_no_horizontal_overflow
from tests.inclusion.factories import BeneficiaireFactory, CommuneFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/helpers/shots")


def _shot(page, name):
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"d_{name}.png"), full_page=True)


@pytest.fixture
def world():
    prescripteur = member(Role.PRESCRIPTEUR, first_name="Nadia")
    structure = prescripteur.memberships.get().structure
    commune = CommuneFactory(nom="Lormont", code_insee="33249")
    josiane = BeneficiaireFactory(
        structure=structure,
        prenom="Josiane",
        nom="Durand",
        annee_naissance=1950,
        telephone="+33612345678",
        type_telephone=TypeTelephone.MOBILE,
    )
    josianne = BeneficiaireFactory(
        structure=structure, prenom="Josianne", nom="Durand", annee_naissance=1950, commune=commune
    )
    enveloppe = EnveloppeFactory(
        programme=ProgrammeFactory(anonyme_autorise=True), structure=structure
    )
    issue_carnets(acteur=prescripteur, enveloppe=enveloppe, beneficiaire=josianne)
    paul = BeneficiaireFactory(structure=structure, prenom="Paul", nom="Roux", annee_naissance=1961)
    paulo = BeneficiaireFactory(
        structure=structure, prenom="Paulo", nom="Roux", annee_naissance=1961
    )
    return {
        "prescripteur": prescripteur,
        "josiane": josiane,
        "josianne": josianne,
        "paul": paul,
        "paulo": paulo,
    }


def _tab_to(page, pattern, limit=60):
    """Press Tab until the focused element's text (or, for a field, its label) matches."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el) return "";
              if (el.labels && el.labels.length) return el.labels[0].innerText;
              return el.innerText || "";
            }"""
        )
        if text and re.search(pattern, text.strip()):
            return
    pytest.fail(f"Tab never reached {pattern!r}")


def test_pairs_then_two_people_then_a_merge_on_a_phone(phone_page, log_in, world):
    page = phone_page
    log_in(world["prescripteur"])
    page.goto("/pro/beneficiaires/")
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    _shot(page, "personnes_360")
    page.get_by_role("link", name="Dossiers en double").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers en double")
    expect(page.get_by_role("status").filter(has_text="2 paires")).to_be_visible()
    pair = page.get_by_role("region", name="Josiane Durand et Josianne Durand")
    expect(pair).to_be_visible()
    expect(pair.get_by_role("row", name=re.compile("^Prénom différent"))).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    _shot(page, "liste_360")

    # Paul and Paulo are two people.
    other = page.get_by_role("region", name="Paul Roux et Paulo Roux")
    other.get_by_role("button", name=re.compile("^Ce sont deux personnes différentes")).click()
    expect(page.get_by_role("status").filter(has_text="C'est noté")).to_be_visible()
    expect(page.get_by_role("region", name="Paul Roux et Paulo Roux")).to_have_count(0)
    assert PaireDistincte.objects.count() == 1
    assert_accessible(page)

    # The keyboard alone: to "Fusionner", then on the confirmation page choose and confirm.
    _tab_to(page, r"^Fusionner")
    _shot(page, "liste_focus_360")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fusionner deux dossiers")
    keep_2 = page.get_by_role("radio", name=re.compile("^Garder le dossier 2"))
    expect(keep_2).to_be_checked()  # the file that holds the carnet is offered first
    expect(page.get_by_text("Contient : 1 carnet")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    _shot(page, "fusion_360")

    # Tab enters the group on the checked radio; an arrow changes the choice.
    _tab_to(page, r"^Garder le dossier")
    expect(keep_2).to_be_focused()
    page.keyboard.press("ArrowUp")
    keep_1 = page.get_by_role("radio", name=re.compile("^Garder le dossier 1"))
    expect(keep_1).to_be_checked()
    expect(keep_1).to_be_focused()
    _shot(page, "fusion_choix_360")
    _tab_to(page, r"^Fusionner les deux dossiers")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Josiane Durand")
    expect(page.get_by_text("Les deux dossiers n'en font plus qu'un")).to_be_visible()
    assert_accessible(page)
    _shot(page, "apres_fusion_360")
    assert not Beneficiaire.objects.filter(pk=world["josianne"].pk).exists()
    assert Carnet.objects.get().beneficiaire_id == world["josiane"].pk


def test_a_refused_merge_shows_its_reason(page, log_in, world):
    """Another professional marked the pair as two people meanwhile: the confirmation says so."""
    log_in(world["prescripteur"])
    page.goto("/pro/doublons/")
    page.get_by_role("region", name="Paul Roux et Paulo Roux").get_by_role(
        "link", name=re.compile("^Fusionner")
    ).click()
    PaireDistincte.objects.create(
        beneficiaire_a=world["paul"], beneficiaire_b=world["paulo"], le=world["paul"].cree_le
    )
    page.get_by_role("button", name="Fusionner les deux dossiers").click()
    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient")
    expect(summary).to_contain_text("deux personnes différentes")
    assert_accessible(page)
    _shot(page, "fusion_refusee")
    assert Beneficiaire.objects.filter(pk__in=[world["paul"].pk, world["paulo"].pk]).count() == 2
