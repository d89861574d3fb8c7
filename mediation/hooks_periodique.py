"""Issue 19: this layer's chores for the periodic command (registry.register_periodic).

The orientations without an answer: reminders at D+10 and D+20, expiry at D+30, automatic
ends (`manage.py relances_orientations --wet-run` by hand). Idempotent and cheap when nothing
is due, so on every pass: an end is seen within minutes of the attendance that causes it."""

import datetime

from inclusion.registry import Travail, register_periodic


def sweep_orientations(now):
    from mediation.services.orientations_relances import sweep

    return sweep(now=now, wet_run=True)


register_periodic(
    Travail(
        "relances_orientations",
        "Relances, expirations et fins des orientations",
        sweep_orientations,
        datetime.timedelta(0),
        ordre=30,
    )
)


def refresh_dashboards(now):
    from mediation.services.pilotage_instantanes import refresh

    return refresh(now)


register_periodic(
    Travail(
        "pilotage_instantanes",
        "Chiffres du pilotage calculés en arrière-plan (grands territoires)",
        refresh_dashboards,
        datetime.timedelta(minutes=5),
        ordre=40,
    )
)
