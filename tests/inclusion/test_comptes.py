"""Forgotten password: request, one-hour single-use link, new password, sessions ended."""

import datetime
import logging
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import Journal, OutgoingEmail, StatutEmail
from inclusion.services import comptes
from tests.inclusion.factories import member

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DEBUT = datetime.datetime(2026, 11, 17, 10, 0, tzinfo=PARIS)
OUBLIE = "/pro/compte/mot-de-passe-oublie/"
NOUVEAU = "un mot de passe tout neuf"


@pytest.fixture
def temps():
    with time_machine.travel(DEBUT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def camille():
    return member(Role.PRESCRIPTEUR, email="camille@example.org", first_name="Camille")


def demander(client, email, captured, ip="203.0.113.7"):
    with captured(execute=True):
        return client.post(OUBLIE, {"email": email}, REMOTE_ADDR=ip)


def lien_du_mail(message):
    return re.search(r"http://\S+", message.body).group(0).replace("http://127.0.0.1:8000", "")


def ouvrir(client, lien):
    """Open the e-mail's link: Django moves the token into the session, then the form."""
    response = client.get(lien)
    if response.status_code == 302:
        response = client.get(response["Location"])
    return response


def choisir(client, lien, mot_de_passe=NOUVEAU, confirmation=None):
    formulaire = ouvrir(client, lien)
    assert formulaire.status_code == 200
    return client.post(
        formulaire.request["PATH_INFO"],
        {"new_password1": mot_de_passe, "new_password2": confirmation or mot_de_passe},
    )


def test_sign_in_page_links_to_forgotten_password():
    page = Client().get(reverse("pro:connexion")).content.decode()
    assert f'href="{OUBLIE}"' in page
    assert "Mot de passe oublié" in page


def test_admin_sign_in_goes_to_the_same_page_with_the_link():
    """Wagtail's own reset stays off; /admin/ sends people to the espace pro sign-in."""
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pro:connexion"))
    assert f'href="{OUBLIE}"' in Client().get(response["Location"]).content.decode()


def test_form_is_french_and_accessible():
    page = Client().get(OUBLIE).content.decode()
    assert "<h1>Mot de passe oublié</h1>" in page
    assert 'autocomplete="email"' in page
    assert '<label for="id_email">Adresse e-mail' in page


def test_same_answer_for_known_and_unknown_address(
    camille, temps, django_capture_on_commit_callbacks
):
    connu = demander(Client(), "camille@example.org", django_capture_on_commit_callbacks)
    inconnu = demander(Client(), "personne@example.org", django_capture_on_commit_callbacks)
    assert connu.status_code == inconnu.status_code == 302
    assert connu["Location"] == inconnu["Location"] == reverse("comptes:demande_envoyee")
    page_connu = Client().get(connu["Location"]).content.decode()
    assert "Si un compte correspond à cette adresse" in page_connu
    assert "05 00 00 00 00" in page_connu  # what to do when nothing arrives
    # Only the real account gets an e-mail.
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]


def test_the_request_does_the_same_work_either_way(
    camille, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The account is looked up by the task, never in the request: same queries, one task."""
    enqueued = []

    class FakeTask:
        enqueue = staticmethod(enqueued.append)

    monkeypatch.setattr(comptes, "send_password_reset_email", FakeTask)
    for email in ("camille@example.org", "personne@example.org"):
        with django_assert_num_queries(0):
            with django_capture_on_commit_callbacks(execute=True):
                demande = comptes.request_password_reset(email=email, ip="203.0.113.7")
        assert demande.accepted
    assert enqueued == ["camille@example.org", "personne@example.org"]


def test_inactive_and_unusable_accounts_get_nothing(django_capture_on_commit_callbacks):
    member(Role.MEDIATEUR, email="parti@example.org", is_active=False)
    sans = member(Role.MEDIATEUR, email="sans@example.org")
    sans.set_unusable_password()
    sans.save()
    for email in ("parti@example.org", "sans@example.org"):
        assert demander(Client(), email, django_capture_on_commit_callbacks).status_code == 302
    assert mail.outbox == []


def test_volunteer_kiosk_account_gets_a_link(django_capture_on_commit_callbacks):
    member(Role.VOLONTAIRE, email="volontaire@example.org")
    demander(Client(), "volontaire@example.org", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


@override_settings(INCLUSION_REINITIALISATION_PAR_ADRESSE=3)
def test_rate_limited_per_address(camille, temps, django_capture_on_commit_callbacks):
    for i in range(3):
        reponse = demander(
            Client(),
            "Camille@Example.org ",
            django_capture_on_commit_callbacks,
            ip=f"203.0.113.{i}",
        )
        assert reponse.status_code == 302
    refus = demander(
        Client(), "camille@example.org", django_capture_on_commit_callbacks, ip="203.0.113.99"
    )
    assert refus.status_code == 429
    page = refus.content.decode()
    assert "Trop de demandes pour cette adresse" in page
    assert "05 00 00 00 00" in page
    assert 'role="alert"' in page
    assert len(mail.outbox) == 3
    # The window is one hour.
    temps.shift(datetime.timedelta(hours=1, seconds=1))
    assert (
        demander(Client(), "camille@example.org", django_capture_on_commit_callbacks).status_code
        == 302
    )


@override_settings(INCLUSION_REINITIALISATION_PAR_IP=10)
def test_rate_limited_per_client_address(temps, django_capture_on_commit_callbacks):
    for i in range(10):
        assert (
            demander(Client(), f"p{i}@example.org", django_capture_on_commit_callbacks).status_code
            == 302
        )
    refus = demander(Client(), "autre@example.org", django_capture_on_commit_callbacks)
    assert refus.status_code == 429
    assert "Trop de demandes depuis cet appareil" in refus.content.decode()
    # Another client is not blocked.
    assert (
        demander(
            Client(), "autre@example.org", django_capture_on_commit_callbacks, ip="198.51.100.1"
        ).status_code
        == 302
    )


def test_bad_address_is_refused_next_to_the_field():
    response = Client().post(OUBLIE, {"email": "pas-une-adresse"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Cette adresse e-mail n&#x27;est pas valide" in page
    assert 'aria-invalid="true"' in page


def test_link_works_then_new_password_signs_in(camille, temps, django_capture_on_commit_callbacks):
    demander(Client(), "camille@example.org", django_capture_on_commit_callbacks)
    navigateur = Client()
    reponse = choisir(navigateur, lien_du_mail(mail.outbox[0]))
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("comptes:mot_de_passe_change")
    page = navigateur.get(reponse["Location"]).content.decode()
    assert "Mot de passe changé" in page
    assert Client().login(username="camille@example.org", password=NOUVEAU)
    assert not Client().login(username="camille@example.org", password="mot-de-passe-test-123")


def test_link_expires_after_one_hour(camille, temps, django_capture_on_commit_callbacks):
    demander(Client(), "camille@example.org", django_capture_on_commit_callbacks)
    lien = lien_du_mail(mail.outbox[0])
    temps.shift(datetime.timedelta(minutes=59))
    assert ouvrir(Client(), lien).context["validlink"]
    temps.shift(datetime.timedelta(minutes=1, seconds=1))
    page = ouvrir(Client(), lien)
    assert not page.context["validlink"]
    assert "Ce lien ne marche plus" in page.content.decode()


def test_used_link_is_refused(camille, temps, django_capture_on_commit_callbacks):
    demander(Client(), "camille@example.org", django_capture_on_commit_callbacks)
    lien = lien_du_mail(mail.outbox[0])
    assert choisir(Client(), lien).status_code == 302
    page = ouvrir(Client(), lien)
    assert not page.context["validlink"]
    assert "Ce lien ne marche plus" in page.content.decode()


def test_link_of_an_account_deactivated_since_is_refused(
    camille, temps, django_capture_on_commit_callbacks
):
    demander(Client(), "camille@example.org", django_capture_on_commit_callbacks)
    camille.is_active = False
    camille.save()
    assert not ouvrir(Client(), lien_du_mail(mail.outbox[0])).context["validlink"]


@pytest.mark.parametrize(
    ("mot_de_passe", "confirmation", "erreur"),
    [
        ("court", None, "Ce mot de passe est trop court"),
        ("123456789012345", None, "Ce mot de passe est entièrement numérique"),
        ("qwerty123456", None, "Ce mot de passe est trop courant"),
        (NOUVEAU, "un autre mot de passe", "Les deux mots de passe ne sont pas identiques"),
    ],
)
def test_project_password_validators(
    camille, temps, django_capture_on_commit_callbacks, mot_de_passe, confirmation, erreur
):
    demander(Client(), "camille@example.org", django_capture_on_commit_callbacks)
    reponse = choisir(Client(), lien_du_mail(mail.outbox[0]), mot_de_passe, confirmation)
    assert reponse.status_code == 422
    page = reponse.content.decode()
    assert erreur in page
    assert 'role="alert"' in page
    assert 'autocomplete="new-password"' in page
    camille.refresh_from_db()
    assert camille.check_password("mot-de-passe-test-123")


def test_every_session_of_the_account_ends(camille, temps, django_capture_on_commit_callbacks):
    bureau, telephone = Client(), Client()
    bureau.force_login(camille)
    telephone.force_login(camille)
    accueil = reverse("pro:accueil")
    assert bureau.get(accueil).status_code == telephone.get(accueil).status_code == 200
    demander(Client(), "camille@example.org", django_capture_on_commit_callbacks)
    choisir(Client(), lien_du_mail(mail.outbox[0]))
    for client in (bureau, telephone):
        response = client.get(accueil)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("pro:connexion"))


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_sessions_read_through_the_cache_end_too(
    camille, temps, django_capture_on_commit_callbacks
):
    """Production with Redis reads sessions through the cache: the hash check still applies."""
    bureau = Client()
    bureau.force_login(camille)
    assert bureau.get(reverse("pro:accueil")).status_code == 200
    comptes.set_new_password(user=camille, password=NOUVEAU)
    assert bureau.get(reverse("pro:accueil")).status_code == 302


def test_journal_has_the_events_never_the_token(
    camille, temps, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    demander(Client(), "camille@example.org", django_capture_on_commit_callbacks)
    lien = lien_du_mail(mail.outbox[0])
    choisir(Client(), lien)
    lignes = list(Journal.objects.filter(objet_id=str(camille.pk)).order_by("pk"))
    assert [ligne.action for ligne in lignes] == [
        "compte.mot_de_passe.demande",
        "compte.mot_de_passe.reinitialise",
    ]
    secret = lien.rstrip("/").split("/")[-1]
    for ligne in lignes:
        assert secret not in str(ligne.details)
        assert "camille@example.org" not in str(ligne.details)
    # Nor in the logs, nor in the outbox once sent.
    assert secret not in caplog.text
    assert "camille@example.org" not in caplog.text
    envoi = OutgoingEmail.objects.get()
    assert envoi.statut == StatutEmail.ENVOYE
    assert secret not in envoi.texte and secret not in envoi.html
    assert "•••" in envoi.texte


def test_email_is_french_text_and_html_with_the_habillage(
    camille, temps, django_capture_on_commit_callbacks
):
    demander(Client(), "camille@example.org", django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.subject == "Choisir un nouveau mot de passe – Inclusion numérique"
    assert "Bonjour Camille," in message.body
    assert "pendant une heure" in message.body
    assert "Appelez le 05 00 00 00 00" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert "<title>Choisir un nouveau mot de passe – Inclusion numérique</title>" in html
    assert ">Choisir mon nouveau mot de passe sur Inclusion numérique</a>" in html
    assert "Appelez le 05 00 00 00 00" in html
