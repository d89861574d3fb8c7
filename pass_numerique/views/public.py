""" "Mon pass" (/p/<code>): public, no account; guessing is rate-limited per address.

The public site (cms) serves the same lookup inside its own page and keys the limit on the
client's address as it reads it behind trusted proxies: it calls `trop_d_echecs` and
`record_echec` with that address, and `mon_pass_view(request, code, ip=…)` as a fallback.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import render

from pass_numerique import codes
from pass_numerique.services import mon_pass

MAX_ECHECS = 10
FENETRE = 15 * 60  # seconds


def _cle(ip):
    return f"pass:mon_pass:echecs:{ip}"


def trop_d_echecs(ip):
    """True once MAX_ECHECS unknown codes came from this address within FENETRE."""
    return cache.get(_cle(ip), 0) >= MAX_ECHECS


def record_echec(ip):
    key = _cle(ip)
    cache.add(key, 0, timeout=FENETRE)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=FENETRE)


@login_not_required
def mon_pass_view(request, code, ip=None):
    ip = request.META.get("REMOTE_ADDR", "") if ip is None else ip
    if trop_d_echecs(ip):
        return _render(request, "trop", status=429)
    try:
        info = mon_pass.lookup(code)
    except codes.InvalidCode:
        info = None
    if info is None:
        record_echec(ip)
        return _render(request, "inconnu", status=404)
    return _render(request, "ok", info=info)


def _render(request, etat, status=200, info=None):
    response = render(
        request, "pass_numerique/public/mon_pass.html", {"etat": etat, "pass": info}, status=status
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
