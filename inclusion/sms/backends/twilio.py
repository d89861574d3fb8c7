"""Twilio backend: one Messages API call per text, errors sorted into retry / never retry.

Settings (read with defaults, so the module imports without them):

- TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: the account's credentials;
- TWILIO_MESSAGING_SERVICE_SID: preferred sender (Twilio picks the number from its pool);
  otherwise SMS_FROM_NUMBER (a Twilio number that accepts replies, see DOMAIN.md);
- TWILIO_TIMEOUT: seconds before giving up on one request (default 10);
- TWILIO_API_BASE_URL: tests only, points the client at a local fake server.

Never log or put in an error message the phone number or the body: Twilio's own error
messages quote the number ("The 'To' number +336… is not a valid phone number."), so only the
HTTP status and the Twilio error code leave this module.
"""

import logging

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from inclusion import registry
from inclusion.sms.backends.base import BaseBackend, PermanentSmsError, TransientSmsError

logger = logging.getLogger(__name__)

STATUS_CALLBACK_PATH = "/sms/statut/"

# Twilio error codes that mean "this number will never receive this text": never retried.
# The 2xxxx ones come back from the Messages API call itself; the 3xxxx ones are delivery
# errors reported later by the status callback (kept here so the callback handler shares the
# list). Any other 4xx is permanent too; this list gives them a clearer label.
PERMANENT_CODES = {
    "21211": "numéro invalide",
    "21408": "pays non autorisé",
    "21610": "destinataire désinscrit (STOP)",
    "21612": "numéro injoignable depuis cet expéditeur",
    "21614": "pas un numéro mobile",
    "21617": "message trop long",
    "30003": "téléphone injoignable",
    "30004": "message bloqué",
    "30005": "numéro inconnu",
    "30006": "fixe ou opérateur injoignable",
    "30007": "filtré par l'opérateur",
    "30008": "erreur inconnue de l'opérateur",
}
# Twilio answers 429 (code 20429) when we send too fast; 5xx when it has trouble.
TRANSIENT_STATUSES = {408, 429}


def classify(status, code):
    """TransientSmsError or PermanentSmsError class for an HTTP status and a Twilio code."""
    if str(code) in PERMANENT_CODES:
        return PermanentSmsError
    if status in TRANSIENT_STATUSES or status >= 500:
        return TransientSmsError
    return PermanentSmsError


# Texts that expect no answer (no ANNULER, no STOP needed to reach us).
NO_REPLY_KINDS = {"code_confirmation"}


def _setting(name, default=""):
    return getattr(settings, name, default)


class TwilioBackend(BaseBackend):
    def __init__(self):
        account_sid = _setting("TWILIO_ACCOUNT_SID")
        auth_token = _setting("TWILIO_AUTH_TOKEN")
        if not account_sid or not auth_token:
            # Not a per-message failure: the outbox rows stay queued until this is fixed.
            raise ImproperlyConfigured("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required.")
        self.messaging_service_sid = _setting("TWILIO_MESSAGING_SERVICE_SID")
        self.from_number = _setting("SMS_FROM_NUMBER")
        if not self.messaging_service_sid and not self.from_number:
            raise ImproperlyConfigured(
                "Set TWILIO_MESSAGING_SERVICE_SID or SMS_FROM_NUMBER for the Twilio backend."
            )
        # No automatic retries by the HTTP layer: a repeated POST could send the text twice;
        # the outbox retries with backoff instead.
        http_client = TwilioHttpClient(timeout=float(_setting("TWILIO_TIMEOUT", 10)))
        self.client = Client(account_sid, auth_token, http_client=http_client)
        base_url = _setting("TWILIO_API_BASE_URL")
        if base_url:
            self.client.api.base_url = base_url.rstrip("/")
        self.status_callback = f"{settings.SITE_URL}{STATUS_CALLBACK_PATH}"

    def callback_for(self, message):
        """The status callback URL; it names the outbox row, so a callback that arrives
        before Twilio's answer (and its sid) reached us still finds its message."""
        if message.message_id is None:
            return self.status_callback
        return f"{self.status_callback}?m={message.message_id}"

    def send(self, message):
        sender = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_number}
        )
        if message.kind in NO_REPLY_KINDS:
            # Nobody answers a one-time code: the collectivité's name may sign it as an
            # alphanumeric sender (which cannot receive replies, so never for other texts).
            name = registry.habillage().expediteur_sms
            if name:
                sender = {"from_": name}
        try:
            created = self.client.messages.create(
                to=message.to,
                body=message.body,
                status_callback=self.callback_for(message),
                **sender,
            )
        except (TwilioRestException, TwilioServiceException) as error:
            status = int(error.status or 0)
            code = str(error.code or status)
            label = PERMANENT_CODES.get(code, "")
            text = f"Twilio HTTP {status}, code {code}" + (f" ({label})" if label else "")
            logger.warning(
                "twilio refused sms kind=%s status=%s code=%s", message.kind, status, code
            )
            # `from None`: the original exception's message can quote the phone number.
            raise classify(status, code)(text, code=code) from None
        except requests.Timeout:
            # A timeout means "maybe sent": Twilio may have accepted the text before we stopped
            # waiting. The outbox retries with the same body, so the person can, rarely, get it
            # twice; accepted, since a missing reminder costs more than a duplicate.
            logger.warning("twilio timeout kind=%s (maybe sent, will retry)", message.kind)
            raise TransientSmsError("Twilio timeout (peut-être envoyé)", code="timeout") from None
        except requests.RequestException as error:
            # Connection refused, DNS, TLS…: nothing reached Twilio, safe to retry.
            logger.warning(
                "twilio unreachable kind=%s error=%s", message.kind, type(error).__name__
            )
            raise TransientSmsError(
                f"Twilio injoignable ({type(error).__name__})", code="network"
            ) from None
        except TwilioException as error:
            # The client's own errors (unexpected answer…): retry rather than lose the text.
            logger.warning(
                "twilio client error kind=%s error=%s", message.kind, type(error).__name__
            )
            raise TransientSmsError(f"Twilio: {type(error).__name__}", code="client") from None
        logger.info(
            "twilio accepted sms kind=%s sid=%s status=%s",
            message.kind,
            created.sid,
            created.status,
        )
        return created.sid
