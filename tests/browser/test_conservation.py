"""Files soon anonymised in a browser (issue 18): the prescripteur opens the list from the
home card, keeps a file from the keyboard (motif chosen with the arrows, the button pressed
with Enter), sees the message and the list without it; the form alone with a refusal; axe on
every page, a 360 px phone on the list. Screenshots in /work/helpers/shots/conservation_*.png
(or $CONSERVATION_SCREENSHOTS)."""

import datetime
import os

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

import inclusion.hooks_conservation_dossiers  # noqa: F401  (until apps.py imports it)
from inclusion.enums import Role
from inclusion.models import Journal
from tests.browser.helpers import DESKTOP, PHONE, check_page, press
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CONSERVATION_SCREENSHOTS", "/work/helpers/shots")


def check(page, name):
    check_page(
        page, f"conservation_{name}", shots=SHOTS if os.path.isdir("/work/helpers") else None
    )


@pytest.fixture
def clock():
    with time_machine.travel(FROZEN_AT, tick=True):
        yield


def inactive(structure, jours_restants, **kwargs):
    return BeneficiaireFactory(
        structure=structure,
        derniere_activite=timezone.now() - datetime.timedelta(days=730 - jours_restants),
        **kwargs,
    )


def test_a_prescripteur_keeps_a_file_from_the_keyboard(page, log_in, clock):
    structure = StructureFactory(nom="CCAS de Bègles")
    fatima = inactive(structure, 29, prenom="Fatima", nom="Benali")
    inactive(structure, 12, prenom="Odile", nom="Quentel")
    inactive(structure, 45, prenom="Paul", nom="Loin")
    log_in(member(Role.PRESCRIPTEUR, structure=structure, first_name="Paula"))

    page.goto("/pro/")
    page.get_by_role("link", name="Ouvrir : dossiers bientôt anonymisés").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers bientôt anonymisés")
    expect(page.get_by_text("2 dossiers")).to_be_visible()
    row = page.get_by_role("row", name="Fatima Benali")
    expect(row).to_contain_text("16 décembre 2026")
    expect(page.get_by_role("row", name="Paul Loin")).to_have_count(0)
    # The sooner first.
    expect(page.locator("tbody th").first).to_contain_text("Odile Quentel")
    check(page, "liste")
    page.set_viewport_size(PHONE)
    check(page, "liste_telephone")
    page.set_viewport_size(DESKTOP)

    # Sent without a motif: the form alone, its error linked to the field.
    press(
        page, row.get_by_role("button", name="Garder encore le dossier de Fatima Benali"), "Enter"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Garder encore le dossier de Fatima Benali"
    )
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Choisissez pourquoi garder ce dossier.")
    check(page, "erreur")
    press(page, summary.get_by_role("link"), "Enter")
    expect(page.get_by_label("Pourquoi garder ce dossier")).to_be_focused()
    assert not Journal.objects.filter(action="beneficiaire.conservation").exists()

    # Back to the list; the motif chosen with the arrow keys, then Tab to the button, Enter.
    page.get_by_role("link", name="Revenir aux dossiers bientôt anonymisés").click()
    select = page.get_by_label("Motif pour garder le dossier de Fatima Benali")
    select.focus()
    page.keyboard.press("ArrowDown")
    expect(select).to_have_value("accompagnement")
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("button", name="Garder encore le dossier de Fatima Benali")
    ).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text(
        "Le dossier de Fatima Benali est gardé jusqu'au 17 novembre 2027."
    )
    expect(page.get_by_role("row", name="Fatima Benali")).to_have_count(0)
    expect(page.get_by_text("1 dossier", exact=True)).to_be_visible()
    check(page, "garde")
    fatima.refresh_from_db()
    assert fatima.conserver_jusquau == datetime.date(2027, 11, 17)
    assert fatima.conserver_motif == "accompagnement"
