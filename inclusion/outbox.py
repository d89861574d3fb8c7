"""What the SMS and e-mail outboxes share: the claim of one due row, the lease, the backoff.

An outbox row is written in the same transaction as the change that causes it; a worker then
claims it (only one worker can), sends it, and records the result. A crashed worker's claim
expires after LEASE; a failed send waits backoff(attempt) before the next try.
Both outbox models have the fields `statut`, `pas_avant` and `tentatives`.
"""

import datetime

from django.db.models import F
from django.utils import timezone

LEASE = datetime.timedelta(minutes=5)


def backoff(attempt):
    """1, 2, 4, 8… minutes, at most an hour."""
    return datetime.timedelta(minutes=min(2 ** (attempt - 1), 60))


def claim(model, pk, *, a_envoyer, now):
    """Claim the due, unsent row `pk`: True for the one worker that moved it forward."""
    return bool(
        model.objects.filter(pk=pk, statut=a_envoyer, pas_avant__lte=now).update(
            tentatives=F("tentatives") + 1, pas_avant=now + LEASE
        )
    )


def due(model, *, a_envoyer, now):
    """The rows due now: unsent, their time (send window, retry) come. The sweep delivers
    them; the readiness check (/sante/pret/) reports the oldest one's wait."""
    return model.objects.filter(statut=a_envoyer, pas_avant__lte=now)


def due_ids(model, *, a_envoyer, now, limit=500):
    """The rows a periodic sweep delivers: due, unsent, oldest first."""
    return list(
        due(model, a_envoyer=a_envoyer, now=now)
        .order_by("pas_avant", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def send_due(model, deliver, *, a_envoyer, now=None, limit=500):
    """The periodic sweep: `deliver(pk, now=now)` every due row; counts by new status."""
    counts = {}
    for pk in due_ids(model, a_envoyer=a_envoyer, now=now or timezone.now(), limit=limit):
        statut = deliver(pk, now=now)
        if statut is not None:
            counts[statut] = counts.get(statut, 0) + 1
    return counts
