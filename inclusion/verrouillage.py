"""Sign-in lockout rules, plugged into django-axes (settings AXES_*).

- The account is the e-mail in lower case: changing its case is not a new account.
- The address is read behind INCLUSION_TRUSTED_PROXIES (inclusion.client_ip), as the public
  site does: behind a proxy, clients are not all one address.
- Two limits: failures for one account from one address (axes' own, AXES_FAILURE_LIMIT
  within AXES_COOLOFF_TIME), and failures for one account from every address together
  (INCLUSION_CONNEXION_LIMITE_COMPTE), counted only from addresses that failed within the
  last INCLUSION_CONNEXION_FENETRE_COMPTE seconds: a stranger who fails from elsewhere
  locks a colleague out only until a few quiet minutes have passed.
"""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def nom_de_compte(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the e-mail typed, trimmed and in lower case."""
    champ = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        valeur = credentials.get(champ)
    else:
        donnees = getattr(request, "POST", None) or {}
        valeur = donnees.get(champ) or donnees.get("email")
    valeur = (valeur or "").strip().lower()
    return valeur or None


def limite_compte():
    return int(getattr(settings, "INCLUSION_CONNEXION_LIMITE_COMPTE", 20))


def fenetre_compte():
    secondes = int(getattr(settings, "INCLUSION_CONNEXION_FENETRE_COMPTE", 5 * 60))
    return datetime.timedelta(seconds=secondes)


def echecs_du_compte(username, now=None):
    """Failures for `username` from every address that failed within the account window."""
    if not username:
        return 0
    depuis = (now or timezone.now()) - fenetre_compte()
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=depuis).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


class VerrouillageHandler(AxesDatabaseHandler):
    """Axes' database handler (per account and address) plus the account-wide limit."""

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        now = getattr(request, "axes_attempt_time", None)
        if echecs_du_compte(username, now) >= limite_compte():
            # Counted as locked, whatever this address did.
            return max(failures, get_failure_limit(request, credentials))
        return failures
