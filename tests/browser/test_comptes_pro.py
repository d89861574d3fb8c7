"""The professionals' accounts, as people live them: a coordinator invites a colleague, who
creates the account, sets up the second factor and signs in again; "Se déconnecter partout";
a coordinator deactivates an account in use elsewhere; a lost phone and a recovery code.
Each page is checked with axe; screenshots of the main screens go to /tmp/comptes-*.png."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from inclusion.enums import Role
from inclusion.services import double_facteur
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_overflow,
    log_in_with_form,
)
from tests.browser.helpers_comptes import (
    fresh_code,
    give_app,
    key_from_page,
    log_in_with_second_step,
    other_browser,
    second_step,
)
from tests.inclusion.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp/comptes-{}.png"
PASSWORD = "mot-de-passe-test-123"  # the factories'
NOUVEAU = "un mot de passe bien à moi"
CONNEXION = re.compile(r"/pro/connexion/")


def _shot(page, name):
    page.screenshot(path=SCREENSHOTS.format(name), full_page=True)


def test_invitation_second_factor_and_sign_out_everywhere(page, browser, live_server, settings):
    settings.SITE_URL = live_server.url
    settings.INCLUSION_DOUBLE_FACTEUR = "sensibles"
    fatou = member(
        Role.COORDINATEUR, email="fatou@example.org", first_name="Fatou", last_name="Diallo"
    )
    structure = fatou.memberships.get().structure
    cle_fatou = give_app(fatou)

    # The coordinator signs in: password, then the code of her app.
    log_in_with_form(page, "fatou@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deuxième étape de la connexion")
    assert_accessible(page)
    _shot(page, "deuxieme-etape")
    second_step(page, cle_fatou, fatou)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Fatou")

    # She invites a colleague as coordinator, from the Équipe page.
    page.goto("/pro/equipe/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipe")
    assert_accessible(page)
    page.get_by_role("link", name="Inviter une personne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inviter une personne")
    assert_accessible(page)
    _shot(page, "inviter")
    page.get_by_label("Adresse e-mail").fill("dominique@example.org")
    page.get_by_label("Prénom").fill("Dominique")
    page.get_by_label("Nom", exact=True).fill("Martin")
    role_1 = page.get_by_role("group", name="Rôle 1")
    role_1.get_by_label("Structure", exact=True).select_option(label=structure.nom)
    role_1.get_by_label("Rôle", exact=True).select_option(label=Role.COORDINATEUR.label)
    page.get_by_role("button", name="Envoyer l'invitation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Équipe")
    expect(page.get_by_text("L'invitation est envoyée à dominique@example.org.")).to_be_visible()
    invitations = page.get_by_role("region", name="Invitations en attente")
    expect(invitations.get_by_role("row").filter(has_text="dominique@example.org")).to_contain_text(
        "Coordinateur"
    )
    assert_accessible(page)
    _shot(page, "equipe")

    [message] = [m for m in mail.outbox if "dominique@example.org" in m.to]
    lien = re.search(r"http://\S+", message.body).group(0)
    assert lien.startswith(live_server.url)

    with other_browser(browser, live_server) as dominique_page:
        p = dominique_page
        # The invitation link, in the colleague's own browser.
        p.goto(lien)
        expect(p.get_by_role("heading", level=1)).to_have_text("Créer votre compte")
        expect(p.get_by_label("Prénom")).to_have_value("Dominique")
        assert_accessible(p)
        _shot(p, "creer-compte")
        p.get_by_label(re.compile("^Mot de passe")).fill(NOUVEAU)
        p.get_by_label("Le même mot de passe, encore une fois").fill(NOUVEAU)
        p.get_by_role("button", name="Créer mon compte").click()

        # A coordinator must set up the second factor before anything else.
        expect(p.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
        assert_accessible(p)
        _shot(p, "activer")
        dominique = fatou.__class__.objects.get(email="dominique@example.org")
        cle = key_from_page(p)  # what one types in the app when the QR code won't scan
        p.get_by_label("Code à 6 chiffres affiché par l'application").fill(
            fresh_code(cle, dominique)
        )
        p.get_by_role("button", name="Activer").click()

        expect(p.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
        assert_accessible(p)
        _shot(p, "codes-secours")
        codes = p.locator("ol.codes-secours code").all_inner_texts()
        assert len(codes) == 10
        p.get_by_label("J'ai noté mes codes de secours").check()
        p.get_by_role("button", name="Continuer").click()
        expect(p.get_by_role("heading", level=1)).to_have_text("Bonjour Dominique")
        assert_accessible(p)

        # Sign out, sign in again: the second step asks a new code.
        p.get_by_role("button", name="Se déconnecter").first.click()
        expect(p).to_have_url(CONNEXION)
        log_in_with_form(p, "dominique@example.org", password=NOUVEAU)
        expect(p.get_by_role("heading", level=1)).to_have_text("Deuxième étape de la connexion")
        assert_accessible(p)
        second_step(p, cle, dominique)
        expect(p.get_by_role("heading", level=1)).to_have_text("Bonjour Dominique")
        assert p.url == f"{live_server.url}/pro/"

        # Another browser of Dominique's, signed in too.
        with other_browser(browser, live_server) as ailleurs:
            log_in_with_second_step(ailleurs, "dominique@example.org", cle, dominique, NOUVEAU)
            expect(ailleurs.get_by_role("heading", level=1)).to_have_text("Bonjour Dominique")

            # "Se déconnecter partout", from Mon compte.
            p.get_by_role("link", name=re.compile("Mon compte")).click()
            expect(p.get_by_role("heading", level=1)).to_have_text("Mon compte")
            assert_accessible(p)
            _shot(p, "mon-compte")
            p.get_by_role("link", name="Se déconnecter partout").click()
            expect(p.get_by_role("heading", level=1)).to_have_text("Se déconnecter partout")
            assert_accessible(p)
            p.get_by_role("button", name="Me déconnecter partout").click()
            expect(p).to_have_url(CONNEXION)
            expect(p.get_by_text("Votre compte est déconnecté partout")).to_be_visible()
            assert_accessible(p)

            # The other browser's next page is the sign-in page.
            ailleurs.goto("/pro/")
            expect(ailleurs).to_have_url(CONNEXION)
            expect(ailleurs.get_by_role("button", name="Se connecter")).to_be_visible()
            assert_accessible(ailleurs)


def test_deactivated_account_loses_its_open_session(page, browser, live_server):
    fatou = member(Role.COORDINATEUR, email="fatou@example.org", first_name="Fatou")
    structure = fatou.memberships.get().structure
    member(
        Role.MEDIATEUR,
        structure=structure,
        email="sam@example.org",
        first_name="Sam",
        last_name="Bernard",
    )

    with other_browser(browser, live_server) as sam_page:
        log_in_with_form(sam_page, "sam@example.org")
        expect(sam_page.get_by_role("heading", level=1)).to_have_text("Bonjour Sam")

        log_in_with_form(page, "fatou@example.org")
        page.goto("/pro/equipe/")
        ligne = page.get_by_role("row").filter(has_text="sam@example.org")
        expect(ligne).to_contain_text("Actif")
        ligne.get_by_role("link", name=re.compile("^Désactiver le compte")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile("^Désactiver le compte de")
        )
        assert_accessible(page)
        _shot(page, "desactiver")
        page.get_by_role("button", name="Désactiver le compte").click()
        expect(
            page.get_by_text(re.compile("est désactivé : ses connexions sont fermées"))
        ).to_be_visible()
        assert_accessible(page)

        # Sam's browser: the next page is the sign-in page, and signing in fails.
        sam_page.goto("/pro/")
        expect(sam_page).to_have_url(CONNEXION)
        assert_accessible(sam_page)
        log_in_with_form(sam_page, "sam@example.org")
        expect(sam_page).to_have_url(CONNEXION)
        expect(sam_page.get_by_role("heading", level=1)).not_to_have_text("Bonjour Sam")

    page.goto("/pro/equipe/")
    ligne = page.get_by_role("row").filter(has_text="sam@example.org")
    expect(ligne).to_contain_text("Désactivé")
    expect(ligne.get_by_role("link", name=re.compile("^Désactiver le compte"))).to_have_count(0)
    assert_accessible(page)
    _shot(page, "equipe-desactive")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_overflow(page)  # the table scrolls inside its own box
    _shot(page, "equipe-360")


def test_lost_phone_recovery_code_on_a_small_phone(phone_page, live_server, settings):
    page = phone_page
    settings.INCLUSION_DOUBLE_FACTEUR = "sensibles"
    claude = member(Role.COORDINATEUR, email="claude@example.org", first_name="Claude")
    device = double_facteur.start_enrolment(claude)
    codes = double_facteur.confirm_enrolment(claude, device, fresh_code(device.bin_key, claude))

    log_in_with_form(page, "claude@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deuxième étape de la connexion")
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    _shot(page, "deuxieme-etape-360")
    page.get_by_role("link", name="Je n'ai plus mon téléphone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Je n'ai plus mon téléphone")
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    _shot(page, "telephone-perdu-360")
    # Typed from paper: capitals, no hyphen.
    page.get_by_label("Code de secours").fill(codes[0].replace("-", "").upper())
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claude")

    page.goto("/pro/mon-compte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    _shot(page, "mon-compte-360")

    page.goto("/pro/double-facteur/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    expect(page.get_by_text("9 sur 10")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    _shot(page, "double-facteur-360")

    # A recovery code serves once.
    page.get_by_role("button", name="Se déconnecter").first.click()
    log_in_with_form(page, "claude@example.org")
    page.get_by_role("link", name="Je n'ai plus mon téléphone").click()
    page.get_by_label("Code de secours").fill(codes[0])
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce code ne marche pas")
    expect(page.get_by_label("Code de secours")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    _shot(page, "code-refuse-360")


def test_mon_compte_is_the_only_current_page_in_the_header(page, log_in):
    log_in(member(Role.MEDIATEUR, email="sam@example.org", first_name="Sam"))
    page.goto("/pro/mon-compte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_role("link", name=re.compile("Mon compte"))).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("link", name="Accueil", exact=True)).not_to_have_attribute(
        "aria-current", "page"
    )
