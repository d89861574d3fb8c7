"""Sessions confined to one part of the site.

A higher layer that signs people in with a weaker secret (the kiosk's PIN) or on a shared
device confines the session right after `login()`:

    session_scope.confine(request, prefixe="/kiosque/", retour="/kiosque/connexion/",
                           action="kiosque.session.hors_kiosque", message="…")

From then on, `SessionScopeMiddleware` lets that session reach only URLs under `prefixe`
(plus what every page loads: static files, /habillage.css, /sante/). Any other URL that
leads to a view ends the session (logout), writes `action` to the journal and sends the
person to `retour`. Being a middleware, the rule holds for every door (espace pro, admin,
public site, SMS pages…) without the socle knowing who confined the session.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from inclusion.services.journal import write_journal

CLE = "_portee_session"

# Not pages: what a confined page loads besides its own prefix.
TOUJOURS_PERMIS = ("/habillage.css", "/sante/")


def confine(request, *, prefixe, retour, action, message=""):
    """Confine the signed-in session of `request` to URLs under `prefixe`."""
    request.session[CLE] = {
        "prefixe": prefixe,
        "retour": retour,
        "action": action,
        "message": message,
    }


def portee(request):
    """The confinement of this request's session, or None."""
    session = getattr(request, "session", None)
    return session.get(CLE) if session is not None else None


def _permis(request, prefixe):
    path = request.path_info
    if request.path.startswith(prefixe) or path in TOUJOURS_PERMIS:
        return True
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and path.startswith(url):
            return True
    try:
        resolve(path)
    except Resolver404:
        # No view answers (a browser's automatic /favicon.ico, /apple-touch-icon.png…): a
        # 404 shows nothing, and must not end a volunteer's shift.
        return True
    return False


class SessionScopeMiddleware:
    """Ends a confined session that asks for a URL outside its scope. Placed after the
    authentication and messages middlewares."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = portee(request)
        if scope and not _permis(request, scope.get("prefixe") or "/"):
            return self._end_session(request, scope)
        return self.get_response(request)

    def _end_session(self, request, scope):
        # The first segment only ("pro", "admin"): a full path may carry a code.
        segment = request.path_info.strip("/").split("/", 1)[0][:40]
        write_journal(
            acteur=request.user,
            action=scope.get("action") or "session.hors_portee",
            details={"espace": segment},
        )
        logout(request)
        if scope.get("message"):
            messages.info(request, scope["message"])
        return redirect(scope.get("retour") or "/")
