"""Twilio webhooks: delivery status callbacks and inbound messages.

Public (no login, no CSRF), POST only, every request checked with X-Twilio-Signature
(403 and nothing stored otherwise). Both answer fast: the inbound work runs in a task.
"""

import base64
import hashlib
import hmac
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from inclusion.models import SmsMessage, SmsRecu, StatutSms
from inclusion.models.sms import FINAUX
from inclusion.sms.inbound import e164, handle_inbound_sms

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'

# Twilio MessageStatus -> outbox status.
STATUTS = {
    "accepted": StatutSms.ENVOYE,
    "queued": StatutSms.ENVOYE,
    "sending": StatutSms.ENVOYE,
    "sent": StatutSms.ENVOYE,
    "delivered": StatutSms.DELIVRE,
    "read": StatutSms.DELIVRE,
    "undelivered": StatutSms.NON_DELIVRE,
    "failed": StatutSms.ECHEC,
    "canceled": StatutSms.ANNULE,
}

# Twilio error codes, explained to staff.
ERREURS = {
    "21610": "La personne a bloqué nos SMS auprès de l'opérateur (STOP).",
    "21614": "Ce numéro ne peut pas recevoir de SMS.",
    "30003": "Téléphone éteint ou hors réseau.",
    "30004": "Message bloqué par l'opérateur ou par la personne.",
    "30005": "Numéro inconnu ou plus attribué.",
    "30006": "Numéro fixe ou opérateur injoignable.",
    "30007": "Message filtré par l'opérateur.",
    "30008": "Erreur inconnue chez l'opérateur.",
}


def twilio_signature(url, params, token):
    """Twilio's request signature: HMAC-SHA1 (key: the auth token) of the full URL followed
    by each POST parameter, sorted by name, as name + value; base64. Same computation as
    twilio.request_validator.RequestValidator.compute_signature."""
    data = url
    for name in sorted(set(params.keys())):
        values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        for value in sorted(set(values)):
            data += name + value
    digest = hmac.new(token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _urls(request):
    """The URL as Twilio may have signed it: as seen here, and under the public SITE_URL
    (behind a proxy the host or the scheme seen by Django can differ)."""
    urls = [request.build_absolute_uri()]
    site_url = getattr(settings, "SITE_URL", "")
    if site_url:
        urls.append(site_url + request.get_full_path())
    return dict.fromkeys(urls)


def signature_ok(request):
    token = getattr(settings, "TWILIO_AUTH_TOKEN", "")
    received = request.headers.get("X-Twilio-Signature", "")
    if not token or not received:
        return False
    return any(
        hmac.compare_digest(twilio_signature(url, request.POST, token).encode(), received.encode())
        for url in _urls(request)
    )


def _forbidden():
    logger.warning("sms webhook: missing or wrong Twilio signature")
    return HttpResponseForbidden("Signature invalide.")


@login_not_required
@csrf_exempt
@require_POST
def statut(request):
    """Status callback: a conditional update, so repeats and late arrivals change nothing."""
    if not signature_ok(request):
        return _forbidden()
    sid = request.POST.get("MessageSid", "")
    nouveau = STATUTS.get(request.POST.get("MessageStatus", "").lower())
    if not sid or nouveau is None:
        return HttpResponse(status=204)
    now = timezone.now()
    # Never out of a final status; ENVOYE is a no-op for a row already ENVOYE.
    trouve = Q(provider_id=sid)
    m = request.GET.get("m", "")
    if m.isdigit():
        # Named in the callback URL: found even before its sid was recorded.
        trouve |= Q(pk=int(m)) & (Q(provider_id__isnull=True) | Q(provider_id=""))
    rows = SmsMessage.objects.filter(trouve).exclude(statut__in=FINAUX)
    changes = {"statut": nouveau, "statut_le": now}
    if nouveau == StatutSms.ENVOYE:
        rows = rows.exclude(statut=StatutSms.ENVOYE)
    if nouveau in (StatutSms.ECHEC, StatutSms.NON_DELIVRE):
        code = request.POST.get("ErrorCode", "")[:20]
        changes["erreur_code"] = code
        changes["erreur"] = ERREURS.get(code, f"Non reçu (code opérateur {code or 'absent'}).")
    updated = rows.update(**changes)
    logger.info("sms status sid=%s -> %s (%s row)", sid[:64], nouveau, updated)
    return HttpResponse(status=204)


@login_not_required
@csrf_exempt
@require_POST
def entrant(request):
    """Inbound message: stored once (provider id unique), handled by a task."""
    if not signature_ok(request):
        return _forbidden()
    sid = request.POST.get("MessageSid", "")[:64]
    sender = request.POST.get("From", "")
    if not sid or not sender:
        return HttpResponseBadRequest("Paramètres manquants.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                recu = SmsRecu.objects.create(
                    provider_id=sid,
                    telephone=(e164(sender) or sender)[:20],
                    corps=request.POST.get("Body", ""),
                )
        except IntegrityError:
            logger.info("sms inbound sid=%s already stored", sid)
            return HttpResponse(EMPTY_TWIML, content_type="text/xml")
        # Same transaction as the row (database task backend): never stored and forgotten.
        handle_inbound_sms.enqueue(recu.pk)
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
