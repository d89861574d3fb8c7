"""The public journeys in a real Chromium, keyboard only, at 360 px wide and at 200 % zoom:
find a workshop in a quartier and register with the SMS code; open "Mon pass" from a carnet's
QR URL; find the places open now. axe-core checks every page visited.

Set JOURNEY_SCREENSHOTS=1 to save each screen under /tmp/journey-*.png.
"""

import datetime
import gzip
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Locale, Page

from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.browser.helpers import PHONE, assert_accessible, assert_no_horizontal_overflow
from tests.cms.conftest import build_site
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    LieuFactory,
    QuartierFactory,
)
from tests.pass_numerique.factories import issued, setup_pass

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 200 % zoom of a 1280 px wide window: the page lays out in 640 CSS pixels.
ZOOM_200 = {"width": 640, "height": 450}
ECRANS = {"360px": PHONE, "zoom200": ZOOM_200}


@pytest.fixture(autouse=True)
def _site(transactional_db):
    # Transactional tests flush the rows Wagtail's migrations created.
    Locale.objects.get_or_create(language_code="fr")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    build_site()


@pytest.fixture(params=list(ECRANS))
def ecran(request, browser, live_server):
    """A page at 360 px wide, or at 200 % zoom (device scale factor 2, half the width)."""
    taille = ECRANS[request.param]
    context = browser.new_context(
        base_url=live_server.url,
        viewport=taille,
        device_scale_factor=2 if request.param == "zoom200" else 1,
        locale="fr-FR",
        timezone_id="Europe/Paris",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    csp = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp.append(m.text))
    page.nom_ecran = request.param
    yield page
    context.close()
    assert csp == []


def photo(page, nom):
    if os.environ.get("JOURNEY_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/journey-{nom}-{page.nom_ecran}.png", full_page=True)


def verifier(page, nom):
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    photo(page, nom)


def tab_jusqu_a(page, locator, max_tabs=120):
    """Press Tab until `locator` has the focus (keyboard only, as a person would)."""
    cible = locator.element_handle()
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", cible):
            return
    raise AssertionError(f"Tab never reached {locator}")


def choisir(page, select, valeur):
    """Pick an option of a focused <select> with the arrow keys."""
    tab_jusqu_a(page, select)
    for _ in range(60):
        if select.input_value() == valeur:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {valeur} not reached")


def _mardi_prochain(heure=14):
    d = timezone.localdate() + datetime.timedelta(days=2)
    while d.weekday() != 1:
        d += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time(heure)))


def test_find_a_workshop_in_a_quartier_and_register_with_the_sms_code(ecran, sms_delivered):
    page = ecran
    aubiers = QuartierFactory(nom="Les Aubiers", commune=CommuneFactory(nom="Bordeaux"))
    lieu = LieuFactory(
        nom="Médiathèque des Aubiers",
        commune=aubiers.commune,
        quartier=aubiers,
        qualifie=True,
        adresse="12 rue des Lilas",
    )
    debut = _mardi_prochain()
    session = SessionFactory(
        lieu=lieu,
        debut=debut,
        fin=debut + datetime.timedelta(hours=2),
        capacite=8,
        theme=ThemeFactory(titre_falc="Utiliser son téléphone", pictogramme="device-phone-mobile"),
    )
    SessionFactory(theme=ThemeFactory(titre_falc="Envoyer un e-mail", pictogramme="envelope"))

    page.goto("/ateliers-pres-de-chez-moi/")
    verifier(page, "ateliers-liste")
    choisir(page, page.get_by_label("Où ?"), f"q{aubiers.pk}")
    tab_jusqu_a(page, page.get_by_role("button", name="Voir les ateliers"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"ou=q"))
    expect(page.get_by_text("Envoyer un e-mail", exact=True).locator("visible=true")).to_have_count(
        0
    )
    expect(page.get_by_role("heading", name="Utiliser son téléphone")).to_be_visible()
    verifier(page, "ateliers-filtre")

    tab_jusqu_a(page, page.get_by_role("link", name=re.compile("^Je m'inscris")))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"session/{session.pk}/inscription/$"))
    verifier(page, "inscription-1")

    tab_jusqu_a(page, page.get_by_label("Votre prénom"))
    page.keyboard.type("Awa")
    tab_jusqu_a(page, page.get_by_label("Votre numéro de téléphone portable"))
    page.keyboard.type("06 12 34 56 78")
    tab_jusqu_a(page, page.get_by_label("J'accepte de recevoir des SMS pour cet atelier."))
    page.keyboard.press("Space")
    tab_jusqu_a(page, page.get_by_role("button", name="Recevoir le code par SMS"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/code/$"))
    verifier(page, "inscription-2")

    code = re.search(r"\b(\d{6})\b", sms_delivered[-1]).group(1)
    tab_jusqu_a(page, page.get_by_label("Le code reçu par SMS"))
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fin/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("C'est fait : vous êtes inscrit")
    expect(
        page.get_by_text("Votre carnet pass numérique. L'atelier coûte 1 chèque.")
    ).to_be_visible()
    verifier(page, "inscription-3")

    page.goto("/ateliers-pres-de-chez-moi/")
    expect(page.get_by_text("7 places libres")).to_be_visible()


def test_open_mon_pass_from_the_qr_url(ecran):
    page = ecran
    ctx = setup_pass()
    ctx["lieu"].nom = "Médiathèque du centre"
    ctx["lieu"].horaires = "Mo-Su 00:00-24:00"
    ctx["lieu"].save()
    personne = BeneficiaireFactory(
        structure=ctx["enveloppe"].structure, prenom="Awa", nom="Diallo", consentant=True
    )
    carnet = issued(ctx, personne)[0]
    SessionFactory(lieu=ctx["lieu"], theme=ThemeFactory(titre_falc="Utiliser son téléphone"))

    page.goto(f"/p/{carnet.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Awa")
    expect(page.get_by_text("Il vous reste 10 chèques.")).to_be_visible()
    expect(page.get_by_text("Ouvert maintenant")).to_be_visible()
    expect(page.get_by_text("Diallo")).to_have_count(0)
    verifier(page, "mon-pass-qr")

    tab_jusqu_a(page, page.get_by_role("link", name="Voir un autre carnet"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/mon-pass/$"))
    verifier(page, "mon-pass-formulaire")
    tab_jusqu_a(page, page.get_by_label("Le code de votre carnet"))
    page.keyboard.type("AAAA-BBBB")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"code="))
    expect(page.get_by_text("Nous ne trouvons pas ce pass.")).to_be_visible()
    verifier(page, "mon-pass-erreur")


def test_find_the_places_open_now(ecran):
    page = ecran
    commune = CommuneFactory(nom="Bordeaux")
    LieuFactory(
        nom="Médiathèque ouverte",
        commune=commune,
        quartier=QuartierFactory(commune=commune, nom="Les Aubiers"),
        horaires="Mo-Su 00:00-24:00",
        telephone="+33556000000",
        accessible_pmr=True,
        services=["Aide aux démarches administratives", "Accès internet et matériel informatique"],
        qualifie=True,
    )
    LieuFactory(nom="Espace fermé", commune=commune, horaires="Mo 03:00-03:01")

    page.goto("/lieux/")
    expect(page.get_by_role("heading", name="Espace fermé")).to_be_visible()
    verifier(page, "lieux-liste")
    tab_jusqu_a(page, page.get_by_label("Seulement les lieux ouverts maintenant"))
    page.keyboard.press("Space")
    tab_jusqu_a(page, page.get_by_role("button", name="Voir les lieux"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"ouvert=on"))
    expect(page.get_by_role("heading", name="Espace fermé")).to_have_count(0)
    expect(page.get_by_text("Ouvert maintenant")).to_be_visible()
    verifier(page, "lieux-ouverts")

    tab_jusqu_a(page, page.get_by_role("link", name="Médiathèque ouverte"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/lieux/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("link", name="05 56 00 00 00")).to_have_attribute(
        "href", "tel:+33556000000"
    )
    verifier(page, "lieu")


def test_workshop_list_weighs_at_most_60_kb_in_6_requests(page):
    for i in range(30):
        SessionFactory(
            theme=ThemeFactory(titre_falc=f"Atelier numéro {i}"),
            debut=timezone.now() + datetime.timedelta(days=1 + i % 20, hours=i % 5),
        )
    poids = []
    page.on(
        "requestfinished",
        lambda r: (
            r.resource_type != "image"
            and "favicon" not in r.url
            and poids.append((r.url, len(gzip.compress(r.response().body()))))
        ),
    )
    page.goto("/ateliers-pres-de-chez-moi/")
    page.wait_for_load_state("networkidle")
    total = sum(taille for _, taille in poids)
    assert len(poids) <= 6, poids
    assert total <= 60 * 1024, poids
    fonts = page.evaluate("() => document.fonts.size")
    assert fonts == 0
    photo_desktop(page, "ateliers-liste")


def photo_desktop(page, nom):
    if os.environ.get("JOURNEY_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/journey-{nom}-desktop.png", full_page=True)


def test_map_is_an_extra_drawn_from_the_data_island(page, settings):
    settings.LEAFLET_TILES_URL = "/static/cms/carte/tuile-absente/{z}/{x}/{y}.png"
    commune = CommuneFactory(nom="Bordeaux")
    for i, (lat, lon) in enumerate([("44.87000", "-0.57000"), ("44.84000", "-0.58000")]):
        LieuFactory(nom=f"Lieu sur la carte {i}", commune=commune, latitude=lat, longitude=lon)
    page.goto("/lieux/")
    carte = page.locator("#carte")
    expect(carte).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
    # The list stays complete beside the map.
    expect(page.get_by_role("heading", name="Lieu sur la carte 0")).to_be_visible()
    assert_accessible(page)
    photo_desktop(page, "lieux-carte")
