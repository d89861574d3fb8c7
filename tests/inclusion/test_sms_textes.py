"""Coordinators reword the SMS texts (inclusion/sms/textes.py, "Textes des SMS" admin)."""

import datetime

import pytest
from django.utils import timezone

from ateliers.services import notifications, rappels
from inclusion.enums import Role
from inclusion.models import TexteSms
from inclusion.services.territoire import sync_groups
from inclusion.sms import gsm
from inclusion.sms.textes import render, validate
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import LieuFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

URL = "/admin/textes-sms/"


@pytest.fixture
def coord_client(client):
    user = member(Role.COORDINATEUR)
    sync_groups(user)
    client.force_login(user)
    return client


def test_texte_valide():
    assert validate("atelier_inscription", "Inscrit : {titre} {quand}, {lieu}. Aide : {aide}") == []
    assert validate("rappel_matin", "Rappel : {titre} {quand}, {lieu}. Répondez ANNULER.") == []
    assert validate("pass_lien", "Votre pass : {lien}") == []


def test_variable_inconnue_refusee():
    erreurs = validate("atelier_inscription", "{titre} {quand}, {lieu} {prenom}")
    assert erreurs == [
        "Variable inconnue : {prenom}. Variables possibles : {titre}, {quand}, {lieu}, {aide}."
    ]
    # {rang} exists only for the waiting list, {lien} only for the pass.
    assert validate("atelier_attente", "{titre} {quand} {lieu} {rang}") == []
    assert validate("atelier_inscription", "{titre} {quand} {lieu} {rang}")
    assert validate("atelier_inscription", "{titre} {quand} {lieu} {titre.upper}")


def test_variable_obligatoire_manquante():
    erreurs = validate("atelier_changement", "Changement : {titre} {quand}.")
    assert erreurs == ["Il manque la variable {lieu} : le message doit les citer."]
    assert "Il manque les variables {quand}, {lieu}" in validate("atelier_annulation", "{titre}")[0]


def test_rappel_doit_dire_comment_annuler():
    erreurs = validate("rappel_48h", "Rappel : {titre} {quand}, {lieu}.")
    assert erreurs == [
        "Un rappel doit dire comment annuler : écrivez « répondez ANNULER » "
        "ou donnez le numéro d'aide avec {aide}."
    ]
    assert validate("rappel_48h", "Rappel : {titre} {quand}, {lieu}. Aide : {aide}") == []


def test_accolade_mal_fermee():
    assert "accolade" in validate("atelier_inscription", "{titre {quand} {lieu}")[0]


def test_render_sans_texte_renvoie_le_defaut():
    assert render("atelier_inscription", "Défaut {titre}", titre="T", lieu="L") == "Défaut T"


def test_render_texte_actif_puis_inactif():
    texte = TexteSms.objects.create(cle="atelier_inscription", corps="Bienvenue {titre} à {lieu}")
    assert render("atelier_inscription", "Défaut {titre}", titre="T", lieu="L") == "Bienvenue T à L"
    texte.actif = False
    texte.save()
    assert render("atelier_inscription", "Défaut {titre}", titre="T", lieu="L") == "Défaut T"


@pytest.mark.parametrize(
    "corps", ["Bonjour {inconnue}", "Bonjour {titre", "Bonjour {}", "{titre.__class__}"]
)
def test_render_texte_inutilisable_renvoie_le_defaut(corps):
    # Saved around the form (an older rule, a direct edit): the send must not fail.
    TexteSms.objects.create(cle="rappel_48h", corps=corps)
    assert render("rappel_48h", "Défaut {titre}", titre="T") == "Défaut T"


def _session(titre="Envoyer des photos par message", lieu="Espace numérique de la Bastide-Ouest"):
    assert len(titre) <= 30 and len(lieu) <= 40
    # The longest French date: "le mercredi 30 septembre à 14 h 30".
    debut = timezone.make_aware(datetime.datetime(2026, 9, 30, 14, 30))
    return SessionFactory(
        theme=ThemeFactory(titre_falc=titre), lieu=LieuFactory(nom=lieu, qualifie=True), debut=debut
    )


@pytest.mark.parametrize("kind", sorted(notifications.TEXTS))
def test_chaque_texte_d_atelier_tient_dans_un_sms(kind, settings):
    settings.HELP_PHONE = "05 55 12 34 56"
    session = _session()
    inscription = session.inscriptions.model(session=session)
    texte = notifications.text_for(inscription, kind, rang=12)
    assert session.theme.titre_falc in texte and session.lieu.nom in texte
    assert gsm.describe(texte)[0] == gsm.GSM7
    assert gsm.describe(texte)[2] == 1, (len(texte), texte)


def test_rappel_tient_dans_un_sms_et_suit_le_texte_du_coordinateur():
    session = _session()
    inscription = session.inscriptions.model(session=session)
    texte = rappels.texte(inscription)
    assert gsm.describe(texte)[::2] == (gsm.GSM7, 1)
    assert "ANNULER" in texte
    TexteSms.objects.create(cle="rappel_matin", corps="Ce matin : {titre} {quand}, {lieu}. {aide}")
    assert rappels.texte(inscription, "rappel_matin").startswith("Ce matin : Envoyer des photos")
    assert rappels.texte(inscription, "rappel_48h") == texte


def test_text_for_suit_le_texte_du_coordinateur():
    TexteSms.objects.create(
        cle="atelier_attente", corps="Attente n°{rang} : {titre} {quand} {lieu}"
    )
    session = _session()
    inscription = session.inscriptions.model(session=session)
    assert notifications.text_for(inscription, "attente", rang=3).startswith("Attente n°3 : ")
    assert notifications.text_for(inscription, "inscription").startswith("Inscription confirmée")


def test_liste_et_aide_des_variables(coord_client):
    TexteSms.objects.create(cle="pass_lien", corps="Votre pass : {lien}")
    assert coord_client.get(URL).status_code == 200
    html = coord_client.get(f"{URL}new/").content.decode()
    assert "Variables possibles" in html and "{rang}" in html and "{lien}" in html
    assert "Prévisualiser" in html


def test_previsualiser_sans_enregistrer(coord_client):
    data = {
        "cle": "rappel_48h",
        "corps": "Rappel : {titre} {quand}, {lieu}. Répondez ANNULER.",
        "actif": "on",
        "previsualiser": "1",
    }
    response = coord_client.post(f"{URL}new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rappel : Utiliser son téléphone le mardi 3 décembre à 14 h" in html
    assert "GSM-7" in html and "1 SMS" in html
    assert not TexteSms.objects.exists()


def test_previsualiser_ucs2_et_plusieurs_sms(coord_client):
    corps = "Rappel 📱 : {titre} {quand}, {lieu}. Répondez ANNULER. " + "Merci ! " * 10
    response = coord_client.post(
        f"{URL}new/", {"cle": "rappel_48h", "corps": corps, "actif": "on", "previsualiser": "1"}
    )
    html = response.content.decode()
    segments = gsm.describe(corps)[2]
    assert segments > 1
    assert "UCS-2" in html and "plusieurs SMS" in html and "<strong>3 SMS</strong>" in html


def test_enregistrer_puis_apercu_sur_la_page_de_modification(coord_client):
    corps = "Inscription : {titre} {quand}, {lieu}. Aide : {aide}"
    response = coord_client.post(
        f"{URL}new/", {"cle": "atelier_inscription", "corps": corps, "actif": "on"}
    )
    assert response.status_code == 302
    texte = TexteSms.objects.get()
    html = coord_client.get(f"{URL}edit/{texte.pk}/").content.decode()
    assert "Inscription : Utiliser son téléphone" in html and "GSM-7" in html


def test_formulaire_refuse_avec_erreurs_en_francais(coord_client):
    response = coord_client.post(
        f"{URL}new/", {"cle": "rappel_48h", "corps": "Rappel {titre} {prenom}", "actif": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'").replace("&laquo;", "«")
    assert "Variable inconnue : {prenom}" in html
    assert "Il manque les variables {quand}, {lieu}" in html
    assert "Un rappel doit dire comment annuler" in html
    assert not TexteSms.objects.exists()


def test_prescripteur_et_mediateur_refuses(client):
    TexteSms.objects.create(cle="pass_lien", corps="Votre pass : {lien}")
    texte = TexteSms.objects.get()
    for role in (Role.PRESCRIPTEUR, Role.MEDIATEUR):
        user = member(role)
        sync_groups(user)
        client.force_login(user)
        for url in (URL, f"{URL}new/", f"{URL}edit/{texte.pk}/"):
            assert client.get(url).status_code in (302, 403)
        response = client.post(f"{URL}edit/{texte.pk}/", {"cle": "pass_lien", "corps": "{lien} !"})
        assert response.status_code in (302, 403)
    texte.refresh_from_db()
    assert texte.corps == "Votre pass : {lien}"
