"""Orientations received (issue 16), as a médiateur of the receiving place lives them: the
list, a request opened with the keyboard only (it becomes "prise en compte"), accepted with an
appointment; a refusal and a full session's proposal on a 360 px phone. axe on every screen;
screenshots to /work/helpers/shots/b_*.png when ORIENTATIONS_SCREENSHOTS is set."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ateliers.enums import Canal
from ateliers.services.registrations import register
from mediation.enums_orientations import StatutOrientation
from mediation.models import Orientation
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    check_page,
    log_in_with_form,
)
from tests.inclusion.factories import BeneficiaireFactory
from tests.mediation.factories_orientations import (
    orient_to_place,
    orient_to_theme,
    setup_orientations,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ORIENTATIONS_SCREENSHOTS")


def check(page, name):
    check_page(page, f"b_{name}", SHOTS)


def tab_to(page, locator, limit=80):
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Never reached {locator} with Tab")


def type_date(page, field, day):
    """Type a day in a date field from the keyboard. The segments' order follows the
    browser's language (day first in French, month first in English): a probe finds it, then
    Shift+Tab goes back to the first segment and the day is typed over it."""
    page.keyboard.type("01022030")
    day_first = field.input_value() == "2030-02-01"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(day.strftime("%d%m%Y" if day_first else "%m%d%Y"))
    assert field.input_value() == day.isoformat()


@pytest.fixture
def ctx():
    ctx = setup_orientations()
    ctx.ccas.telephone = "+33556000000"
    ctx.ccas.save()
    ctx.orientation = orient_to_place(
        ctx, besoin="Créer une adresse e-mail pour recevoir ses relevés de la CAF"
    )
    # An older request, reminded twice: it stands out in the list.
    ancienne = orient_to_theme(ctx, besoin="Apprendre à utiliser son smartphone")
    Orientation.objects.filter(pk=ancienne.pk).update(
        relances=2, cree_le=timezone.now() - datetime.timedelta(days=21)
    )
    return ctx


def test_a_mediateur_opens_and_accepts_with_the_keyboard(page, live_server, ctx):
    log_in_with_form(page, ctx.mediateur.email)
    page.goto("/pro/orientations/recues/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Orientations reçues")
    expect(page.get_by_text("Relancée 2 fois")).to_be_visible()
    check(page, "liste")

    # The newest request, reached with Tab, opened with Enter.
    lien = page.locator(".orientation-carte__titre a").first
    tab_to(page, lien)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Orientation de Josiane")
    expect(page.locator(".orientation-etat")).to_contain_text("Prise en compte")
    expect(page.get_by_text("L'orientation est prise en compte")).to_be_visible()
    expect(page.get_by_text(ctx.personne.nom, exact=True)).to_have_count(0)
    ctx.orientation.refresh_from_db()
    assert ctx.orientation.statut == StatutOrientation.PRISE_EN_COMPTE
    check(page, "detail")

    tab_to(page, page.get_by_role("link", name="Accepter", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accepter l'orientation de Josiane")
    expect(page.get_by_role("radio", name="Un rendez-vous")).to_be_checked()
    check(page, "accepter")

    # Sent empty first: the errors are next to the fields and in the summary.
    tab_to(page, page.get_by_role("button", name="Accepter l'orientation"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Indiquez le jour du rendez-vous.").first).to_be_visible()
    expect(page.get_by_label("Date du rendez-vous")).to_have_attribute("aria-invalid", "true")
    check(page, "accepter-erreurs")

    # The date as typed in a French date field (day, month, year), the time from the list.
    jour = timezone.localdate() + datetime.timedelta(days=3)
    date = page.get_by_label("Date du rendez-vous")
    tab_to(page, date)
    type_date(page, date, jour)
    tab_to(page, page.get_by_label("Heure", exact=True))
    page.keyboard.type("14 h")
    expect(page.get_by_label("Heure", exact=True)).to_have_value("14:00")
    tab_to(page, page.get_by_label("À apporter"))
    page.keyboard.type("Son téléphone et ses identifiants CAF")
    tab_to(page, page.get_by_role("button", name="Accepter l'orientation"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Orientation de Josiane")
    expect(page.locator(".orientation-etat")).to_contain_text("Acceptée")
    expect(page.get_by_text("Orientation acceptée.")).to_be_visible()
    expect(page.get_by_text("Son téléphone et ses identifiants CAF")).to_be_visible()
    ctx.orientation.refresh_from_db()
    assert ctx.orientation.statut == StatutOrientation.ACCEPTEE
    rdv = timezone.localtime(ctx.orientation.rdv_le)
    assert (rdv.date(), rdv.hour, rdv.minute) == (jour, 14, 0)
    check(page, "acceptee")

    page.set_viewport_size(PHONE)
    check(page, "acceptee-360")
    page.set_viewport_size(DESKTOP)

    # What follows an acceptance: move, correct, end (each page checked, nothing sent).
    for lien, titre, nom in [
        ("Déplacer le rendez-vous", "Déplacer le rendez-vous de Josiane", "deplacer"),
        ("Corriger la décision", "Corriger la décision pour Josiane", "corriger"),
        ("L'accompagnement a eu lieu", "L'accompagnement de Josiane a eu lieu", "terminer"),
    ]:
        tab_to(page, page.get_by_role("link", name=lien))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(titre)
        check(page, nom)
        tab_to(page, page.get_by_role("link", name="Revenir à l'orientation"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Orientation de Josiane")


def test_on_a_phone_the_list_a_refusal_and_a_full_session(page, live_server, ctx):
    for _ in range(ctx.session.capacite):
        register(
            session=ctx.session,
            beneficiaire=BeneficiaireFactory(structure=ctx.ccas),
            canal=Canal.PRO,
            acteur=ctx.prescripteur,
        )
    page.set_viewport_size(PHONE)
    log_in_with_form(page, ctx.mediateur.email)
    page.goto("/pro/orientations/recues/")
    check(page, "liste-360")

    # The theme request: its session is full; the page proposes the waiting list.
    page.locator(".orientation-carte", has_text="smartphone").get_by_role("link").click()
    expect(page.locator(".orientation-etat")).to_contain_text("Prise en compte")
    check(page, "detail-360")
    page.get_by_role("link", name="Accepter", exact=True).click()
    expect(page.get_by_role("radio", name="Une session d'atelier de votre lieu")).to_be_checked()
    page.get_by_label("Session", exact=True).select_option(str(ctx.session.pk))
    check(page, "accepter-session-360")
    page.get_by_role("button", name="Accepter l'orientation").click()
    expect(page.get_by_text("Cette session est complète.")).to_be_visible()
    check(page, "session-complete-360")
    page.get_by_label("Si la session est complète").check()
    page.get_by_role("button", name="Accepter l'orientation").click()
    expect(page.locator(".message")).to_contain_text("la personne est sur la liste d'attente")
    check(page, "liste-attente-360")

    # The other request: refused with a reason and a message.
    page.goto("/pro/orientations/recues/?etat=a_traiter")
    page.locator(".orientation-carte__titre a").first.click()
    page.get_by_role("link", name="Refuser").click()
    check(page, "refuser-360")
    page.get_by_role("button", name="Envoyer le refus").click()
    expect(page.get_by_text("Cochez au moins une raison.").first).to_be_visible()
    check(page, "refuser-erreurs-360")
    page.get_by_label("Autre raison").check()
    page.get_by_label("Message au prescripteur").fill("Nous n'accompagnons que sur rendez-vous.")
    page.get_by_role("button", name="Envoyer le refus").click()
    expect(page.get_by_text("Votre refus est envoyé au prescripteur.")).to_be_visible()
    check(page, "refusee-360")
