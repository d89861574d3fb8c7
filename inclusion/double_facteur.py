"""Second factor (TOTP + recovery codes, django-otp): who must pass it, and the middleware
that holds a session to the sign-in's second step until it does.

`settings.INCLUSION_DOUBLE_FACTEUR` says who must have one:
- "aucun": nobody (someone who enrolled by choice is still asked for it);
- "sensibles": coordinators, superusers, staff, and whoever may open the Wagtail admin;
- "tous": those, and every professional of the espace pro.

The kiosk's sessions (confined by inclusion.session_scope) keep their device + PIN sign-in.

Whether the account has a confirmed device is noted in the session at sign-in (one query
then, none on each request for the many accounts without one). The note only goes stale
when a device appears in another session; enrolling raises `generation_sessions`, which ends
every other session, so no session keeps a "no device" note once the account has one.
"""

import functools

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import user_has_device

from inclusion import perms, session_scope

AUCUN, SENSIBLES, TOUS = "aucun", "sensibles", "tous"

# Session key: whether the account had a confirmed device when the session opened.
CLE_APPAREIL = "_double_facteur_appareil"
# Session key: whether the account could open the Wagtail admin when last looked at.
CLE_ADMIN = "_double_facteur_admin"

# Not pages: what every page loads (same list as the confined sessions').
TOUJOURS_PERMIS = session_scope.TOUJOURS_PERMIS
NAMESPACE = "double_facteur"
VUES_PERMISES = {"pro:deconnexion"}


def _niveau():
    return getattr(settings, "INCLUSION_DOUBLE_FACTEUR", SENSIBLES)


def _required_by_role(user):
    """The part of the rule read from the account and its roles (no permission query)."""
    if _niveau() == AUCUN or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff or perms.is_coordinateur(user):
        return True
    return _niveau() == TOUS and perms.can_access_pro(user)


def _may_open_admin(user):
    return user.has_perm("wagtailadmin.access_admin")


def requires_second_factor(user):
    """Whether `user` must have a second factor, by settings.INCLUSION_DOUBLE_FACTEUR."""
    if _niveau() == AUCUN or not getattr(user, "is_authenticated", False):
        return False
    return _required_by_role(user) or _may_open_admin(user)


def _required_for(request):
    """requires_second_factor for a request, without two permission queries on each page:
    whether the account may open the admin is noted in the session at sign-in, and read
    again at the admin's own door (a permission given since then counts there at once)."""
    user = request.user
    if _niveau() == AUCUN:
        return False
    if _required_by_role(user):
        return True
    note = request.session.get(CLE_ADMIN)
    if note is None or request.path_info.startswith(reverse("wagtailadmin_home")):
        present = _may_open_admin(user)
        if note is not present:
            request.session[CLE_ADMIN] = present
        note = present
    return note


def has_confirmed_device(user):
    return user_has_device(user, confirmed=True)


def note_device(request, present):
    """Record in the session whether the account has a confirmed device."""
    session = getattr(request, "session", None)
    if session is not None:
        session[CLE_APPAREIL] = bool(present)


def _has_device(request):
    session = request.session
    if session.get(CLE_APPAREIL) is False:
        return False
    present = has_confirmed_device(request.user)
    if session.get(CLE_APPAREIL) is not present:
        session[CLE_APPAREIL] = present
    return present


def must_pass_second_factor(request):
    """A signed-in, non-kiosk session that has not passed the second factor yet, of an
    account that must have one or has one (enrolled by choice)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if session_scope.portee(request):
        return False
    if user.is_verified():
        return False
    return _required_for(request) or _has_device(request)


def safe_next(request, url, default="pro:accueil"):
    """`url` when it stays on this site, else the `default` page."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(default)


def url_with_next(url_name, suivant=None):
    url = reverse(url_name)
    return f"{url}?{urlencode({'suivant': suivant})}" if suivant else url


def _is_open(request):
    """What an unverified session may still reach: the second factor's own pages, sign-out,
    static files and what every page loads."""
    path = request.path_info
    if path in TOUJOURS_PERMIS:
        return True
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        if prefix and path.startswith(prefix):
            return True
    try:
        match = resolve(path)
    except Resolver404:
        return True  # nothing answers there: a 404 shows nothing
    return NAMESPACE in match.namespaces or match.view_name in VUES_PERMISES


class DoubleFacteurMiddleware:
    """Sends a session that must pass the second factor to its page (enter a code, or set
    one up) from every door: espace pro, Wagtail admin, higher layers, public site. Placed
    after the OTP and session scope middlewares. A POST is answered by the same redirect
    and does nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if must_pass_second_factor(request) and not _is_open(request):
            return second_factor_redirect(request)
        return self.get_response(request)


def second_factor_redirect(request):
    """To the code (a confirmed device) or to the enrolment, then back to a GET's page."""
    cible = f"{NAMESPACE}:verifier" if _has_device(request) else f"{NAMESPACE}:activer"
    suivant = request.get_full_path() if request.method in ("GET", "HEAD") else None
    return redirect(url_with_next(cible, suivant))


def second_factor_passed(view):
    """For the second factor's own pages that change it (or someone else's): the middleware
    lets their namespace through, so they check it themselves."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if must_pass_second_factor(request):
            return second_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        note_device(request, has_confirmed_device(user))
        request.session.pop(CLE_ADMIN, None)  # looked at again on the first page


user_logged_in.connect(_on_login, dispatch_uid="inclusion.double_facteur.on_login")
