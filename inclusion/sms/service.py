"""send_sms: the central rules, then one outbox row written in the caller's transaction.

The row is delivered by a background task (tasks.deliver_sms) as soon as it is due; messages
waiting for the send window are picked up by the periodic sweep (`manage.py send_due_sms`).
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from inclusion.jours import debut_du_jour
from inclusion.models import OptOut, SmsMessage, StatutSms
from inclusion.services.journal import write_journal
from inclusion.services.telephones import REFUS_SMS, refus_sms
from inclusion.sms import gsm, window

logger = logging.getLogger(__name__)


@dataclass
class OutgoingSms:
    """What a backend sends. `secrets` are masked in every copy kept once sent."""

    to: str
    body: str
    kind: str
    about: str = ""
    created_at: object = field(default_factory=timezone.now)
    secrets: tuple = ()
    message_id: int | None = None  # the outbox row, for status callbacks that come first

    def masked_body(self):
        return mask_secrets(self.body, self.secrets)


# Kept for the backends' and tests' vocabulary.
SmsMessageData = OutgoingSms


def mask_secrets(text, secrets):
    """Mask each secret whole: "••••••" (nothing of a code stays in a kept copy)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "•" * len(secret))
    return text


@dataclass(frozen=True)
class SmsResult:
    sent: bool  # accepted: it will be sent (maybe later, inside the send window)
    reason: str = ""  # French, shown to staff when refused
    provider_id: str = ""
    message: object = None
    scheduled_for: object = None
    code: str = ""  # why it was refused, for callers (never match `reason`'s text)


REASONS = {
    "no_phone": "La personne n'a pas de téléphone.",
    "landline": "Ce numéro est un fixe : il ne peut pas recevoir de SMS.",
    "hors_zone": "Nous n'envoyons des SMS qu'aux portables français (métropole et outre-mer).",
    "no_consent": "La personne n'a pas accepté de recevoir des SMS.",
    "opted_out": "La personne a demandé à ne plus recevoir de SMS.",
    "empty": "Le message est vide.",
    "past_event": "L'événement est passé : le message n'est pas envoyé.",
    "too_late": "Ce message arriverait trop tard : il n'est pas envoyé.",
    "daily_cap": "Cette personne a déjà reçu assez de SMS aujourd'hui.",
    "duplicate": "Ce message a déjà été envoyé.",
}


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def _refusal(beneficiaire, body, now, event_at):
    if not body.strip():
        return "empty"
    if not beneficiaire.telephone:
        return "no_phone"
    if beneficiaire.type_telephone != "mobile":
        return "landline"
    if refus_sms(beneficiaire.telephone) == "hors_zone":
        return "hors_zone"
    if not beneficiaire.consentement_sms:
        return "no_consent"
    if OptOut.objects.filter(telephone=beneficiaire.telephone.as_e164).exists():
        return "opted_out"
    if event_at is not None and event_at <= now:
        return "past_event"
    start_of_day = debut_du_jour(timezone.localdate(now))
    sent_today = SmsMessage.objects.filter(
        beneficiaire=beneficiaire, cree_le__gte=start_of_day
    ).exclude(statut__in=(StatutSms.ANNULE, StatutSms.EXPIRE))
    if sent_today.count() >= settings.SMS_DAILY_CAP:
        return "daily_cap"
    return ""


def _spans(body, secrets):
    spans = []
    for secret in secrets:
        start = body.find(secret) if secret else -1
        while start >= 0:
            spans.append([start, start + len(secret)])
            start = body.find(secret, start + 1)
    return spans


def send_sms(
    *,
    beneficiaire,
    body,
    kind,
    about=None,
    acteur=None,
    secrets=(),
    key=None,
    not_before=None,
    useless_after=None,
    event_at=None,
    now=None,
    deliver_now=True,
):
    """Queue a text for a beneficiary if the central rules allow it; never raises for a refusal.

    `key` makes a second identical message impossible (e.g. "rappel-48h:inscription#12");
    `useless_after` (e.g. the workshop start) is the moment after which it is never sent;
    `event_at` refuses messages about something already past.
    """
    now = now or timezone.now()
    body = gsm.normalize(body)
    secrets = tuple(gsm.normalize(s) for s in secrets)
    refusal = _refusal(beneficiaire, body, now, event_at)
    about_label = f"{about._meta.label_lower}#{about.pk}" if about is not None else ""
    if refusal:
        logger.debug("sms not sent kind=%s reason=%s", kind, refusal)
        return SmsResult(sent=False, reason=REASONS[refusal], code=refusal)
    when = max(now, not_before or now)
    if settings.SMS_SEND_WINDOW:
        when = window.next_opening(when)
    if useless_after is not None and when >= useless_after:
        return SmsResult(sent=False, reason=REASONS["too_late"])
    try:
        with transaction.atomic():
            message = SmsMessage.objects.create(
                beneficiaire=beneficiaire,
                telephone=beneficiaire.telephone.as_e164,
                corps=body,
                kind=kind,
                about=about_label,
                encodage=gsm.encoding(body),
                segments=gsm.segments(body),
                pas_avant=when,
                inutile_apres=useless_after,
                cle=key,
                a_masquer=_spans(body, secrets),
            )
    except IntegrityError:
        return SmsResult(sent=False, reason=REASONS["duplicate"])
    write_journal(
        acteur=acteur,
        action="sms.envoi",
        objet=beneficiaire,
        structure=beneficiaire.structure,
        details={"type": kind, "objet": about_label, "sms": message.pk},
    )
    if deliver_now and when <= now:
        from inclusion.sms.tasks import deliver_sms

        # Enqueued in the same transaction as the outbox row (database task backend).
        deliver_sms.enqueue(message.pk)
        message.refresh_from_db()
    return SmsResult(
        sent=True, provider_id=message.provider_id or "", message=message, scheduled_for=when
    )


@dataclass
class QueuedSms:
    """One message for queue_many (the same arguments as send_sms)."""

    beneficiaire: object
    body: str
    kind: str
    about: object = None
    key: str = ""
    not_before: object = None
    useless_after: object = None
    event_at: object = None


def queue_many(items, *, now=None):
    """The same central rules as send_sms for many messages at once, in a few queries: for
    sweeps (reminders). Rows are left for the send sweep; duplicates (same key) are skipped.
    Returns how many rows were written."""
    now = now or timezone.now()
    items = list(items)
    if not items:
        return 0
    phones = {i.beneficiaire.telephone.as_e164 for i in items if i.beneficiaire.telephone}
    opted_out = set(OptOut.objects.filter(telephone__in=phones).values_list("telephone", flat=True))
    start_of_day = debut_du_jour(timezone.localdate(now))
    counts = dict(
        SmsMessage.objects.filter(
            beneficiaire__in={i.beneficiaire.pk for i in items}, cree_le__gte=start_of_day
        )
        .exclude(statut__in=(StatutSms.ANNULE, StatutSms.EXPIRE))
        .values_list("beneficiaire")
        .annotate(n=models.Count("pk"))
    )
    rows = []
    for item in items:
        person = item.beneficiaire
        body = gsm.normalize(item.body)
        if (
            not body.strip()
            or not person.can_receive_sms
            or refus_sms(person.telephone)
            or person.telephone.as_e164 in opted_out
            or (item.event_at is not None and item.event_at <= now)
            or counts.get(person.pk, 0) >= settings.SMS_DAILY_CAP
        ):
            continue
        when = max(now, item.not_before or now)
        if settings.SMS_SEND_WINDOW:
            when = window.next_opening(when)
        if item.useless_after is not None and when >= item.useless_after:
            continue
        counts[person.pk] = counts.get(person.pk, 0) + 1
        about = item.about
        rows.append(
            SmsMessage(
                beneficiaire=person,
                telephone=person.telephone.as_e164,
                corps=body,
                kind=item.kind,
                about=f"{about._meta.label_lower}#{about.pk}" if about is not None else "",
                encodage=gsm.encoding(body),
                segments=gsm.segments(body),
                pas_avant=when,
                inutile_apres=item.useless_after,
                cle=item.key or None,
            )
        )
    keys = [r.cle for r in rows if r.cle]
    before = SmsMessage.objects.filter(cle__in=keys).count() if keys else 0
    SmsMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if keys:
        return (
            SmsMessage.objects.filter(cle__in=keys).count()
            - before
            + sum(1 for r in rows if not r.cle)
        )
    return len(rows)


CODE_REASONS = {
    "landline": REFUS_SMS["fixe"],
    "hors_zone": REFUS_SMS["hors_zone"],
    "opted_out": "Ce numéro a demandé à ne plus recevoir de SMS.",
    "daily_cap": "Ce numéro a reçu trop de codes aujourd'hui. Réessayez demain.",
}


def raison_budget():
    """What a person reads when this hour's code budget is spent (FALC, the help number)."""
    return (
        "Nous ne pouvons pas envoyer de code maintenant. "
        f"Appelez-nous au {settings.HELP_PHONE} : nous vous inscrivons."
    )


def send_code_sms(*, telephone, body, secret, kind="code_confirmation", valid_for=None, now=None):
    """Text a one-time code to a number the person typed themselves, before any file exists
    (the public site's registration). The person waits for it: no send window, but the message
    is useless (never sent) after `valid_for`. French mobiles only (INCLUSION_SMS_REGIONS),
    opt-outs honoured, at most SMS_CODE_DAILY_CAP codes a day to one number and
    SMS_CODE_HOURLY_BUDGET codes an hour in all. `telephone` is a services.telephones.Telephone.
    Refusals carry a `code`: "landline", "hors_zone", "opted_out", "daily_cap", "budget".
    """
    from datetime import timedelta

    from inclusion.sms import budget

    now = now or timezone.now()
    valid_for = valid_for or timedelta(minutes=10)
    body = gsm.normalize(body)
    secret = gsm.normalize(secret)
    if telephone is None or not telephone.sms_possible:
        code = "hors_zone" if telephone is not None and telephone.refus == "hors_zone" else ""
        code = code or "landline"
        return SmsResult(sent=False, reason=CODE_REASONS[code], code=code)
    if OptOut.objects.filter(telephone=telephone.e164).exists():
        return SmsResult(sent=False, reason=CODE_REASONS["opted_out"], code="opted_out")
    start_of_day = debut_du_jour(timezone.localdate(now))
    cap = getattr(settings, "SMS_CODE_DAILY_CAP", 5)
    if (
        SmsMessage.objects.filter(telephone=telephone.e164, kind=kind, cree_le__gte=start_of_day)
        .exclude(statut=StatutSms.ANNULE)
        .count()
        >= cap
    ):
        return SmsResult(sent=False, reason=CODE_REASONS["daily_cap"], code="daily_cap")
    if not budget.take_code(now):
        return SmsResult(sent=False, reason=raison_budget(), code="budget")
    message = SmsMessage.objects.create(
        beneficiaire=None,
        telephone=telephone.e164,
        corps=body,
        kind=kind,
        encodage=gsm.encoding(body),
        segments=gsm.segments(body),
        pas_avant=now,
        inutile_apres=now + valid_for,
        a_masquer=_spans(body, (secret,)),
    )
    from inclusion.sms.tasks import deliver_sms

    deliver_sms.enqueue(message.pk)
    message.refresh_from_db()
    return SmsResult(sent=True, provider_id=message.provider_id or "", message=message)
