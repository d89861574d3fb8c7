"""Issue 19: this layer's chores for the periodic command (registry.register_periodic).

The workshop reminders (48 h before, the morning of) are queued on every pass, before the SMS
sweep of the same pass sends those already due (`manage.py rappels_ateliers` by hand)."""

import datetime

from inclusion.registry import Travail, register_periodic


def queue_reminders(now):
    from ateliers.services.rappels import sweep

    written = sweep(now=now)
    return {"rappels mis en file": written} if written else {}


register_periodic(
    Travail(
        "rappels_ateliers",
        "Rappels SMS des ateliers",
        queue_reminders,
        datetime.timedelta(0),
        ordre=20,
    )
)
