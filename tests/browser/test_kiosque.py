"""Journeys at the kiosk: a volunteer signs in, checks a pass with a scanner, finds a workshop
and registers a person, finds a place, prints a ticket; the screen clears itself after a
moment without a touch. Axe runs on every kiosk screen."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inclusion.enums import ServiceMediation
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.browser.helpers import PASSWORD, assert_accessible, assert_no_horizontal_overflow
from tests.inclusion.factories import LieuFactory, QuartierFactory
from tests.mediation.factories import pass_codes, setup_kiosque

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp")
TABLET_PORTRAIT = {"width": 800, "height": 1280}
LANDSCAPE = {"width": 1920, "height": 1080}


def check(page, name):
    """Axe on the screen, no sideways scrolling, and a screenshot /tmp/kiosque-<name>-<w>.png."""
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"kiosque-{name}-{width}.png"), full_page=True)


def sign_in(page, user):
    page.goto("/kiosque/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion au kiosque")
    check(page, "connexion")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Commencer mon service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Que voulez-vous faire ?")


@pytest.fixture
def ctx():
    ctx = setup_kiosque(
        nom="Médiathèque Jules-Verne",
        horaires="Mo-Su 00:00-24:00",
        services=[ServiceMediation.DEMARCHES, ServiceMediation.QUOTIDIEN],
    )
    quartier = QuartierFactory(commune=ctx["lieu"].commune, nom="Les Tilleuls")
    ctx["lieu"].quartier = quartier
    ctx["lieu"].save()
    theme = ThemeFactory(titre_falc="Utiliser son téléphone", pictogramme="device-phone-mobile")
    ThemeFactory(titre_falc="Avoir une adresse e-mail", pictogramme="envelope")
    soon = timezone.now() + datetime.timedelta(days=2)
    ctx["session"] = SessionFactory(
        theme=theme, lieu=ctx["lieu"], debut=soon.replace(hour=13, minute=0), capacite=8
    )
    SessionFactory(
        theme__titre_falc="Avoir une adresse e-mail",
        theme__pictogramme="envelope",
        lieu=ctx["lieu"],
        debut=soon.replace(hour=8, minute=0) + datetime.timedelta(days=1),
        capacite=1,
        nb_inscrits=1,
    )
    LieuFactory(
        nom="France Services du Centre",
        latitude="44.84500",
        longitude="-0.58000",
        horaires="Mo-Fr 09:00-12:00,14:00-17:00",
        services=[ServiceMediation.DEMARCHES],
    )
    return ctx


@pytest.mark.parametrize("viewport", [TABLET_PORTRAIT, LANDSCAPE], ids=["portrait", "paysage"])
def test_check_a_pass_with_the_scanner(page, ctx, viewport):
    page.set_viewport_size(viewport)
    carnet_code, cheques, _ = pass_codes()
    sign_in(page, ctx["volontaire"])
    check(page, "accueil")
    page.get_by_role("link", name=re.compile("Vérifier un pass")).click()
    code_field = page.get_by_label("Code du chèque ou du carnet")
    expect(code_field).to_be_focused()
    check(page, "pass")
    # A keyboard-wedge scanner types the QR code's address, then Enter.
    page.keyboard.type(f"http://localhost/c/{cheques[0]}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Chèque valable"))).to_be_visible()
    expect(page.get_by_text(re.compile("Valable : 1 chèque de 10 €"))).to_be_visible()
    expect(code_field).to_be_focused()
    expect(code_field).to_have_value("")
    check(page, "pass-valable")
    # Next scan: the carnet; then a typo, typed by hand.
    page.keyboard.type(carnet_code)
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"Valable : 10 chèques, jusqu'au"))).to_be_visible()
    page.keyboard.type(cheques[1][:-1] + ("0" if cheques[1][-1] != "0" else "1"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("pas valable"))).to_be_visible()
    expect(page.get_by_text(re.compile("faute de frappe"))).to_be_visible()
    expect(code_field).to_be_focused()
    check(page, "pass-refus")
    # A tap elsewhere, then a scan: the keystrokes still land in the field.
    page.locator("h1").click()
    page.keyboard.type(cheques[2])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Chèque valable"))).to_be_visible()
    # Without BarcodeDetector (headless Chromium on Linux) the camera button stays hidden.
    if not page.evaluate("'BarcodeDetector' in window"):
        expect(page.get_by_role("button", name="Scanner avec la caméra")).to_be_hidden()


# Chromium has no BarcodeDetector on Linux: the browser's detector and camera are stood in
# for, so that what the kiosk does with them (show, read, submit, stop, refuse) is checked.
FAKE_CAMERA = """
window.__camera = {refuse: false, lectures: 0, arretee: false};
window.BarcodeDetector = class {
  constructor(options) { window.__camera.formats = options.formats; }
  async detect(source) {
    window.__camera.lectures += 1;
    return window.__camera.lectures < 3 ? [] : [{rawValue: window.__camera.qr}];
  }
};
navigator.mediaDevices.getUserMedia = async (contraintes) => {
  if (window.__camera.refuse) throw new DOMException("refus", "NotAllowedError");
  window.__camera.contraintes = contraintes;
  const toile = document.createElement("canvas");
  toile.width = 64; toile.height = 64;
  toile.getContext("2d").fillRect(0, 0, 32, 32);
  const flux = toile.captureStream(5);
  flux.getTracks().forEach((piste) => {
    const stop = piste.stop.bind(piste);
    piste.stop = () => { window.__camera.arretee = true; stop(); };
  });
  return flux;
};
"""


def test_check_a_pass_with_the_camera(page, ctx):
    page.set_viewport_size(TABLET_PORTRAIT)
    page.context.add_init_script(FAKE_CAMERA)
    _, cheques, _ = pass_codes()
    sign_in(page, ctx["volontaire"])
    page.get_by_role("link", name=re.compile("Vérifier un pass")).click()
    bouton = page.get_by_role("button", name="Scanner avec la caméra")
    expect(bouton).to_be_visible()
    page.evaluate(f"window.__camera.qr = 'http://localhost/c/{cheques[0]}'")
    bouton.click()
    # The QR code is read after a few frames, the camera is let go, the form is sent.
    expect(page.get_by_role("heading", name=re.compile("Chèque valable"))).to_be_visible()
    # A refused camera: a message, and the field for the scanner or the keyboard.
    page.evaluate("window.__camera.refuse = true")
    page.get_by_role("button", name="Scanner avec la caméra").click()
    expect(page.get_by_role("alert")).to_contain_text("La caméra ne s'ouvre pas")
    expect(page.get_by_label("Code du chèque ou du carnet")).to_be_focused()
    expect(page.locator("#kiosque-camera-zone")).to_be_hidden()
    check(page, "pass-camera-refusee")


def test_the_camera_stops_on_request(page, ctx):
    page.set_viewport_size(TABLET_PORTRAIT)
    page.context.add_init_script(FAKE_CAMERA)
    sign_in(page, ctx["volontaire"])
    page.get_by_role("link", name=re.compile("Vérifier un pass")).click()
    page.evaluate("window.__camera.qr = ''; window.__camera.lectures = -1000")  # nothing found
    page.get_by_role("button", name="Scanner avec la caméra").click()
    expect(page.locator("#kiosque-camera-video")).to_be_visible()
    assert page.evaluate("window.__camera.formats") == ["qr_code"]
    assert page.evaluate("window.__camera.contraintes.video.facingMode") == "environment"
    page.get_by_role("button", name="Arrêter la caméra").click()
    expect(page.locator("#kiosque-camera-zone")).to_be_hidden()
    assert page.evaluate("window.__camera.arretee") is True
    expect(page.get_by_label("Code du chèque ou du carnet")).to_be_focused()


@pytest.mark.parametrize("viewport", [TABLET_PORTRAIT, LANDSCAPE], ids=["portrait", "paysage"])
def test_find_a_workshop_and_register_the_person(page, ctx, viewport, sms_outbox):
    page.set_viewport_size(viewport)
    sign_in(page, ctx["volontaire"])
    page.get_by_role("link", name=re.compile("Trouver un atelier")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trouver un atelier")
    expect(page.get_by_text("Complet")).to_be_visible()
    check(page, "ateliers")
    page.get_by_role("link", name="Utiliser son téléphone").first.click()
    expect(page.get_by_role("heading", level=2, name=re.compile("1 atelier"))).to_be_visible()
    check(page, "ateliers-theme")
    page.get_by_role("link", name="Les Tilleuls").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("2 ateliers"))).to_be_visible()
    page.get_by_role("heading", level=2, name="Utiliser son téléphone").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utiliser son téléphone")
    expect(page.get_by_text("8 places libres")).to_be_visible()
    check(page, "atelier")
    page.get_by_role("link", name="Inscrire la personne").click()
    check(page, "inscrire")
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.locator(".field__errors")).to_contain_text("Indiquez le prénom de la personne.")
    check(page, "inscrire-erreur")
    page.get_by_label(re.compile("Prénom de la personne")).fill("Fatima")
    page.get_by_label(re.compile("Numéro de mobile")).fill("06 12 34 56 78")
    page.get_by_label(re.compile("J'accepte de recevoir des SMS")).check()
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("La personne est inscrite")
    expect(page.get_by_text("06 •• •• •• 78")).to_be_visible()
    assert "06 12 34 56 78" not in page.content()
    check(page, "inscription-faite")
    page.get_by_role("link", name="Imprimer un ticket").click()
    expect(page.get_by_role("article", name="Aperçu du ticket")).to_contain_text(
        "Utiliser son téléphone"
    )
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    check(page, "ticket")
    page.get_by_role("link", name="Format A4").click()
    check(page, "ticket-a4")
    page.emulate_media(media="print")
    expect(page.locator(".kiosque-header")).to_be_hidden()
    page.screenshot(path=str(SHOTS / f"kiosque-ticket-impression-{viewport['width']}.png"))
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Accueil").click()
    page.get_by_role("link", name=re.compile("Imprimer ou envoyer un rappel")).click()
    page.get_by_role("button", name=re.compile("Envoyer par SMS au 06 •• •• •• 78")).click()
    expect(page.get_by_text(re.compile("Le rappel part par SMS"))).to_be_visible()
    check(page, "rappel")
    page.get_by_role("button", name="Recommencer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Que voulez-vous faire ?")
    page.get_by_role("link", name=re.compile("Imprimer ou envoyer un rappel")).click()
    expect(page.get_by_text("Choisissez d'abord un atelier ou un lieu")).to_be_visible()
    assert "78" not in page.locator("main").inner_text()
    check(page, "rappel-vide")


def test_find_a_place(page, ctx):
    page.set_viewport_size(TABLET_PORTRAIT)
    sign_in(page, ctx["volontaire"])
    page.get_by_role("link", name=re.compile("Trouver un lieu d'aide")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trouver un lieu d'aide")
    cards = page.locator(".kiosque-carte h2")
    expect(cards.first).to_have_text("Médiathèque Jules-Verne")
    expect(cards.nth(1)).to_have_text("France Services du Centre")
    expect(page.get_by_text("Aide aux démarches administratives").first).to_be_visible()
    check(page, "lieux")
    page.get_by_role("link", name="Ouverts maintenant").click()
    expect(page.get_by_role("link", name="Médiathèque Jules-Verne")).to_be_visible()
    check(page, "lieux-ouverts")
    page.goto("/kiosque/lieux/")
    page.get_by_role("link", name="France Services du Centre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("France Services du Centre")
    expect(page.get_by_text("Du lundi au vendredi")).to_be_visible()
    check(page, "lieu")
    page.get_by_role("link", name="Imprimer un ticket").click()
    expect(page.get_by_role("article", name="Aperçu du ticket")).to_contain_text(
        "France Services du Centre"
    )
    check(page, "ticket-lieu")


def test_inactivity_clears_the_journey(page, ctx, settings):
    settings.KIOSQUE_INACTIVITE_SECONDES = 2
    settings.KIOSQUE_COMPTE_A_REBOURS_SECONDES = 3
    page.set_viewport_size(TABLET_PORTRAIT)
    sign_in(page, ctx["volontaire"])
    page.goto(f"/kiosque/ateliers/{ctx['session'].pk}/inscrire/")
    page.get_by_label(re.compile("Prénom de la personne")).fill("Karim")
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("La personne est inscrite")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible(timeout=5_000)
    expect(page.get_by_role("button", name="Continuer")).to_be_focused()
    check(page, "inactivite")
    # "Continuer" keeps the journey.
    page.get_by_role("button", name="Continuer").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_contain_text("La personne est inscrite")
    # Then nobody touches the screen: the countdown clears it.
    expect(dialog).to_be_visible(timeout=5_000)
    expect(page.get_by_text("L'écran a été effacé")).to_be_visible(timeout=8_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Que voulez-vous faire ?")
    check(page, "apres-inactivite")
    page.goto("/kiosque/ateliers/inscription/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Que voulez-vous faire ?")
    page.goto("/kiosque/rappel/")
    expect(page.get_by_text("Choisissez d'abord un atelier ou un lieu")).to_be_visible()


def test_choose_the_lieu_and_end_the_shift(page, ctx):
    LieuFactory(structure=ctx["structure"], nom="Annexe des Tilleuls")
    page.set_viewport_size(TABLET_PORTRAIT)
    page.goto("/kiosque/connexion/")
    page.get_by_label("Adresse e-mail").fill(ctx["volontaire"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Commencer mon service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Où êtes-vous aujourd'hui ?")
    check(page, "choisir-lieu")
    page.get_by_label("Annexe des Tilleuls").check()
    page.get_by_role("button", name="Commencer ici").click()
    expect(page.get_by_text("Annexe des Tilleuls")).to_be_visible()
    page.get_by_role("button", name="Terminer mon service").click()
    expect(page.get_by_text("Service terminé")).to_be_visible()
    page.goto("/kiosque/pass/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion au kiosque")
