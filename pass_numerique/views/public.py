""" "Mon pass" (/p/<code>): public, no account; guessing is rate-limited per address."""

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import render

from pass_numerique import codes
from pass_numerique.services import mon_pass

MAX_ECHECS = 10
FENETRE = 15 * 60  # seconds


def _cle(request):
    return f"pass:mon_pass:echecs:{request.META.get('REMOTE_ADDR', '')}"


def _echec(request):
    key = _cle(request)
    cache.add(key, 0, timeout=FENETRE)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=FENETRE)


@login_not_required
def mon_pass_view(request, code):
    if cache.get(_cle(request), 0) >= MAX_ECHECS:
        return _render(request, "trop", status=429)
    try:
        info = mon_pass.lookup(code)
    except codes.InvalidCode:
        info = None
    if info is None:
        _echec(request)
        return _render(request, "inconnu", status=404)
    return _render(request, "ok", info=info)


def _render(request, etat, status=200, info=None):
    response = render(
        request, "pass_numerique/public/mon_pass.html", {"etat": etat, "pass": info}, status=status
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
