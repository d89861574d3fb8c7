"""The person's access document in a browser: from the file, the button, the page with its
rubriques and its two downloads (the PDF and the JSON really download); axe on the page and
on a 360 px phone. Screenshots in /work/helpers/shots/acces_donnees_*.png."""

import json
import os

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, check_page
from tests.inclusion.test_acces import _world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/work/helpers/shots" if os.path.isdir("/work/helpers") else None


def test_a_prescripteur_produces_the_copy_of_a_persons_data(page, log_in):
    w = _world()
    log_in(w["prescripteur"])
    page.goto(f"/pro/beneficiaires/{w['personne'].uuid}/")
    page.get_by_role("link", name="Copie des données de la personne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Copie des données de Fatima Benali-Martin"
    )
    expect(
        page.get_by_role("heading", name="Les pass numériques (carnets et chèques)")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Qui a consulté ou modifié le dossier")).to_be_visible()
    check_page(page, "acces_donnees_apercu", shots=SHOTS)
    page.set_viewport_size(PHONE)
    check_page(page, "acces_donnees_telephone", shots=SHOTS)

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Télécharger le PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as fichier:
        page.get_by_role("link", name="Télécharger le fichier JSON").click()
    data = json.loads(open(fichier.value.path(), encoding="utf-8").read())
    assert data["personne"]["nom"] == "Fatima Benali-Martin"
