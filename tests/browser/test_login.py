import re

import pytest
from playwright.sync_api import expect

from inclusion.enums import Role
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_overflow,
    log_in_with_form,
)
from tests.inclusion.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_is_accessible(page):
    page.goto("/pro/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à l'espace pro")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_accessible(page)


def test_wrong_password_shows_french_error_and_stays_accessible(page):
    user = member(Role.PRESCRIPTEUR, email="camille@example.org")
    log_in_with_form(page, user.email, password="pas-le-bon-mot-de-passe")

    expect(page).to_have_url(re.compile(r"/pro/connexion/$"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Adresse e-mail ou mot de passe incorrect. Vérifiez les deux et réessayez."
    )
    # The e-mail typed is kept; the password is not.
    expect(page.get_by_label("Adresse e-mail")).to_have_value("camille@example.org")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    assert_accessible(page)


def test_field_errors_are_linked_to_their_field(page):
    page.goto("/pro/connexion/")
    page.get_by_role("button", name="Se connecter").click()

    email = page.get_by_label("Adresse e-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile(r"^Erreur : "))
    assert_accessible(page)


def test_correct_login_reaches_espace_pro(page):
    user = member(Role.PRESCRIPTEUR, email="prescripteur@example.org", first_name="Camille")
    log_in_with_form(page, user.email)

    expect(page).to_have_url(re.compile(r"/pro/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
    assert_accessible(page)


def test_login_page_fits_an_old_phone(phone_page):
    phone_page.goto("/pro/connexion/")
    assert_no_horizontal_overflow(phone_page)
    phone_page.get_by_role("button", name="Se connecter").click()
    expect(phone_page.get_by_role("alert")).to_be_visible()
    assert_no_horizontal_overflow(phone_page)
    assert_accessible(phone_page)
