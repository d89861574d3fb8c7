"""Issue 16, the receiving place without an account: the signed link's page on a 360 px phone
(no sideways scrolling, axe 0 violations), an appointment given with the keyboard only, and
the pages of a link that does not open (tampered, expired, then a new one). Screenshots to
/work/helpers/shots/c_lien_*.png when ORIENTATIONS_SCREENSHOTS is set (to look at them)."""

import datetime
import os

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from mediation.enums_orientations import StatutOrientation, Via
from mediation.services.orientations import link_url
from tests.browser.helpers import PHONE, check_page
from tests.mediation.factories_orientations import orient_to_place, setup_orientations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ORIENTATIONS_SCREENSHOTS")


def check(page, name):
    check_page(page, f"c_lien_{name}", SHOTS)


def focused(page):
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def type_date(page, selector, day):
    """Type a day into a date field as a person would; the order of its parts follows the
    browser's language (day first in French, month first in the default English)."""
    field = page.locator(selector)
    field.focus()
    for pattern in ("%d%m%Y", "%m%d%Y"):
        page.keyboard.type(day.strftime(pattern))
        if field.input_value() == day.isoformat():
            return
        # Back to the field's first part: out of it backwards, then in again.
        while focused(page) == selector.lstrip("#"):
            page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
    pytest.fail(f"the date field would not take {day}")


@pytest.fixture
def placed():
    ctx = setup_orientations()
    orientation = orient_to_place(ctx)
    return ctx, orientation, orientation.destinataires.get()


def test_the_place_accepts_with_an_appointment_on_a_phone_with_the_keyboard(page, placed):
    ctx, orientation, destinataire = placed
    page.set_viewport_size(PHONE)
    page.goto(link_url(destinataire))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande d'aide pour Josiane")
    expect(page.get_by_text("Créer une adresse e-mail")).to_be_visible()
    check(page, "page")

    # Keyboard only: into the appointment's date, then from field to field with Tab.
    jour = timezone.localdate() + datetime.timedelta(days=2)
    type_date(page, "#acceptation_date", jour)
    while focused(page) != "acceptation_heure":
        page.keyboard.press("Tab")
    page.keyboard.type("14 h 30")
    while focused(page) != "acceptation_a_apporter":
        page.keyboard.press("Tab")
    page.keyboard.type("Son téléphone")
    # Then on to the form's button, and Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Dire oui":
            break
    else:
        pytest.fail("the 'Dire oui' button is not reachable with Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_text("C'est fait : le rendez-vous est noté.")).to_be_visible()
    expect(page.get_by_text("Vous avez dit oui.")).to_be_visible()
    check(page, "acceptee")
    # The correction opens from the keyboard too.
    summary = page.get_by_text("Finalement, ce n'est pas possible")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Dire non à la place")).to_be_visible()
    check(page, "correction")
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.decision_via == Via.LIEN
    rdv = timezone.localtime(orientation.rdv_le)
    assert (rdv.date(), rdv.hour, rdv.minute) == (jour, 14, 30)
    assert orientation.a_apporter == "Son téléphone"


def test_refusal_errors_are_next_to_the_fields(page, placed):
    _, orientation, destinataire = placed
    page.set_viewport_size(PHONE)
    page.goto(link_url(destinataire))
    page.get_by_role("button", name="Dire non").click()
    expect(page.locator("#refus_motifs_erreurs")).to_contain_text("Cochez au moins une raison.")
    # Without a script, the page comes back scrolled to the errors of the form sent.
    assert page.url.endswith("#erreurs")
    expect(page.locator("#erreurs")).to_be_in_viewport()
    check(page, "refus_erreur")
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.PRISE_EN_COMPTE


def test_a_link_that_does_not_open_and_a_new_one(page, placed):
    _, orientation, destinataire = placed
    page.set_viewport_size(PHONE)
    old = link_url(destinataire)
    response = page.goto(old[:-1] + ("0" if old[-1] != "0" else "1"))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien ne marche pas")
    check(page, "altere")

    with time_machine.travel(timezone.now() + datetime.timedelta(days=9), tick=True):
        response = page.goto(old)
        assert response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien n'est plus valable")
        check(page, "expire")
        page.get_by_role("button", name="Recevoir un nouveau lien").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Un nouveau lien est parti")
        check(page, "nouveau_lien")
        destinataire.refresh_from_db()
        assert page.goto(old).status == 403
        assert page.goto(link_url(destinataire)).status == 200
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.PRISE_EN_COMPTE
