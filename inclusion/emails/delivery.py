"""Delivering e-mail outbox rows: claim, send through Django's e-mail backend (SMTP in
production), record; a refusing or hanging server is retried with backoff (tasks.py asks
the worker to come back; the sweep `send_due` catches whatever a worker missed).

Nothing about the person leaves in logs or error texts: the row's id, a code, an SMTP status.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.html import escape

from inclusion import outbox
from inclusion.models import OutgoingEmail, StatutEmail

logger = logging.getLogger(__name__)

# French texts kept on the row (seen by staff); never the server's own words, which may
# repeat the address.
ERREURS = {
    "refus": "Le serveur d'e-mail a refusé le message.",
    "adresse": "Le serveur d'e-mail refuse cette adresse.",
    "delai": "Le serveur d'e-mail n'a pas répondu à temps.",
    "connexion": "Le serveur d'e-mail est injoignable.",
    "expire": "Le message n'a pas pu partir avant de ne plus servir.",
}


class EmailFailure(Exception):
    def __init__(self, code, smtp_code=None, permanent=False):
        super().__init__(code)
        self.code = code
        self.smtp_code = smtp_code
        self.permanent = permanent

    @property
    def texte(self):
        suffix = f" (code {self.smtp_code})" if self.smtp_code else ""
        return ERREURS[self.code] + suffix


def _classify(error):
    """An exception of the backend as an EmailFailure (a refused address is permanent)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        return EmailFailure("adresse", codes[0] if codes else None, permanent=permanent)
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 400:
        return EmailFailure("refus", error.smtp_code)
    # smtplib turns a timeout while reading into SMTPServerDisconnected: look at its cause.
    cause = error
    while cause is not None:
        if isinstance(cause, TimeoutError):
            return EmailFailure("delai")
        cause = cause.__cause__ or cause.__context__
    return EmailFailure("connexion")


def mask(text, secrets, *, html=False):
    """The text with every secret replaced whole ("•••"): nothing of a link stays."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "•••")
            if html:
                text = text.replace(escape(secret), "•••")
    return text


def _final(message, statut, now, **fields):
    """Move a claimed row to a final status, its secrets masked."""
    OutgoingEmail.objects.filter(pk=message.pk).update(
        statut=statut,
        texte=mask(message.texte, message.a_masquer),
        html=mask(message.html, message.a_masquer, html=True),
        a_masquer=[],
        **fields,
    )
    return statut


def _send(message):
    email = EmailMultiAlternatives(
        subject=message.sujet,
        body=message.texte,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.destinataire],
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(message.html, "text/html")
    try:
        email.send()  # Django's backend; SMTP reads EMAIL_TIMEOUT
    except (smtplib.SMTPException, OSError) as error:
        raise _classify(error) from error


def deliver(email_id, now=None):
    """Send one due row once. Returns the new status, or None when not ours to send."""
    now = now or timezone.now()
    if not outbox.claim(OutgoingEmail, email_id, a_envoyer=StatutEmail.A_ENVOYER, now=now):
        return None
    message = OutgoingEmail.objects.get(pk=email_id)
    if message.inutile_apres is not None and now >= message.inutile_apres:
        logger.info("email %s expired before it could be sent", message.pk)
        return _final(
            message, StatutEmail.EXPIRE, now, erreur_code="expire", erreur=ERREURS["expire"]
        )
    try:
        _send(message)
    except EmailFailure as failure:
        fields = {"erreur_code": failure.code, "erreur": failure.texte[:200]}
        retry_at = now + outbox.backoff(message.tentatives)
        too_late = message.inutile_apres is not None and retry_at >= message.inutile_apres
        if failure.permanent or too_late or message.tentatives >= settings.EMAIL_MAX_ATTEMPTS:
            logger.warning(
                "email %s failed code=%s smtp=%s attempts=%s",
                message.pk, failure.code, failure.smtp_code, message.tentatives,
            )  # fmt: skip
            statut = StatutEmail.EXPIRE if too_late and not failure.permanent else StatutEmail.ECHEC
            return _final(message, statut, now, **fields)
        OutgoingEmail.objects.filter(pk=message.pk).update(pas_avant=retry_at, **fields)
        logger.info(
            "email %s transient failure code=%s smtp=%s, retry at %s",
            message.pk, failure.code, failure.smtp_code, retry_at.isoformat(),
        )  # fmt: skip
        return StatutEmail.A_ENVOYER
    logger.info("email %s sent kind=%s", message.pk, message.kind)
    return _final(message, StatutEmail.ENVOYE, now, envoye_le=now, erreur_code="", erreur="")


def send_due(now=None, limit=500):
    """The periodic sweep: deliver every due row (retries, lost enqueues, crashed workers)."""
    return outbox.send_due(
        OutgoingEmail, deliver, a_envoyer=StatutEmail.A_ENVOYER, now=now, limit=limit
    )
