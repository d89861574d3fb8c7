"""The e-mail service: configuration from EMAIL_URL, habillage, outbox, sweep command."""

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from inclusion import registry
from inclusion.emails.service import render_email, send_email
from inclusion.models import OutgoingEmail, StatutEmail
from inclusion.settings import email_url_settings

pytestmark = pytest.mark.usefixtures("frozen")


def test_email_url_with_starttls_and_encoded_password():
    reglages = email_url_settings("smtp+tls://envoi%40ville.fr:p%40ss%3Aw0rd@smtp.ville.fr:587")
    assert reglages == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.ville.fr",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "envoi@ville.fr",
        "EMAIL_HOST_PASSWORD": "p@ss:w0rd",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_email_url_other_forms():
    assert email_url_settings("smtps://relais.local")["EMAIL_PORT"] == 465
    assert email_url_settings("smtps://relais.local")["EMAIL_USE_SSL"] is True
    assert email_url_settings("smtp://relais.local")["EMAIL_PORT"] == 25
    assert email_url_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured):
        email_url_settings("http://relais.local")


@pytest.fixture
def bellerive(monkeypatch):
    """The collectivité's look, as the cms registers it."""
    monkeypatch.setattr(
        registry,
        "_habillage_provider",
        lambda request=None: registry.Habillage(
            nom="Ville de Bellerive", telephone_aide="05 11 22 33 44", logo_url="/media/logo.png"
        ),
    )


def test_every_email_wears_the_habillage(bellerive):
    sujet, texte, html = render_email("reinitialisation", {"lien": "http://x/y/", "prenom": ""})
    assert sujet == "Choisir un nouveau mot de passe – Ville de Bellerive"
    assert texte.startswith("Ville de Bellerive\n")
    assert "Bonjour," in texte
    assert "Appelez le 05 11 22 33 44." in texte
    assert '<img src="http://127.0.0.1:8000/media/logo.png" alt="Ville de Bellerive"' in html
    assert "Appelez le 05 11 22 33 44." in html
    assert "<title>Choisir un nouveau mot de passe – Ville de Bellerive</title>" in html


@pytest.mark.django_db
def test_send_email_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        envoi = send_email(
            to="a@example.org", template="reinitialisation", context={"lien": "http://x/"},
            kind="essai",
        )  # fmt: skip
    assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    envoi.refresh_from_db()
    assert envoi.statut == StatutEmail.ENVOYE


@pytest.mark.django_db
def test_sweep_command_sends_what_is_due():
    envoi = send_email(
        to="a@example.org",
        template="reinitialisation",
        context={"lien": "http://x/"},
        kind="essai",
    )  # fmt: skip  (no commit in this test: the task never ran)
    assert mail.outbox == []
    call_command("send_due_emails")
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.get(pk=envoi.pk).statut == StatutEmail.ENVOYE


class RefusingBackend:
    """An e-mail backend whose server answers "451 try again later"."""

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPDataError(451, "try again later")


@pytest.mark.django_db
def test_worker_comes_back_when_the_retry_is_due():
    """With the database task backend, a failed send asks the worker to come back at the
    row's next try (run_after), so retries need no sweep."""
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from inclusion.emails import tasks

    envoi = send_email(
        to="a@example.org", template="reinitialisation", context={"lien": "http://x/"},
        kind="essai",
    )  # fmt: skip
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        EMAIL_BACKEND="tests.inclusion.test_emails.RefusingBackend",
    ):
        tasks.deliver_email.call(envoi.pk)
        envoi.refresh_from_db()
        assert envoi.statut == StatutEmail.A_ENVOYER and envoi.erreur_code == "refus"
        [retry] = DBTaskResult.objects.all()
        assert retry.run_after == envoi.pas_avant
        assert retry.args_kwargs == {"args": [envoi.pk], "kwargs": {}}
