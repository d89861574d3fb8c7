"""The diagnostic of digital skills in a browser: alone on the public site on a 360 px phone
with JavaScript disabled, at the kiosk with a volunteer, and in a person's file in the espace
pro. Axe on every new screen (0 violations), screenshots in /work/helpers/shots/c_*.png."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ateliers.enums import Niveau, Thematique
from inclusion.enums import Role
from mediation import diagnostic, diagnostic_hooks
from mediation.models import Activite, Diagnostic
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.browser.helpers import (
    PASSWORD,
    PHONE,
    assert_accessible,
    assert_no_horizontal_overflow,
)
from tests.inclusion.factories import BeneficiaireFactory, CommuneFactory, LieuFactory, member
from tests.mediation.factories import setup_kiosque

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/helpers/shots")
TABLET = {"width": 800, "height": 1280}
# The answer tapped for each area, in the questionnaire's order.
REPONSES = ["Oui, avec de l'aide", "Oui, avec de l'aide", "Non, je ne sais pas",
            "Oui, seul, mais c'est difficile", "Non, je ne sais pas", "Oui, seul, facilement",
            "Oui, seul, mais c'est difficile"]  # fmt: skip


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"c_{name}.png"), full_page=True)


def check(page, name, axe=True):
    if axe:
        assert_accessible(page)
    assert_no_horizontal_overflow(page)
    shot(page, name)


@pytest.fixture
def sessions():
    commune = CommuneFactory(nom="Montclair")
    lieu = LieuFactory(nom="Médiathèque Jules-Verne", commune=commune, qualifie=True,
                       latitude="44.84000", longitude="-0.58000")  # fmt: skip
    debut = (timezone.now() + datetime.timedelta(days=3)).replace(hour=14, minute=0)
    mail = SessionFactory(
        theme=ThemeFactory(
            titre_falc="Envoyer un e-mail",
            pictogramme="envelope",
            thematiques=[Thematique.EMAIL],
            niveau=Niveau.DEBUTANT,
        ),
        lieu=lieu,
        debut=debut,
    )
    demarches = SessionFactory(
        theme=ThemeFactory(
            titre_falc="Faire ses démarches en ligne",
            thematiques=[Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES],
            niveau=Niveau.DEBUTANT,
        ),
        lieu=lieu,
        debut=debut + datetime.timedelta(days=2),
    )
    return {"commune": commune, "lieu": lieu, "mail": mail, "demarches": demarches}


def answer_all(page, name, axe_page=None):
    """Questions 1 to 8 by tapping; axe and screenshots on question 1 and 2 (the two kinds)."""
    expect(page.get_by_text("Question 1 sur 8")).to_be_visible()
    page.get_by_label("Je n'ai pas d'adresse e-mail.").check()
    check(page, f"{name}_question1", axe=axe_page is None)
    page.get_by_role("button", name="Suivant").click()
    for numero, (domaine, reponse) in enumerate(
        zip(diagnostic.DOMAINES, REPONSES, strict=True), start=2
    ):
        expect(page.get_by_role("heading", level=1)).to_have_text(domaine.question)
        expect(page.get_by_text(f"Question {numero} sur 8")).to_be_visible()
        if numero == 2:
            check(page, f"{name}_question2", axe=axe_page is None)
        page.get_by_role("button", name=reponse, exact=True).click()


def public_journey(page, sessions, name, javascript):
    """The public journey; axe and layout checks only where scripts run (they need them)."""

    def look(nom):
        if javascript:
            check(page, f"{name}_{nom}")
        else:
            shot(page, f"{name}_{nom}")

    page.goto("/diagnostic/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Faire le point sur le numérique")
    look("accueil")
    page.get_by_role("button", name="Commencer").click()
    expect(page.get_by_text("Question 1 sur 8")).to_be_visible()
    page.get_by_label("Je n'ai pas d'adresse e-mail.").check()
    look("question1")
    page.get_by_role("button", name="Suivant").click()
    for numero, (domaine, reponse) in enumerate(
        zip(diagnostic.DOMAINES, REPONSES, strict=True), start=2
    ):
        expect(page.get_by_role("heading", level=1)).to_have_text(domaine.question)
        expect(page.get_by_text(f"Question {numero} sur 8")).to_be_visible()
        if numero == 2:
            look("question2")
        page.get_by_role("button", name=reponse, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre résultat")
    expect(page.get_by_text("Vous savez garder vos documents et vos photos.")).to_be_visible()
    expect(page.get_by_text("Faire ses démarches et payer sur internet")).to_be_visible()
    inscription = page.get_by_role("link", name="Je m'inscris : Envoyer un e-mail")
    expect(inscription).to_have_attribute(
        "href", f"/ateliers-pres-de-chez-moi/session/{sessions['mail'].pk}/inscription/"
    )
    imprimer = page.get_by_role("button", name="Imprimer")
    # Without scripts the print button stays hidden; the page says how to print.
    expect(imprimer).to_be_visible() if javascript else expect(imprimer).to_be_hidden()
    look("resultat")
    # "Near me": the answers travel with the town chosen.
    page.get_by_label("Votre ville").select_option(label="Montclair")
    page.get_by_role("button", name="Voir les ateliers près de chez moi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre résultat")
    expect(page.get_by_label("Votre ville")).to_have_value(str(sessions["commune"].pk))
    # The SMS needs the box ticked.
    page.get_by_label("Votre numéro de portable").fill("06 12 34 56 78")
    page.get_by_role("button", name="Recevoir le SMS").click()
    expect(
        page.get_by_text("Cochez la case pour accepter de recevoir le SMS.").first
    ).to_be_visible()
    look("sms_refus")
    page.emulate_media(media="print")
    shot(page, f"{name}_impression")


@pytest.fixture
def lien_session():
    avant = diagnostic_hooks._lien_session
    diagnostic_hooks.register_session_link(
        lambda request, s: f"/ateliers-pres-de-chez-moi/session/{s.pk}/inscription/"
    )
    yield
    diagnostic_hooks.register_session_link(avant)


def test_public_diagnostic_on_a_phone_without_javascript(
    browser, live_server, sessions, lien_session
):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        java_script_enabled=False,
    )
    context.set_default_timeout(15_000)
    try:
        public_journey(context.new_page(), sessions, "public_sansjs", javascript=False)
    finally:
        context.close()
    assert Diagnostic.objects.count() == 0 and Activite.objects.count() == 0


def test_public_diagnostic_screens_pass_axe(phone_page, sessions, lien_session):
    public_journey(phone_page, sessions, "public", javascript=True)
    assert Diagnostic.objects.count() == 0 and Activite.objects.count() == 0


def test_kiosk_diagnostic_with_a_volunteer(page, sessions):
    ctx = setup_kiosque(nom="Mairie annexe")
    page.set_viewport_size(TABLET)
    page.goto("/kiosque/")
    page.get_by_label("Adresse e-mail").fill(ctx["volontaire"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Commencer mon service").click()
    page.get_by_role("link", name="Faire le point sur le numérique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Faire le point sur le numérique")
    check(page, "kiosque_accueil")
    page.get_by_role("button", name="Commencer", exact=True).click()
    answer_all(page, "kiosque")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre résultat")
    expect(page.get_by_role("button", name="Imprimer le résultat")).to_be_visible()
    expect(page.get_by_role("link", name="Voir et inscrire : Envoyer un e-mail")).to_have_attribute(
        "href", f"/kiosque/ateliers/{sessions['mail'].pk}/"
    )
    check(page, "kiosque_resultat")
    assert Diagnostic.objects.count() == 0 and Activite.objects.count() == 0


def test_pro_diagnostic_in_a_person_s_file(page, log_in, sessions):
    lieu = sessions["lieu"]
    mediateur = log_in(member(Role.MEDIATEUR, structure=lieu.structure))
    personne = BeneficiaireFactory(structure=lieu.structure, prenom="Jeanne", nom="Martin",
                                   commune=sessions["commune"])  # fmt: skip
    page.set_viewport_size(PHONE)
    page.goto(f"/pro/beneficiaires/{personne.uuid}/")
    page.get_by_role("link", name="Faire un diagnostic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Diagnostic numérique de Jeanne Martin"
    )
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    expect(page.get_by_text("Choisissez une réponse.").first).to_be_visible()
    check(page, "pro_erreurs")
    page.get_by_label("Je n'ai pas d'adresse e-mail.").check()
    for domaine, reponse in zip(diagnostic.DOMAINES, REPONSES, strict=True):
        page.get_by_role("group", name=domaine.question).get_by_label(reponse, exact=True).check()
    check(page, "pro_questionnaire")
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diagnostic de Jeanne Martin")
    expect(
        page.get_by_role("link", name="Inscrire la personne : Envoyer un e-mail")
    ).to_be_visible()
    check(page, "pro_resultat")
    diag = Diagnostic.objects.get()
    assert diag.auteur == mediateur and diag.activite.thematiques == ["diagnostic_numerique"]
    page.get_by_role("link", name="Tous ses diagnostics").click()
    check(page, "pro_historique")
    page.get_by_role("link", name="Noter un résultat Pix ou ABC Diag").click()
    page.get_by_label("Pix").check()
    page.get_by_label("Score ou niveau obtenu").fill("niveau 2")
    check(page, "pro_externe")
    page.get_by_role("button", name="Enregistrer le résultat").click()
    expect(page.get_by_text("niveau 2")).to_be_visible()
    assert Diagnostic.objects.count() == 2
