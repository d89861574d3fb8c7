"""Inbound SMS: the task that handles a stored SmsRecu once, and the built-in keywords.

Built in: STOP / ARRET (opt-out by number through optout.refuse_sms, which also cancels the
queued messages; confirmed at most once a day per number), START (opt back in), AIDE (help
text). Unknown words get the help text. Replies are outbox rows of kind "reponse_mot_cle"
written by `send_reply`, which skips send_sms's consent check (the person wrote to us) and,
only for the STOP confirmation and AIDE, the opt-out check. Nothing else is bypassed: replies
go only to the mobiles SMS may reach (services.telephones.refus_sms).
"""

import hashlib
import logging

import phonenumbers
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from inclusion.jours import debut_du_jour
from inclusion.models import Beneficiaire, OptOut, SmsMessage, SmsRecu
from inclusion.services.journal import write_journal
from inclusion.services.telephones import refus_sms
from inclusion.sms import gsm
from inclusion.sms.keywords import Inbound, help_lines, match, register_keyword
from inclusion.sms.optout import accept_sms, refuse_sms

logger = logging.getLogger(__name__)

KIND_REPLY = "reponse_mot_cle"


def e164(raw):
    """The E.164 form of a number ("+33612345678"), or "" when it is not a valid number."""
    try:
        number = phonenumbers.parse(raw or "", "FR")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def help_text():
    lines = " ; ".join(help_lines())
    return (
        f"{settings.PLATFORM_NAME} : pour de l'aide, appelez le {settings.HELP_PHONE}. "
        f"Répondez par un mot : {lines}."
    )


def _is_opted_out(telephone):
    return OptOut.objects.filter(telephone=telephone).exists()


def _replies_today(telephone, now):
    start_of_day = debut_du_jour(timezone.localdate(now))
    return SmsMessage.objects.filter(
        telephone=telephone, kind=KIND_REPLY, cree_le__gte=start_of_day
    ).count()


def send_reply(inbound, body, *, despite_opt_out=False, capped=True, cle=None, now=None):
    """Write the reply outbox row directly and enqueue its delivery; returns it or None.

    Internal to keyword replies only: consent is not required (the person wrote to us); an
    opted-out number is answered only when `despite_opt_out` (STOP confirmation, AIDE);
    `capped` limits replies per number and day (an auto-responder could loop with us);
    `cle` replaces the one-reply-per-inbound key (the STOP confirmation: one per day).
    """
    from inclusion.sms.tasks import deliver_sms

    now = now or timezone.now()
    body = gsm.normalize(body or "")
    if not body.strip() or not inbound.telephone or refus_sms(inbound.telephone):
        return None
    if not despite_opt_out and _is_opted_out(inbound.telephone):
        return None
    cap = getattr(settings, "SMS_REPLY_DAILY_CAP", 5)
    if capped and _replies_today(inbound.telephone, now) >= cap:
        logger.info("sms reply not sent: daily reply cap reached (recu %s)", inbound.recu.pk)
        return None
    beneficiaire = inbound.beneficiaires[0] if len(inbound.beneficiaires) == 1 else None
    try:
        with transaction.atomic():
            message = SmsMessage.objects.create(
                beneficiaire=beneficiaire,
                telephone=inbound.telephone,
                corps=body,
                kind=KIND_REPLY,
                about=f"inclusion.smsrecu#{inbound.recu.pk}",
                encodage=gsm.encoding(body),
                segments=gsm.segments(body),
                pas_avant=now,
                # One reply per inbound message, even if the task runs twice.
                cle=cle or f"reponse:{inbound.recu.provider_id}",
                malgre_refus=despite_opt_out,
            )
    except IntegrityError:
        return None
    if beneficiaire is not None:
        write_journal(
            acteur=None,
            action="sms.envoi",
            objet=beneficiaire,
            structure=beneficiaire.structure,
            details={"type": KIND_REPLY, "sms": message.pk},
        )
    deliver_sms.enqueue(message.pk)
    return message


def _details(inbound):
    return {"sms_recu": inbound.recu.pk} if inbound.recu is not None else {}


def cle_confirmation_stop(telephone, now):
    """One STOP confirmation per number and day, held by the outbox's unique key (the
    number hashed: keys are not meant to hold it)."""
    empreinte = hashlib.sha256(telephone.encode()).hexdigest()[:24]
    return f"confirmation-stop:{timezone.localdate(now):%Y%m%d}:{empreinte}"


def handle_stop(inbound):
    """Opt the number out (every person sharing it) and cancel what waits for it; confirm at
    most once a day (a STOP, START, STOP loop does not make us text back each time)."""
    now = timezone.now()
    refuse_sms(telephone=inbound.telephone, canal="sms", details=_details(inbound), now=now)
    send_reply(
        inbound,
        "Vous ne recevrez plus nos SMS. Pour les recevoir de nouveau, "
        f"répondez START ou appelez le {settings.HELP_PHONE}.",
        despite_opt_out=True,
        capped=False,
        cle=cle_confirmation_stop(inbound.telephone, now),
        now=now,
    )
    return None


def handle_start(inbound):
    """Remove the opt-out and confirm (the consent of each person is unchanged)."""
    accept_sms(telephone=inbound.telephone, canal="sms", details=_details(inbound))
    return "Vous recevrez de nouveau nos SMS. Pour ne plus les recevoir, répondez STOP."


def handle_aide(inbound):
    send_reply(inbound, help_text(), despite_opt_out=True)
    return None


register_keyword(
    "STOP", handle_stop, "STOP pour ne plus recevoir de SMS", aliases=("ARRET",), order=1
)
register_keyword("START", handle_start, "START pour les recevoir de nouveau", order=2)
register_keyword("AIDE", handle_aide, "AIDE pour cette aide", order=3)


def handle(recu_id, now=None):
    """Handle one inbound message, once. Returns the keyword recognised ("" if none)."""
    now = now or timezone.now()
    with transaction.atomic():
        # Claim: a second run (repeated task) finds it handled and does nothing.
        claimed = SmsRecu.objects.filter(pk=recu_id, traite_le__isnull=True).update(traite_le=now)
        if not claimed:
            return None
        recu = SmsRecu.objects.get(pk=recu_id)
        telephone = e164(recu.telephone)
        if not telephone:
            # A short code or a sender name: nobody to answer.
            return ""
        beneficiaires = list(
            Beneficiaire.objects.filter(telephone=telephone).select_related("structure")
        )
        keyword, argument = match(recu.corps)
        inbound = Inbound(
            telephone=telephone, beneficiaires=beneficiaires, argument=argument, recu=recu
        )
        if keyword is None:
            # Unknown word: the help text, but nothing to an opted-out number.
            send_reply(inbound, help_text(), now=now)
            word = ""
        else:
            reply = keyword.handler(inbound)
            if reply:
                send_reply(inbound, reply, now=now)
            word = keyword.word
        SmsRecu.objects.filter(pk=recu.pk).update(mot_cle=word[:30])
    logger.info("sms recu %s handled keyword=%s", recu_id, word or "-")
    return word


@task()
def handle_inbound_sms(recu_id):
    handle(recu_id)
