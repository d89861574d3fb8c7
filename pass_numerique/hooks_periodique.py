"""Issue 19: this layer's chores for the periodic command (registry.register_periodic).

The end of validity, once a day: the J-30 alert list (shown on the programmes' page) is counted,
then the chèques and carnets past their tolerance expire (`manage.py expire_pass` by hand)."""

import datetime

from django.utils import timezone

from inclusion.registry import Travail, register_periodic


def expire_passes(now):
    from pass_numerique.services import expiry

    today = timezone.localdate(now)
    alertes = expiry.alerts(today=today)
    done = expiry.expire_all(today=today)
    return {
        "programmes en alerte": len(alertes),
        "chèques expirés": sum(item.cheques for item in done),
        "carnets expirés": sum(item.carnets for item in done),
    }


register_periodic(
    Travail(
        "expiration_pass",
        "Alertes J-30 et expiration des pass",
        expire_passes,
        datetime.timedelta(days=1),
        ordre=10,
    )
)
