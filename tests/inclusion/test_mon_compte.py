""" "Mon compte": name, password, e-mail address (link to the new one), sign out everywhere."""

import datetime
import html
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import Journal, User
from inclusion.services import comptes
from tests.clock import FROZEN_AT
from tests.inclusion.factories import member

pytestmark = pytest.mark.django_db

ACCUEIL = "/pro/"
MOT_DE_PASSE = "mot-de-passe-test-123"
NOUVEAU = "un mot de passe tout neuf"


@pytest.fixture
def temps():
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def camille():
    return member(
        Role.MEDIATEUR, email="camille@example.org", first_name="Camille", last_name="Martin"
    )


def _signed_in(user):
    client = Client()
    client.force_login(user)
    assert client.get(ACCUEIL).status_code == 200
    return client


def _texte(response):
    return html.unescape(response.content.decode())


def _goes_to_sign_in(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("pro:connexion"))


def _lien(message):
    return re.search(r"http://\S+", message.body).group(0).replace("http://127.0.0.1:8000", "")


# --- Home page -------------------------------------------------------------------------------


def test_anonymous_goes_to_sign_in():
    for name in ("accueil", "nom", "email", "mot_de_passe", "deconnexion_partout"):
        assert _goes_to_sign_in(Client().get(reverse(f"mon_compte:{name}")))


def test_home_shows_the_account(camille, temps, django_assert_max_num_queries):
    client = _signed_in(camille)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("mon_compte:accueil"))
    texte = _texte(page)
    assert "<h1>Mon compte</h1>" in texte
    assert "Camille Martin" in texte and "camille@example.org" in texte
    assert "Médiateur" in texte
    assert "Dernière connexion" in texte
    for name in ("nom", "email", "mot_de_passe", "deconnexion_partout"):
        assert f'href="{reverse(f"mon_compte:{name}")}"' in texte


def test_home_tells_the_second_factor_status(camille, settings):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = _signed_in(camille)
    assert "Pas encore activée" in _texte(client.get(reverse("mon_compte:accueil")))
    settings.INCLUSION_DOUBLE_FACTEUR = "tous"  # required and not set up: set it up first
    assert client.get(reverse("mon_compte:accueil"))["Location"].startswith(
        reverse("double_facteur:activer")
    )
    settings.INCLUSION_DOUBLE_FACTEUR = "aucun"
    TOTPDevice.objects.create(user=camille, name="app", confirmed=True)
    secours = StaticDevice.objects.create(user=camille, name="secours")
    for code in ("abcd-efgh", "ijkl-mnop"):
        secours.token_set.create(token=code)
    texte = _texte(client.get(reverse("mon_compte:accueil")))
    assert "Il vous reste 2 codes de secours" in texte
    assert reverse("double_facteur:gerer") in texte


def test_header_links_to_my_account(camille):
    texte = _texte(_signed_in(camille).get(ACCUEIL))
    assert f'href="{reverse("mon_compte:accueil")}"' in texte


# --- Name ------------------------------------------------------------------------------------


def test_change_name(camille):
    client = _signed_in(camille)
    response = client.post(reverse("mon_compte:nom"), {"prenom": " Camille ", "nom": "Durand"})
    assert response.status_code == 302
    camille.refresh_from_db()
    assert (camille.first_name, camille.last_name) == ("Camille", "Durand")
    ligne = Journal.objects.get(action="compte.profil")
    assert ligne.details == {"champs": ["last_name"]}


def test_name_is_required(camille):
    response = _signed_in(camille).post(reverse("mon_compte:nom"), {"prenom": "", "nom": "X"})
    assert response.status_code == 422
    assert "Indiquez votre prénom." in _texte(response)
    camille.refresh_from_db()
    assert camille.last_name == "Martin"


# --- Password --------------------------------------------------------------------------------


def _changer(client, ancien=MOT_DE_PASSE, nouveau=NOUVEAU, confirmation=None):
    return client.post(
        reverse("mon_compte:mot_de_passe"),
        {"ancien": ancien, "nouveau": nouveau, "confirmation": confirmation or nouveau},
    )


def test_password_change_keeps_this_session_and_ends_the_other(camille):
    ici, ailleurs = _signed_in(camille), _signed_in(camille)
    response = _changer(ici)
    assert response.status_code == 302
    assert ici.get(ACCUEIL).status_code == 200
    assert _goes_to_sign_in(ailleurs.get(ACCUEIL))
    assert Client().login(email="camille@example.org", password=NOUVEAU)
    assert Journal.objects.filter(action="compte.mot_de_passe.change").count() == 1


@pytest.mark.parametrize(
    ("donnees", "erreur"),
    [
        ({"ancien": "pas le bon"}, "Ce n'est pas votre mot de passe actuel."),
        ({"nouveau": "court"}, "trop court"),
        ({"nouveau": "12345678901234"}, "entièrement numérique"),
        ({"confirmation": "autre chose encore"}, "ne sont pas identiques"),
    ],
)
def test_password_change_refusals(camille, donnees, erreur):
    client = _signed_in(camille)
    response = _changer(client, **donnees)
    assert response.status_code == 422
    assert erreur in _texte(response)
    camille.refresh_from_db()
    assert camille.check_password(MOT_DE_PASSE)


def test_too_many_wrong_current_passwords(camille, temps):
    for _ in range(comptes.MAX_MOTS_DE_PASSE_FAUX):
        with pytest.raises(ValidationError) as refus:
            comptes.change_password(user=camille, ancien="faux", nouveau=NOUVEAU)
        assert refus.value.error_dict["ancien"][0].code == "mot_de_passe_incorrect"
    with pytest.raises(ValidationError) as refus:
        comptes.change_password(user=camille, ancien=MOT_DE_PASSE, nouveau=NOUVEAU)
    assert refus.value.error_dict["ancien"][0].code == "trop_d_essais"
    temps.shift(datetime.timedelta(hours=1, minutes=1))
    comptes.change_password(user=camille, ancien=MOT_DE_PASSE, nouveau=NOUVEAU)


# --- Sign out everywhere ---------------------------------------------------------------------


def test_sign_out_everywhere_asks_first(camille):
    page = _signed_in(camille).get(reverse("mon_compte:deconnexion_partout"))
    assert page.status_code == 200
    assert "<h1>Se déconnecter partout</h1>" in _texte(page)
    camille.refresh_from_db()
    assert camille.generation_sessions == 0


def test_sign_out_everywhere_ends_every_session(camille):
    ici, premier, second = _signed_in(camille), _signed_in(camille), _signed_in(camille)
    response = ici.post(reverse("mon_compte:deconnexion_partout"))
    assert _goes_to_sign_in(response)
    page = _texte(ici.get(response["Location"]))
    assert "Votre compte est déconnecté partout" in page
    for client in (ici, premier, second):
        assert _goes_to_sign_in(client.get(ACCUEIL))
    assert Journal.objects.filter(action="compte.deconnexion_partout").count() == 1
    # The account still works: signing in again opens a new session.
    assert Client().login(email="camille@example.org", password=MOT_DE_PASSE)


# --- E-mail address --------------------------------------------------------------------------


def _demander(client, captured, nouvelle="camille.m@ville.example", password=MOT_DE_PASSE):
    with captured(execute=True):
        return client.post(
            reverse("mon_compte:email"), {"nouvelle": nouvelle, "password": password}
        )


def test_email_change_full_path(camille, temps, django_capture_on_commit_callbacks):
    ici = _signed_in(camille)
    response = _demander(
        ici, django_capture_on_commit_callbacks, nouvelle="Camille.M@Ville.example"
    )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["camille.m@ville.example"], ["camille@example.org"]]
    confirmation, information = mail.outbox
    assert "Confirmer votre nouvelle adresse" in confirmation.subject
    assert "24 heures" in confirmation.body
    lien = _lien(confirmation)
    assert "http" not in information.body.replace("http://127.0.0.1:8000", "")  # no link
    assert lien.split("/")[-2] not in information.body
    camille.refresh_from_db()
    assert camille.email == "camille@example.org"  # nothing changes before the link

    # Opened in another browser, not signed in: a button, then the change.
    autre = Client()
    page = autre.get(lien)
    assert page.status_code == 200
    assert "camille.m@ville.example" in _texte(page)
    with django_capture_on_commit_callbacks(execute=True):
        fait = autre.post(lien)
    assert fait.status_code == 200
    assert "Adresse e-mail changée" in _texte(fait)
    camille.refresh_from_db()
    assert camille.email == "camille.m@ville.example"
    assert mail.outbox[-1].to == ["camille@example.org"]
    assert "a changé" in mail.outbox[-1].subject
    assert Client().login(email="camille.m@ville.example", password=MOT_DE_PASSE)
    assert ici.get(ACCUEIL).status_code == 200  # the session stays open

    # Used: the link is dead.
    assert autre.get(lien).status_code == 404
    assert autre.post(lien).status_code == 404
    camille.refresh_from_db()
    assert camille.email == "camille.m@ville.example"


def test_link_expires(camille, temps, settings, django_capture_on_commit_callbacks):
    settings.INCLUSION_CHANGEMENT_EMAIL_HEURES = 2
    _demander(_signed_in(camille), django_capture_on_commit_callbacks)
    lien = _lien(mail.outbox[0])
    assert "2 heures" in mail.outbox[0].body
    temps.shift(datetime.timedelta(hours=1, minutes=59))
    assert Client().get(lien).status_code == 200
    temps.shift(datetime.timedelta(minutes=2))
    page = Client().post(lien)
    assert page.status_code == 404
    assert "trop ancien" in _texte(page)
    camille.refresh_from_db()
    assert camille.email == "camille@example.org"


def test_altered_link_is_refused(camille, temps, django_capture_on_commit_callbacks):
    _demander(_signed_in(camille), django_capture_on_commit_callbacks)
    lien = _lien(mail.outbox[0])
    assert Client().post(lien.replace("/confirmer/", "/confirmer/x")).status_code == 404


@pytest.mark.parametrize(
    ("donnees", "code", "erreur"),
    [
        (
            {"nouvelle": "pris@example.org"},
            "adresse_prise",
            "Cette adresse ne peut pas être utilisée.",
        ),
        ({"nouvelle": "CAMILLE@example.org"}, "meme_adresse", "déjà l'adresse de votre compte"),
        ({"password": "faux"}, "mot_de_passe_incorrect", "pas votre mot de passe actuel"),
        ({"nouvelle": "pas une adresse"}, None, "n'est pas valide"),
    ],
)
def test_email_change_refusals(camille, temps, donnees, code, erreur):
    member(Role.MEDIATEUR, email="pris@example.org")
    client = _signed_in(camille)
    response = client.post(
        reverse("mon_compte:email"),
        {"nouvelle": "camille.m@ville.example", "password": MOT_DE_PASSE, **donnees},
    )
    assert response.status_code == 422
    assert erreur in _texte(response)
    assert mail.outbox == []
    if code:
        form = response.context["form"]
        assert code in [e.code for errors in form.errors.as_data().values() for e in errors]


def test_address_taken_between_request_and_link(camille, temps, django_capture_on_commit_callbacks):
    _demander(_signed_in(camille), django_capture_on_commit_callbacks)
    lien = _lien(mail.outbox[0])
    member(Role.MEDIATEUR, email="camille.m@ville.example")
    response = Client().post(lien)
    assert response.status_code == 409
    assert "Cette adresse ne peut pas être utilisée." in _texte(response)
    camille.refresh_from_db()
    assert camille.email == "camille@example.org"


def test_link_of_a_deactivated_account_is_dead(camille, temps, django_capture_on_commit_callbacks):
    _demander(_signed_in(camille), django_capture_on_commit_callbacks)
    lien = _lien(mail.outbox[0])
    User.objects.filter(pk=camille.pk).update(is_active=False)
    assert Client().post(lien).status_code == 404


def test_too_many_requests(camille, temps, django_capture_on_commit_callbacks):
    client = _signed_in(camille)
    for i in range(comptes.MAX_DEMANDES_EMAIL):
        assert (
            _demander(client, django_capture_on_commit_callbacks, f"n{i}@ville.example").status_code
            == 302
        )
    response = _demander(client, django_capture_on_commit_callbacks, "encore@ville.example")
    assert response.status_code == 422
    assert "Trop de demandes" in _texte(response)


def test_the_journal_holds_no_address(camille, temps, django_capture_on_commit_callbacks):
    client = _signed_in(camille)
    _demander(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(_lien(mail.outbox[0]))
    _changer(client)
    client.post(reverse("mon_compte:nom"), {"prenom": "Camille", "nom": "Durand"})
    client.post(reverse("mon_compte:deconnexion_partout"))
    actions = set(Journal.objects.values_list("action", flat=True))
    assert {
        "compte.email.demande",
        "compte.email.change",
        "compte.mot_de_passe.change",
        "compte.profil",
        "compte.deconnexion_partout",
    } <= actions
    for details in Journal.objects.values_list("details", flat=True):
        texte = str(details)
        assert "@" not in texte and "Durand" not in texte and "http" not in texte
