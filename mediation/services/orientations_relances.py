"""The periodic sweep of orientations (`manage.py relances_orientations`): nobody forgotten.

- D+10 and D+20 without a decision: the places that have not refused get a reminder with a
  fresh link (one per level; a sweep that missed D+10 sends only the latest level);
- D+30 without a decision: expirée, and the prescripteur is told;
- acceptée and the service given (presence at the session of the registration, or an activity
  record of the place's structure with the person since the decision): terminée. A session
  orientation still waiting whose person came (registered with the request) ends too: the
  service was given, and neither reminders nor an expiry "no answer" would be true.

Idempotent: every change is a conditional UPDATE, so two sweeps at once do each thing once.
Without `wet_run` it only counts what it would do.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ateliers.enums import StatutInscription
from mediation.enums_orientations import EN_ATTENTE, StatutOrientation
from mediation.models import Orientation, Participant
from mediation.services import orientations_avis as avis
from mediation.services.orientations import DELAI_EXPIRATION, RELANCES, journal, relaunch_places
from mediation.services.orientations_decision import finish


def _waiting():
    """Waiting for a decision, and the service not already given (those end instead)."""
    return Orientation.objects.filter(statut__in=EN_ATTENTE).exclude(
        inscription__statut=StatutInscription.PRESENT
    )


def _due_expiry(now):
    return _waiting().filter(cree_le__lte=now - DELAI_EXPIRATION)


def _due_reminders(now):
    """(level, queryset) from the latest level down, excluding those about to expire."""
    open_ = _waiting().filter(cree_le__gt=now - DELAI_EXPIRATION)
    dues = []
    for level in range(len(RELANCES), 0, -1):
        qs = open_.filter(relances__lt=level, cree_le__lte=now - RELANCES[level - 1])
        if level < len(RELANCES):
            qs = qs.exclude(cree_le__lte=now - RELANCES[level])
        dues.append((level, qs))
    return dues


def _given_service():
    """Accepted orientations whose service shows as given."""
    presence = Orientation.objects.filter(
        statut__in=(StatutOrientation.ACCEPTEE, *EN_ATTENTE),
        inscription__statut=StatutInscription.PRESENT,
    )
    record = Participant.objects.filter(
        beneficiaire=OuterRef("beneficiaire"),
        activite__structure=OuterRef("lieu__structure"),
        activite__supprime_le__isnull=True,
        activite__date__gte=OuterRef("decide_le__date"),
    )
    by_record = Orientation.objects.filter(
        statut=StatutOrientation.ACCEPTEE, inscription__isnull=True
    ).filter(Exists(record))
    return presence, by_record


def _finish_unanswered(orientation, now):
    """A waiting session orientation whose person came: terminée without a decision."""
    with transaction.atomic():
        done = Orientation.objects.filter(pk=orientation.pk, statut__in=EN_ATTENTE).update(
            statut=StatutOrientation.TERMINEE, termine_le=now
        )
        if done:
            orientation.refresh_from_db()
            journal("fin", orientation, via="presence", sans_reponse=True)
    return bool(done)


def sweep(*, now=None, wet_run=True):
    """One pass; returns {what: count}."""
    now = now or timezone.now()
    counts = {}
    expiring = _due_expiry(now)
    reminders = _due_reminders(now)
    presence, by_record = _given_service()
    if not wet_run:
        counts["expirées"] = expiring.count()
        for level, qs in reminders:
            counts[f"relances J+{RELANCES[level - 1].days}"] = qs.count()
        counts["terminées"] = presence.count() + by_record.count()
        return {k: v for k, v in counts.items() if v}

    for orientation in expiring.select_related("structure", "prescripteur").iterator():
        with transaction.atomic():
            done = Orientation.objects.filter(pk=orientation.pk, statut__in=EN_ATTENTE).update(
                statut=StatutOrientation.EXPIREE, expire_le=now
            )
            if done:
                orientation.refresh_from_db()
                journal("expiration", orientation)
                avis.expiration_au_prescripteur(orientation)
                counts["expirées"] = counts.get("expirées", 0) + 1

    for level, qs in reminders:
        label = f"relances J+{RELANCES[level - 1].days}"
        for orientation in qs.iterator():
            with transaction.atomic():
                won = Orientation.objects.filter(
                    pk=orientation.pk, statut__in=EN_ATTENTE, relances__lt=level
                ).update(relances=level, relance_le=now)
                if won:
                    orientation.refresh_from_db()
                    relaunch_places(orientation, now, motif="relance", niveau=level)
                    journal("relance", orientation, niveau=level)
                    counts[label] = counts.get(label, 0) + 1

    for orientation in presence.iterator():
        if orientation.statut == StatutOrientation.ACCEPTEE:
            done = finish(orientation=orientation, via="presence", now=now)
        else:
            done = _finish_unanswered(orientation, now)
        if done:
            counts["terminées"] = counts.get("terminées", 0) + 1
    for orientation in by_record.iterator():
        activite = (
            Participant.objects.filter(
                beneficiaire_id=orientation.beneficiaire_id,
                activite__structure_id=orientation.lieu.structure_id,
                activite__supprime_le__isnull=True,
                activite__date__gte=timezone.localdate(orientation.decide_le),
            )
            .select_related("activite")
            .order_by("activite__date", "activite_id")
            .first()
        )
        if activite and finish(
            orientation=orientation, activite=activite.activite, via="activite", now=now
        ):
            counts["terminées"] = counts.get("terminées", 0) + 1
    return counts
