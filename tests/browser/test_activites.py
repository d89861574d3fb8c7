"""Activity records (issue 15), as a médiateur lives them on a small phone: an individual
accompaniment entered with the keyboard only, "Mes activités", the record's page, and a
workshop's record offered once its émargement is closed. axe on every screen; screenshots to
/work/helpers/shots/a_*.png when ACTIVITES_SCREENSHOTS is set (to look at them)."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ateliers.services import attendance
from inclusion.enums import Genre, Statut, TrancheAge
from mediation.models import Activite
from mediation.vocabulaire import Thematique, TypeActivite
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.browser.helpers import (
    PHONE,
    check_page,
    log_in_with_form,
    press,
)
from tests.inclusion.factories import BeneficiaireFactory
from tests.mediation.factories_activites import setup_activites

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ACTIVITES_SCREENSHOTS")


def check(page, name):
    check_page(page, f"a_{name}", SHOTS)


@pytest.fixture
def ctx():
    ctx = setup_activites()
    personne = ctx["personne"]
    personne.prenom, personne.nom = "Mireille", "Fontaine"
    personne.save()
    return ctx


def test_individual_record_on_a_phone_with_the_keyboard(page, live_server, ctx):
    page.set_viewport_size(PHONE)
    log_in_with_form(page, ctx["mediateur"].email)
    page.goto("/pro/activites/nouvelle/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enregistrer un accompagnement")
    check(page, "nouvelle-vide")

    # Find the person among the files: type, Enter, then Enter on the result.
    page.get_by_label("Chercher la personne parmi vos dossiers").focus()
    page.keyboard.type("mireille")
    page.keyboard.press("Enter")
    resultat = page.get_by_role("link", name="Mireille Fontaine")
    press(page, resultat, "Enter")
    expect(page.get_by_text("Mireille Fontaine", exact=True)).to_be_visible()
    expect(page.get_by_role("group", name="Personne anonyme")).to_have_count(0)

    # Thématiques as tiles, a quick duration, the canal: all from the keyboard.
    press(page, page.get_by_role("checkbox", name="E-mail"))
    press(page, page.get_by_role("checkbox", name="Social, santé"))
    press(page, page.get_by_role("radio", name="45 min"))
    expect(page.get_by_role("radio", name="Dans un lieu d'activité")).to_be_checked()
    press(page, page.get_by_role("checkbox", name="Téléphone"))
    press(page, page.get_by_role("radio", name="Partiellement autonome"))
    # The structure of redirection shows once "réorientée" is checked (no script).
    redirection = page.get_by_label("Vers quelle structure")
    expect(redirection).to_be_hidden()
    press(page, page.get_by_label("La personne est réorientée"))
    expect(redirection).to_be_visible()
    redirection.focus()
    redirection.select_option("aide_sociale")
    page.get_by_label("Notes privées").focus()
    page.keyboard.type("Revoir jeudi pour la CAF.")
    check(page, "nouvelle-remplie")
    press(page, page.get_by_role("button", name="Enregistrer l'accompagnement"), "Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Accompagnement individuel du")
    expect(page.get_by_text("L'accompagnement est enregistré.")).to_be_visible()
    check(page, "detail")
    activite = Activite.objects.get()
    assert activite.thematiques == [Thematique.EMAIL, Thematique.SOCIAL_SANTE]
    assert activite.duree_minutes == 45
    assert activite.reoriente and activite.structure_redirection == "aide_sociale"
    assert activite.participants.get().beneficiaire == ctx["personne"]

    # Next time, the form remembers: "comme la dernière fois".
    page.goto("/pro/activites/nouvelle/")
    expect(page.get_by_text("Comme la dernière fois")).to_be_visible()
    expect(page.get_by_role("checkbox", name="E-mail")).to_be_checked()
    expect(page.get_by_role("radio", name="45 min")).to_be_checked()

    # An error keeps what was typed and says it next to the field.
    press(page, page.get_by_role("checkbox", name="E-mail"))
    press(page, page.get_by_role("checkbox", name="Social, santé"))
    press(page, page.get_by_role("button", name="Enregistrer l'accompagnement"), "Enter")
    expect(page.get_by_text("Choisissez au moins une thématique.").first).to_be_visible()
    expect(page.get_by_role("radio", name="45 min")).to_be_checked()
    check(page, "nouvelle-erreur")

    page.goto("/pro/activites/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes activités")
    expect(page.get_by_role("link", name="Mireille Fontaine")).to_be_visible()
    check(page, "liste")

    # Edit, then the deletion's confirmation says what a tombstone is.
    press(page, page.get_by_role("link", name="Mireille Fontaine"), "Enter")
    press(page, page.get_by_role("link", name="Modifier"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier l'accompagnement")
    expect(page.get_by_label("Notes privées")).to_have_value("Revoir jeudi pour la CAF.")
    check(page, "modifier")
    press(page, page.get_by_role("radio", name="60 min"))
    press(page, page.get_by_role("button", name="Enregistrer les modifications"), "Enter")
    expect(page.get_by_text("Les modifications sont enregistrées.")).to_be_visible()
    press(page, page.get_by_role("link", name="Supprimer"), "Enter")
    expect(page.get_by_text("Une trace sans nom reste")).to_be_visible()
    check(page, "supprimer")
    press(page, page.get_by_role("button", name="Oui, supprimer"), "Enter")
    expect(page.get_by_text("L'activité est supprimée.")).to_be_visible()
    assert Activite.objects.get().supprime_le is not None


def test_workshop_record_from_the_closed_emargement(page, live_server, ctx):
    now = timezone.now()
    theme = ThemeFactory(
        titre="Prendre en main sa tablette",
        thematiques=[Thematique.PRENDRE_EN_MAIN_DU_MATERIEL],
        niveau="debutant",
    )
    session = SessionFactory(
        theme=theme,
        lieu=ctx["lieu"],
        debut=now - datetime.timedelta(hours=2),
        fin=now - datetime.timedelta(minutes=30),
    )
    for prenom in ("Josiane", "Karim"):
        attendance.add_walk_in(
            acteur=ctx["mediateur"],
            session=session,
            beneficiaire=BeneficiaireFactory(structure=ctx["structure"], prenom=prenom),
        )
    attendance.close_session(acteur=ctx["mediateur"], session=session)

    page.set_viewport_size(PHONE)
    log_in_with_form(page, ctx["mediateur"].email)
    page.goto(f"/pro/ateliers/emargement/session/{session.pk}/")
    check(page, "emargement-cloture")
    press(page, page.get_by_role("link", name="Enregistrer le compte rendu de l'atelier"), "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compte rendu de l'atelier")
    expect(page.get_by_text("Josiane")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Prendre en main du matériel")).to_be_checked()
    check(page, "atelier")
    ligne = page.get_by_role("group", name="Ligne 1")
    ligne.get_by_label("Nombre de personnes (ligne 1)").fill("2")
    ligne.get_by_label("Genre (ligne 1)").select_option(Genre.FEMININ)
    ligne.get_by_label("Tranche d'âge (ligne 1)").select_option(TrancheAge.PLUS_70)
    ligne.get_by_label("Statut (ligne 1)").select_option(Statut.RETRAITE)
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.get_by_text("Le compte rendu de l'atelier est enregistré.")).to_be_visible()
    check(page, "atelier-detail")
    activite = Activite.objects.get()
    assert activite.type == TypeActivite.COLLECTIF
    assert activite.participants.count() == 4
