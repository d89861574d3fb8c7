"""The kiosk's state, kept in the Django session under one key.

    request.session["kiosque"] = {"lieu": 12, "appareil": 3 or None, "debut": iso, "fin": iso,
                                  "vu": iso, "parcours": {...}}

"parcours" holds only what the current journey needs (ids, never a name or a number shown
again later); "Recommencer" and the inactivity timer delete it.

Inactivity is enforced on the server too ("vu" is the last kiosk request): a journey left
idle past the browser's countdown is dropped on the next request, and a shift left idle for
KIOSQUE_SESSION_INACTIVE_SECONDES (30 minutes) ends then, whatever the browser did.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from inclusion.services.journal import write_journal

CLE = "kiosque"


# The browser's countdown normally clears the journey first; the server is the backstop.
MARGE_SERVEUR = datetime.timedelta(seconds=30)


def duree_service():
    return datetime.timedelta(seconds=int(getattr(settings, "KIOSQUE_DUREE_SERVICE", 4 * 60 * 60)))


def delai_inactivite():
    """Seconds without a touch before the browser asks "Vous êtes encore là ?"."""
    return int(getattr(settings, "KIOSQUE_INACTIVITE_SECONDES", 120))


def delai_compte_a_rebours():
    return int(getattr(settings, "KIOSQUE_COMPTE_A_REBOURS_SECONDES", 10))


def limite_parcours():
    """Idle time after which the server drops the journey (browser delay + countdown)."""
    secondes = delai_inactivite() + delai_compte_a_rebours()
    return datetime.timedelta(seconds=secondes) + MARGE_SERVEUR


def limite_session():
    """Idle time after which the server ends the shift (the session)."""
    secondes = int(getattr(settings, "KIOSQUE_SESSION_INACTIVE_SECONDES", 30 * 60))
    return datetime.timedelta(seconds=secondes)


def write_journal_kiosque(*, acteur, lieu, action, **details):
    """One journal line: who (the account), where (the lieu), what. Never personal data."""
    write_journal(
        acteur=acteur,
        action=f"kiosque.{action}",
        structure=lieu.structure if lieu is not None else None,
        details={"lieu": lieu.pk if lieu is not None else None, **details},
    )


def start_service(request, *, lieu, appareil=None, mode, now=None):
    """Start the volunteer's shift at `lieu`: the session ends with the shift."""
    now = now or timezone.now()
    fin = now + duree_service()
    request.session[CLE] = {
        "lieu": lieu.pk,
        "appareil": appareil.pk if appareil is not None else None,
        "debut": now.isoformat(),
        "fin": fin.isoformat(),
        "vu": now.isoformat(),
        "parcours": {},
    }
    request.session.set_expiry(int(duree_service().total_seconds()))
    write_journal_kiosque(
        acteur=request.user,
        lieu=lieu,
        action="debut_service",
        connexion=mode,
        appareil=appareil.pk if appareil is not None else None,
    )


def etat(request):
    return request.session.get(CLE)


def service_termine(etat_, now=None):
    fin = datetime.datetime.fromisoformat(etat_["fin"])
    return (now or timezone.now()) >= fin


def inactif_depuis(etat_, now=None):
    """Time since the last kiosk request of this shift (none known yet: zero, so that a shift
    started before "vu" existed is not ended at once)."""
    vu = etat_.get("vu")
    if not vu:
        return datetime.timedelta(0)
    return (now or timezone.now()) - datetime.datetime.fromisoformat(vu)


def record_activity(request, now=None):
    state = etat(request)
    state["vu"] = (now or timezone.now()).isoformat()
    request.session.modified = True


def parcours(request):
    return (etat(request) or {}).get("parcours") or {}


def update_parcours(request, **valeurs):
    state = etat(request)
    state["parcours"] = {**(state.get("parcours") or {}), **valeurs}
    request.session.modified = True


def reset_parcours(request):
    """Drop everything the current journey held."""
    state = etat(request)
    if state is not None:
        state.pop("parcours", None)
        state["parcours"] = {}
        request.session.modified = True
