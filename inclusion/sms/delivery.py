"""Delivering outbox rows: claim, send through the backend, record, retry with backoff."""

import logging

from django.conf import settings
from django.utils import timezone

from inclusion import outbox
from inclusion.models import Beneficiaire, OptOut, SmsMessage, StatutSms
from inclusion.sms.backends.base import PermanentSmsError, TransientSmsError

logger = logging.getLogger(__name__)

# Statuses only the provider's callbacks set (ours are À envoyer, Annulé, Plus utile).
PAR_LE_FOURNISSEUR = (StatutSms.ENVOYE, StatutSms.DELIVRE, StatutSms.ECHEC, StatutSms.NON_DELIVRE)


def masked(corps, spans):
    """The body with every secret span masked whole: nothing of a code stays."""
    chars = list(corps)
    for start, end in spans:
        for i in range(start, min(end, len(chars))):
            chars[i] = "•"
    return "".join(chars)


def _final(message, statut, now, **fields):
    """Move a claimed message to a final status other than sent, its secrets masked."""
    SmsMessage.objects.filter(pk=message.pk).update(
        statut=statut, statut_le=now, corps=masked(message.corps, message.a_masquer), **fields
    )
    return statut


def _motif_d_annulation(message):
    """Why a queued message must not go any more ("" when it may)."""
    from inclusion.sms.inbound import KIND_REPLY
    from inclusion.sms.optout import MOTIF_CONSENTEMENT, MOTIF_NUMERO, MOTIF_REFUS

    if OptOut.objects.filter(telephone=message.telephone).exists():
        return MOTIF_REFUS
    if message.beneficiaire_id is None or message.kind == KIND_REPLY:
        return ""  # codes and replies: the person typed the number or wrote to us
    personne = (
        Beneficiaire.objects.filter(pk=message.beneficiaire_id)
        .values_list("telephone", "consentement_sms")
        .first()
    )
    if personne is None:
        return ""
    telephone, consentement = personne
    if not consentement:
        return MOTIF_CONSENTEMENT
    if (getattr(telephone, "as_e164", None) or str(telephone or "")) != message.telephone:
        return MOTIF_NUMERO
    return ""


def deliver(message_id, now=None):
    """Send one due message once. Returns the new status, or None when not ours to send."""
    from inclusion.sms.optout import MOTIFS
    from inclusion.sms.service import OutgoingSms, get_backend

    now = now or timezone.now()
    # Claim: only one worker moves pas_avant forward for a due, unsent message.
    if not outbox.claim(SmsMessage, message_id, a_envoyer=StatutSms.A_ENVOYER, now=now):
        return None
    message = SmsMessage.objects.get(pk=message_id)
    if message.inutile_apres is not None and now >= message.inutile_apres:
        return _final(message, StatutSms.EXPIRE, now)
    # Last check: the number may have opted out, or the person withdrawn consent or changed
    # number, since the message was queued.
    motif = "" if message.malgre_refus else _motif_d_annulation(message)
    if motif:
        return _final(message, StatutSms.ANNULE, now, erreur_code=motif, erreur=MOTIFS[motif])
    secrets = tuple(message.corps[start:end] for start, end in message.a_masquer)
    outgoing = OutgoingSms(
        to=message.telephone, body=message.corps, kind=message.kind, about=message.about,
        secrets=secrets, message_id=message.pk,
    )  # fmt: skip
    try:
        provider_id = get_backend().send(outgoing)
    except PermanentSmsError as error:
        logger.warning("sms %s permanent failure code=%s", message.pk, error.code)
        return _final(
            message, StatutSms.ECHEC, now, erreur=str(error)[:200], erreur_code=error.code
        )
    except TransientSmsError as error:
        retry_at = now + outbox.backoff(message.tentatives)
        too_late = message.inutile_apres is not None and retry_at >= message.inutile_apres
        if message.tentatives >= settings.SMS_MAX_ATTEMPTS or too_late:
            statut = StatutSms.EXPIRE if too_late else StatutSms.ECHEC
            return _final(message, statut, now, erreur=str(error)[:200], erreur_code=error.code)
        SmsMessage.objects.filter(pk=message.pk).update(
            pas_avant=retry_at, erreur=str(error)[:200], erreur_code=error.code
        )
        logger.info("sms %s transient failure, retry at %s", message.pk, retry_at.isoformat())
        return StatutSms.A_ENVOYER
    outgoing.body = outgoing.masked_body()  # what stays in memory copies
    sent = {
        "provider_id": provider_id,
        "envoye_le": now,
        "corps": masked(message.corps, message.a_masquer),
    }
    rows = SmsMessage.objects.filter(pk=message.pk)
    if not rows.exclude(statut__in=PAR_LE_FOURNISSEUR).update(
        statut=StatutSms.ENVOYE, erreur="", erreur_code="", **sent
    ):
        # The provider's status callback came before its answer reached us: keep its status.
        rows.update(**sent)
        rows.filter(statut__in=(StatutSms.ENVOYE, StatutSms.DELIVRE)).update(
            erreur="", erreur_code=""
        )
    return StatutSms.ENVOYE


def send_due(now=None, limit=500):
    """The periodic sweep: deliver every due message (waiting for the window or a retry)."""
    return outbox.send_due(SmsMessage, deliver, a_envoyer=StatutSms.A_ENVOYER, now=now, limit=limit)
