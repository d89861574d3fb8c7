"""A real SMTP conversation (aiosmtpd, started by the test): a message with its two parts, a
server that refuses (5xx) and a server that hangs are retried by the worker, nothing is lost."""

import datetime
import email
import email.policy
import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from inclusion.emails import delivery
from inclusion.emails.service import send_email
from inclusion.models import OutgoingEmail, StatutEmail
from inclusion.services import comptes
from tests.inclusion.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


class Boite:
    """aiosmtpd handler: keeps what it accepts, or answers `refus` to every DATA."""

    def __init__(self):
        self.recus = []
        self.refus = ""

    async def handle_DATA(self, server, session, envelope):
        if self.refus:
            return self.refus
        self.recus.append(envelope)
        return "250 Message accepted for delivery"


def _port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serveur():
    boite = Boite()
    controller = Controller(boite, hostname="127.0.0.1", port=_port_libre())
    controller.start()
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": controller.port,
        "EMAIL_USE_TLS": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_TIMEOUT": 5,
    }
    with override_settings(**smtp):
        yield boite
    controller.stop()


@pytest.fixture
def muet():
    """A server that accepts the connection and never says a word."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(5)
        yield s.getsockname()[1]


@pytest.fixture
def camille():
    from inclusion.enums import Role

    return member(Role.MEDIATEUR, email="camille@example.org", first_name="Camille")


def _queue(camille, captured):
    with captured(execute=True):
        comptes.send_password_reset_link(email=camille.email)
    return OutgoingEmail.objects.get()


def test_message_received_with_text_and_html_parts(
    serveur, camille, django_capture_on_commit_callbacks
):
    envoi = _queue(camille, django_capture_on_commit_callbacks)
    assert OutgoingEmail.objects.get(pk=envoi.pk).statut == StatutEmail.ENVOYE
    [recu] = serveur.recus
    assert recu.rcpt_tos == ["camille@example.org"]
    message = email.message_from_bytes(recu.original_content, policy=email.policy.default)
    assert (
        str(message["Subject"]).strip() == "Choisir un nouveau mot de passe – Inclusion numérique"
    )
    assert message.get_content_type() == "multipart/alternative"
    texte = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Bonjour Camille," in texte and "/pro/compte/nouveau-mot-de-passe/" in texte
    assert '<html lang="fr">' in html and "Choisir mon nouveau mot de passe" in html


def test_refusing_server_is_retried_not_lost(
    serveur, camille, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    serveur.refus = "554 5.7.1 Refused for now"
    envoi = _queue(camille, django_capture_on_commit_callbacks)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEmail.A_ENVOYER
    assert envoi.tentatives == 1
    assert envoi.erreur_code == "refus"
    assert envoi.erreur == "Le serveur d'e-mail a refusé le message. (code 554)"
    assert serveur.recus == []
    # Not before the backoff (one minute), then sent by the sweep once the server accepts.
    assert delivery.send_due(now=envoi.pas_avant - datetime.timedelta(seconds=1)) == {}
    serveur.refus = ""
    assert delivery.send_due(now=envoi.pas_avant) == {StatutEmail.ENVOYE: 1}
    assert len(serveur.recus) == 1
    envoi.refresh_from_db()
    assert envoi.statut == StatutEmail.ENVOYE and envoi.tentatives == 2
    # Neither the address nor the link in our logs (the test server's "mail.log" is not ours).
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert f"email {envoi.pk} transient failure code=refus smtp=554" in ours
    assert "camille@example.org" not in ours
    assert "nouveau-mot-de-passe" not in ours


def test_hanging_server_times_out_and_is_retried(muet, camille, django_capture_on_commit_callbacks):
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": muet,
        "EMAIL_USE_TLS": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_TIMEOUT": 0.5,
    }
    with override_settings(**smtp):
        envoi = _queue(camille, django_capture_on_commit_callbacks)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEmail.A_ENVOYER
    assert envoi.erreur_code == "delai"
    assert envoi.erreur == "Le serveur d'e-mail n'a pas répondu à temps."


@override_settings(EMAIL_MAX_ATTEMPTS=2)
def test_gives_up_after_the_last_attempt_secrets_masked(serveur, camille):
    serveur.refus = "554 5.7.1 Refused"
    envoi = send_email(
        to="camille@example.org", template="reinitialisation",
        context={"lien": "http://x/secret-123/"}, kind="essai", secrets=("secret-123",),
    )  # fmt: skip
    assert delivery.deliver(envoi.pk, now=envoi.pas_avant) == StatutEmail.A_ENVOYER
    envoi.refresh_from_db()
    assert delivery.deliver(envoi.pk, now=envoi.pas_avant) == StatutEmail.ECHEC
    envoi.refresh_from_db()
    assert "secret-123" not in envoi.texte and "secret-123" not in envoi.html
    assert envoi.a_masquer == []


def test_link_useless_after_its_hour_is_not_sent(serveur, camille):
    now = timezone.now()
    envoi = send_email(
        to="camille@example.org", template="reinitialisation", context={"lien": "http://x/"},
        kind="essai", useless_after=now + datetime.timedelta(hours=1),
    )  # fmt: skip
    assert delivery.deliver(envoi.pk, now=now + datetime.timedelta(hours=1)) == StatutEmail.EXPIRE
    assert serveur.recus == []


def test_refused_address_fails_at_once(serveur, camille):
    class Refuse(Boite):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 No such user"

    envoi = send_email(
        to="inconnu@example.org",
        template="reinitialisation",
        context={"lien": "http://x/"},
        kind="essai",
    )
    from inclusion.emails import delivery as d

    controller = Controller(Refuse(), hostname="127.0.0.1", port=_port_libre())
    controller.start()
    try:
        with override_settings(EMAIL_PORT=controller.port):
            assert d.deliver(envoi.pk, now=timezone.now()) == StatutEmail.ECHEC
    finally:
        controller.stop()
    envoi.refresh_from_db()
    assert envoi.erreur_code == "adresse"
