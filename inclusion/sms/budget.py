"""A global budget of code SMS per hour, for the whole platform (SMS pumping costs money).

An atomic counter per clock hour in the shared cache (cache.add then cache.incr: processes
never overwrite each other's count). When it is spent, no more codes go out until the next
hour; the coordinators get one e-mail, and the journal one line, per hour.
"""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from inclusion.emails.service import send_email
from inclusion.enums import Role
from inclusion.mots_du_temps import heure_en_mots
from inclusion.services.journal import write_journal

logger = logging.getLogger(__name__)

HEURE = 60 * 60
KIND_ALERTE = "alerte_budget_sms"


def _heure(now):
    return timezone.localtime(now).strftime("%Y%m%d%H")


def take_code(now=None):
    """Take one code SMS from this hour's budget. False when it is spent (then alerts)."""
    now = now or timezone.now()
    budget = getattr(settings, "SMS_CODE_HOURLY_BUDGET", 60)
    cle = f"sms:budget_codes:{_heure(now)}"
    cache.add(cle, 0, timeout=2 * HEURE)
    try:
        compte = cache.incr(cle)
    except ValueError:  # evicted between add and incr
        cache.set(cle, 1, timeout=2 * HEURE)
        compte = 1
    if compte <= budget:
        return True
    _alert_coordinateurs(now, budget)
    return False


def coordinateurs_emails():
    from inclusion.models import User

    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                memberships__active=True,
                memberships__structure__active=True,
                memberships__role=Role.COORDINATEUR,
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _alert_coordinateurs(now, budget):
    """Once per hour (the first process to add the key): a journal line and an e-mail."""
    if not cache.add(f"sms:budget_codes:alerte:{_heure(now)}", 1, timeout=2 * HEURE):
        return
    local = timezone.localtime(now)
    fin = (local + datetime.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    write_journal(
        acteur=None,
        action="sms.budget_codes_atteint",
        details={"budget": budget, "heure": local.strftime("%Y-%m-%d %H:00")},
    )
    logger.warning("sms code budget spent for this hour (budget=%s)", budget)
    destinataires = coordinateurs_emails()
    contexte = {
        "budget": budget,
        "depuis": heure_en_mots(local.replace(minute=0)),
        "jusqua": heure_en_mots(fin),
        "telephone_personnes": settings.HELP_PHONE,  # what people read (raison_budget)
    }
    try:
        # Through the outbox (worker, retries, the collectivité's habillage), in a savepoint:
        # an alert never breaks the person's page.
        with transaction.atomic():
            for adresse in destinataires:
                send_email(
                    to=adresse, template="sms_budget_codes", context=contexte, kind=KIND_ALERTE
                )
    except Exception:
        logger.exception("sms code budget alert e-mail not queued")
