"""gunicorn settings for Inclusion numérique (docs/PRODUCTION.md).

    gunicorn -c deploy/gunicorn.conf.py inclusion.wsgi

Everything is read from the environment, with values that suit one 2-core host:
GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT,
GUNICORN_FORWARDED_ALLOW_IPS, GUNICORN_ACCESS_LOG.

The access log never carries a query string (a search for a name, a signed parameter) nor
the secret part of a path (a chèque or carnet code, an invitation token…): see MASKED_PREFIXES.
"""

import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads keep a worker's heartbeat going during a long request (a streamed open-data file,
# a PDF), so `timeout` only kills a worker that is really stuck.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (a slow leak cannot grow for ever).
max_requests = 2000
max_requests_jitter = 200
# The proxy's address: only then does gunicorn trust X-Forwarded-Proto (HTTPS) from it.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# %(U)s is the path without its query string; the time is in microseconds.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus'

# Paths whose next segments are secrets (codes printed on paper, signed links, tokens).
MASKED_PREFIXES = (
    "/c/",
    "/p/",
    "/s/",
    "/sms/stop/",
    "/pro/invitation/",
    "/pro/mon-compte/email/confirmer/",
    "/pro/compte/nouveau-mot-de-passe/",
    "/pilotage/partage/",
    "/kiosque/activer/",
    "/ateliers/calendrier/",
    "/orientations/",
    "/admin/password_reset/confirm/",
)
_MASK = re.compile("^(" + "|".join(re.escape(p) for p in MASKED_PREFIXES) + r").+")


def mask_path(path):
    """The path as the access log shows it: everything after a known prefix becomes '…'
    (a password-reset link has two secret segments; nginx's map does the same)."""
    return _MASK.sub(r"\1…", path)


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = mask_path(atoms.get("U", ""))
        # Never the raw request line nor the query string, even if the format is changed.
        atoms["r"] = f"{atoms.get('m', '')} {atoms['U']} {atoms.get('H', '')}"
        atoms["q"] = ""
        return atoms


logger_class = MaskingLogger
