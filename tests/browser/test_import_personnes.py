"""Import of people, as a prescripteur does it: choose the file, read the preview, confirm.
On a desktop and on a 360 px phone, axe on each page; screenshots in /work/helpers/shots/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from inclusion.enums import Role
from inclusion.models import Beneficiaire
from tests.browser.helpers import PHONE, assert_accessible, assert_no_horizontal_overflow
from tests.inclusion.factories import CommuneFactory, StructureFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
SHOTS = "/work/helpers/shots/e_{}.png"


def _journey(page, log_in, taille, fichier, attendu):
    structure = StructureFactory(nom="CCAS de Montclair")
    CommuneFactory(nom="Montclair", code_insee="33902", codes_postaux="33920,33921")
    log_in(member(Role.PRESCRIPTEUR, structure=structure))
    page.goto("/pro/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer des personnes")
    assert_accessible(page)
    if taille == "telephone":
        assert_no_horizontal_overflow(page)
    page.screenshot(path=SHOTS.format(f"depot_{taille}"), full_page=True)

    # Without a file: the error is said next to the field.
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_text("Choisissez le fichier à importer.").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Fichier des personnes").set_input_files(str(FIXTURES / fichier))
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import")
    assert_accessible(page)
    if taille == "telephone":
        assert_no_horizontal_overflow(page)
    page.screenshot(path=SHOTS.format(f"apercu_{taille}"), full_page=True)
    assert Beneficiaire.objects.count() == 0

    page.get_by_role("button", name=f"Importer {attendu} personnes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import terminé")
    assert_accessible(page)
    if taille == "telephone":
        assert_no_horizontal_overflow(page)
    page.screenshot(path=SHOTS.format(f"resultat_{taille}"), full_page=True)
    assert Beneficiaire.objects.filter(structure=structure).count() == attendu


def test_import_simple_csv_on_desktop(page, log_in):
    _journey(page, log_in, "bureau", "personnes.csv", 4)


def test_import_coop_export_on_a_phone(page, log_in):
    page.set_viewport_size(PHONE)
    _journey(page, log_in, "telephone", "coop-beneficiaires.xlsx", 3)
