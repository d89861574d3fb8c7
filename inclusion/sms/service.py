import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from inclusion.services.journal import write_journal

logger = logging.getLogger(__name__)


@dataclass
class SmsMessage:
    to: str
    body: str
    kind: str
    about: str = ""
    created_at: object = field(default_factory=timezone.now)
    secrets: tuple = ()  # substrings (codes) masked in every copy kept once the SMS is sent

    def masked_body(self):
        return mask_secrets(self.body, self.secrets)


def mask_secrets(text, secrets):
    """Keep the first 4 characters of each secret, mask the rest: "K7MQ••••••••"."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, secret[:4] + "•" * max(len(secret) - 4, 4))
    return text


@dataclass(frozen=True)
class SmsResult:
    sent: bool
    reason: str = ""  # French, shown to staff when not sent
    provider_id: str = ""


REASONS = {
    "no_phone": "La personne n'a pas de téléphone.",
    "landline": "Ce numéro est un fixe : il ne peut pas recevoir de SMS.",
    "no_consent": "La personne n'a pas accepté de recevoir des SMS.",
    "empty": "Le message est vide.",
}


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def _refusal(beneficiaire, body):
    if not body.strip():
        return "empty"
    if not beneficiaire.telephone:
        return "no_phone"
    if beneficiaire.type_telephone != "mobile":
        return "landline"
    if not beneficiaire.consentement_sms:
        return "no_consent"
    return ""


def send_sms(*, beneficiaire, body, kind, about=None, acteur=None, secrets=()):
    """Send `body` to a beneficiary if the central rules allow it. Never raises for a refusal.

    `secrets` (e.g. a carnet code in a link) go to the provider in clear, but every copy the
    platform keeps or prints has them masked once the message is sent."""
    refusal = _refusal(beneficiaire, body)
    about_label = f"{about._meta.label_lower}#{about.pk}" if about is not None else ""
    if refusal:
        logger.debug("sms not sent kind=%s reason=%s", kind, refusal)
        return SmsResult(sent=False, reason=REASONS[refusal])
    message = SmsMessage(
        to=beneficiaire.telephone.as_e164,
        body=body,
        kind=kind,
        about=about_label,
        secrets=tuple(secrets),
    )
    provider_id = get_backend().send(message)
    message.body = message.masked_body()  # what stays in the outbox
    write_journal(
        acteur=acteur,
        action="sms.envoi",
        objet=beneficiaire,
        structure=beneficiaire.structure,
        details={"type": kind, "objet": about_label},
    )
    return SmsResult(sent=True, provider_id=provider_id)
