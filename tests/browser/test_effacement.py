"""Erasing a person's data at their request (issue 18), on a small phone and with the keyboard:
from the file to the confirmation page, a refusal without the confirmation, the erasure, and
another person's page refused under a legal hold. axe on every page; screenshots in
/work/helpers/shots/c_effacement_*.png."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inclusion.enums import Role
from inclusion.models import Beneficiaire
from tests.browser.helpers import check_page, press
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.inclusion.test_anonymisation import _carnet_cashed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/helpers/shots")


def _check(page, name):
    check_page(page, f"c_effacement_{name}", shots=SHOTS if SHOTS.is_dir() else None)


def test_erasure_on_a_phone_with_the_keyboard(phone_page, log_in, live_server):
    page = phone_page
    personne = BeneficiaireFactory(prenom="Zéphirine", nom="Quillebeuf", consentant=True)
    log_in(member(Role.PRESCRIPTEUR, structure=personne.structure, first_name="Nadia"))
    page.goto(f"/pro/beneficiaires/{personne.uuid}/")
    press(page, page.get_by_role("link", name="Effacer les données de la personne"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Effacer les données de Zéphirine Quillebeuf"
    )
    _check(page, "confirmer")
    press(page, page.get_by_role("button", name="Effacer définitivement les données"), "Enter")
    expect(page.locator(".error-summary")).to_contain_text("Cochez cette case")
    _check(page, "sans_confirmation")
    assert Beneficiaire.objects.get(pk=personne.pk).anonymise_le is None
    press(page, page.get_by_label("La personne m'a demandé d'effacer ses données"))
    press(page, page.get_by_role("button", name="Effacer définitivement les données"), "Enter")
    expect(page.get_by_role("status")).to_contain_text("Les données de la personne sont effacées")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonyme")
    _check(page, "fait")
    assert Beneficiaire.objects.get(pk=personne.pk).anonymise_le is not None


def test_refusal_under_a_legal_hold(page, log_in):
    personne = BeneficiaireFactory(prenom="Odile", nom="Quentel")
    prescripteur = member(Role.PRESCRIPTEUR, structure=personne.structure)
    _carnet_cashed(personne, prescripteur, quand=timezone.now() - datetime.timedelta(days=2))
    log_in(prescripteur)
    page.goto(f"/pro/effacement/{personne.uuid}/")
    expect(page.locator(".error-summary")).to_contain_text("attend son remboursement")
    expect(page.get_by_role("button", name="Effacer définitivement les données")).to_have_count(0)
    _check(page, "obligation")
