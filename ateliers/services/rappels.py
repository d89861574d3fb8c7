"""Workshop reminders: 48 h before (moved into the send window) and on the morning of the
session (from 09:00, only when it starts after 10:00). A periodic sweep turns due reminders
into outbox rows; their idempotency keys make a second sweep, or two at once, send nothing
twice. A moved session gets new keys; the old queued reminders are cancelled."""

import datetime

from django.utils import timezone

from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import Inscription
from ateliers.services.notifications import valeurs
from inclusion.models import SmsMessage, StatutSms
from inclusion.sms import textes
from inclusion.sms.service import QueuedSms, queue_many
from inclusion.sms.textes import render

AVANCE = datetime.timedelta(hours=48)
MATIN = datetime.time(9, 0)
MATIN_SI_APRES = datetime.time(10, 0)
HORIZON = datetime.timedelta(hours=49)  # what one sweep looks at
EARLY = datetime.timedelta(hours=1)  # queued this long before they are due, not earlier

TEXTE = "Rappel : atelier {titre} {quand}, {lieu}. Pour annuler, répondez ANNULER."


def _moment(session):
    return f"{session.debut:%Y%m%d%H%M}"


def texte(inscription, kind="rappel_48h"):
    """The coordinator's text for this reminder (Textes des SMS) if any, else TEXTE; long
    names shortened so that it stays one SMS."""
    return textes.un_segment(lambda v: render(kind, TEXTE, **v), valeurs(inscription.session))


def cancel_queued(inscription_ids):
    """Queued reminders (not sent yet) of these registrations are dropped."""
    abouts = [f"ateliers.inscription#{pk}" for pk in inscription_ids]
    return SmsMessage.objects.filter(
        about__in=abouts, kind__startswith="rappel_", statut=StatutSms.A_ENVOYER
    ).update(statut=StatutSms.ANNULE)


def sweep(now=None):
    """Queue the reminders of the next 49 hours. Returns how many rows were written."""
    now = now or timezone.now()
    inscriptions = Inscription.objects.filter(
        statut=StatutInscription.INSCRIT,
        session__statut=StatutSession.PLANIFIEE,
        session__debut__gt=now,
        session__debut__lte=now + HORIZON,
    ).select_related("session__theme", "session__lieu", "beneficiaire__structure")
    inscriptions = list(inscriptions)
    # Keys already in the outbox are skipped without a round trip each (second sweeps are cheap).
    existing = set(
        SmsMessage.objects.filter(
            about__in=[f"ateliers.inscription#{i.pk}" for i in inscriptions],
            kind__startswith="rappel_",
        ).values_list("cle", flat=True)
    )
    items = []
    with textes.cached():
        items = _plan(inscriptions, existing, now)
    # Same rules as send_sms, in a handful of queries; the send sweep delivers due rows.
    return queue_many(items, now=now)


def _plan(inscriptions, existing, now):
    items = []
    for inscription in inscriptions:
        session = inscription.session
        debut_local = timezone.localtime(session.debut)
        plans = [("rappel_48h", session.debut - AVANCE)]
        if debut_local.time() >= MATIN_SI_APRES:
            matin = timezone.make_aware(datetime.datetime.combine(debut_local.date(), MATIN))
            plans.append(("rappel_matin", matin))
        for kind, not_before in plans:
            key = f"{kind}:{inscription.pk}:{_moment(session)}"
            if key in existing or now < not_before - EARLY:
                continue  # already queued, or too early to queue it
            items.append(
                QueuedSms(
                    beneficiaire=inscription.beneficiaire,
                    body=texte(inscription, kind),
                    kind=kind,
                    about=inscription,
                    key=key,
                    not_before=not_before,
                    useless_after=session.debut,
                    event_at=session.debut,
                )
            )
    return items
