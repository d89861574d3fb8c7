import re

import pytest
from playwright.sync_api import expect

from inclusion.enums import Role, TrancheAge
from inclusion.models import Beneficiaire
from inclusion.services import beneficiaires as services
from tests.browser.helpers import assert_accessible, assert_no_horizontal_overflow
from tests.inclusion.factories import CommuneFactory, QuartierFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def prescripteur():
    return member(Role.PRESCRIPTEUR, email="prescripteur@example.org", first_name="Camille")


@pytest.fixture
def personnes(prescripteur):
    """Three people registered by the prescripteur's structure."""
    structure = prescripteur.memberships.get().structure
    commune = CommuneFactory(nom="Lormont", code_insee="33249")
    quartier = QuartierFactory(commune=commune, nom="Carriet", prioritaire_qpv=True)
    autre = CommuneFactory(nom="Cenon", code_insee="33119")
    return [
        services.create_beneficiaire(
            acteur=prescripteur,
            structure=structure,
            prenom="Fatima",
            nom="Benali",
            telephone="+33600000012",
            annee_naissance=1958,
            commune=commune,
            quartier=quartier,
            consentement_sms=True,
            consentement_sms_mode="oral",
        ),
        services.create_beneficiaire(
            acteur=prescripteur,
            structure=structure,
            prenom="Jean",
            nom="Dupont",
            sans_telephone=True,
            tranche_age=TrancheAge.PLUS_70,
            commune=autre,
        ),
        services.create_beneficiaire(
            acteur=prescripteur,
            structure=structure,
            prenom="Lucie",
            telephone="+33556000000",
            commune=commune,
        ),
    ]


def test_accueil_prescripteur(page, log_in, prescripteur):
    log_in(prescripteur)
    page.goto("/pro/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    expect(page.get_by_role("link", name="Inscrire une personne")).to_be_visible()
    assert_accessible(page)


def test_accueil_volontaire_has_no_access_to_files(page, log_in):
    log_in(member(Role.VOLONTAIRE, first_name="Sam"))
    page.goto("/pro/")
    expect(page.get_by_role("heading", name="Votre poste : le kiosque")).to_be_visible()
    expect(page.get_by_role("link", name="Personnes")).to_have_count(0)
    assert_accessible(page)


def test_beneficiaire_list_and_filters(page, log_in, prescripteur, personnes):
    log_in(prescripteur)
    page.goto("/pro/beneficiaires/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes accompagnées")
    expect(page.get_by_role("row")).to_have_count(1 + 3)
    assert_accessible(page)

    page.get_by_label("Commune").select_option(label="Lormont")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("status")).to_have_text("2 personnes")
    expect(page.get_by_label("Commune")).to_have_value(str(personnes[0].commune_id))
    assert_accessible(page)

    page.get_by_label("Nom, prénom ou téléphone").fill("personne-inconnue")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_text("Aucune personne ne correspond à votre recherche.")).to_be_visible()
    assert_accessible(page)


def test_create_form_with_errors(page, log_in, prescripteur):
    log_in(prescripteur)
    page.goto("/pro/beneficiaires/nouveau/")
    assert_accessible(page)

    page.get_by_role("button", name="Inscrire la personne").click()
    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient")
    expect(summary).to_be_visible()
    prenom = page.get_by_label("Prénom")
    expect(prenom).to_have_attribute("aria-invalid", "true")
    expect(prenom).to_have_accessible_description(re.compile(r"^Erreur : "))
    assert_accessible(page)

    # The summary's links lead to the fields.
    summary.get_by_role("link", name=re.compile("^Prénom")).click()
    expect(prenom).to_be_focused()


def test_create_warns_about_a_possible_duplicate(page, log_in, prescripteur, personnes):
    log_in(prescripteur)
    page.goto("/pro/beneficiaires/nouveau/")
    page.get_by_label("Prénom").fill("Fatma")
    page.get_by_label("Téléphone", exact=False).first.fill("06 00 00 00 12")
    page.get_by_role("button", name="Inscrire la personne").click()

    box = page.get_by_role("region", name="Cette personne est peut-être déjà inscrite")
    expect(box).to_be_visible()
    expect(box.get_by_role("link", name=re.compile("^Fatima Benali"))).to_be_visible()
    assert_accessible(page)

    # Pressing Enter in a field checks again; it does not confirm the duplicate.
    page.get_by_label("Nom", exact=True).fill("Benali")
    page.get_by_label("Nom", exact=True).press("Enter")
    expect(box).to_be_visible()
    assert Beneficiaire.objects.filter(prenom="Fatma").count() == 0

    box.get_by_role("button", name=re.compile("inscrire quand même")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Fatma"))


def test_create_then_detail(page, log_in, prescripteur):
    log_in(prescripteur)
    page.goto("/pro/beneficiaires/nouveau/")
    page.get_by_label("Prénom").fill("Aïcha")
    page.get_by_label("La personne n'a pas de téléphone").check()
    page.get_by_role("button", name="Inscrire la personne").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Aïcha"))
    expect(page.get_by_role("status")).to_contain_text("Aïcha est inscrit(e).")
    assert_accessible(page)


def test_detail_page(page, log_in, prescripteur, personnes):
    log_in(prescripteur)
    page.goto(f"/pro/beneficiaires/{personnes[0].uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fatima Benali")
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/pro/", "/pro/beneficiaires/", "/pro/beneficiaires/nouveau/"])
def test_espace_pro_fits_an_old_phone(phone_page, log_in, prescripteur, personnes, path):
    log_in(prescripteur)
    phone_page.goto(path)
    assert_no_horizontal_overflow(phone_page)
    assert_accessible(phone_page)


def test_update_form(page, log_in, prescripteur, personnes):
    log_in(prescripteur)
    page.goto(f"/pro/beneficiaires/{personnes[1].uuid}/")
    page.get_by_role("link", name="Modifier le dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier le dossier de Jean Dupont")
    expect(page.get_by_label("La personne n'a pas de téléphone")).to_be_checked()
    assert_accessible(page)
