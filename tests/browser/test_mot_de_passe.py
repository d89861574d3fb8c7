"""Forgotten password, as a person does it: ask → read the e-mail → open the link → choose a
new password → sign in with it. Each page is checked with axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from inclusion.enums import Role
from tests.browser.helpers import assert_accessible, log_in_with_form
from tests.inclusion.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOUVEAU = "un mot de passe tout neuf"
SCREENSHOTS = "/tmp/mot-de-passe-{}.png"


def test_forgotten_password_journey(page, live_server, settings):
    settings.SITE_URL = live_server.url
    member(Role.PRESCRIPTEUR, email="camille@example.org", first_name="Camille")

    page.goto("/pro/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("camille@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Regardez vos e-mails")
    expect(page.get_by_text("Si un compte correspond à cette adresse")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=SCREENSHOTS.format("envoye"), full_page=True)

    [message] = mail.outbox
    lien = re.search(r"http://\S+", message.body).group(0)
    assert lien.startswith(live_server.url)
    page.goto(lien)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir un nouveau mot de passe")
    assert "/nouveau/" in page.url  # the token left the address bar
    assert_accessible(page)

    # A weak password first: a French error next to the field, in the summary too.
    page.get_by_label("Nouveau mot de passe").fill("court")
    page.get_by_label("Le même mot de passe, encore une fois").fill("court")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce mot de passe est trop court")
    expect(page.get_by_label("Nouveau mot de passe")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.screenshot(path=SCREENSHOTS.format("erreur"), full_page=True)

    page.get_by_label("Nouveau mot de passe").fill(NOUVEAU)
    page.get_by_label("Le même mot de passe, encore une fois").fill(NOUVEAU)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe changé")
    assert_accessible(page)

    log_in_with_form(page, "camille@example.org", password=NOUVEAU)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")

    # The link served once.
    page.goto(lien)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien ne marche plus")
    assert_accessible(page)


def test_forgotten_password_page_screenshot_on_a_phone(phone_page):
    phone_page.goto("/pro/compte/mot-de-passe-oublie/")
    phone_page.get_by_role("button", name="Recevoir le lien").click()
    expect(phone_page.get_by_role("alert")).to_contain_text("Indiquez votre adresse e-mail.")
    assert_accessible(phone_page)
    phone_page.screenshot(path=SCREENSHOTS.format("oublie-360"), full_page=True)


def test_email_html_part_is_accessible(page, settings, django_capture_on_commit_callbacks):
    """The HTML part, opened as a mail client would show it, passes axe."""
    from inclusion.services import comptes

    member(Role.MEDIATEUR, email="camille@example.org", first_name="Camille")
    comptes.send_password_reset_link(email="camille@example.org")
    html, _ = mail.outbox[0].alternatives[0]
    page.set_content(html)
    expect(page.get_by_role("link", name="Choisir mon nouveau mot de passe")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=SCREENSHOTS.format("email"), full_page=True)
