"""Error reporting (Sentry or a compatible service such as GlitchTip, optional) and its
scrubbing (issue 19).

Nothing about a person and no secret leaves: `scrub` runs on every event and transaction
before it is sent, whatever an integration put in it. What stays is what a developer needs to
find a bug: the exception's class and message (without PostgreSQL's DETAIL lines, which quote
the row's values), the stack without local variables, the route, the method, the release."""

import os
import re
from urllib.parse import urlsplit, urlunsplit

# Request headers kept; every other one (Cookie, Authorization, X-Forwarded-For, Referer…) goes.
EN_TETES_GARDES = frozenset({"content-type", "content-length", "accept", "host"})
# A path segment that may be a secret: carnet and chèque codes (/p/<code>), opt-out and
# invitation tokens, signed links. Ids of a few digits stay.
SEGMENT_SECRET = re.compile(r"^(?=.*\d)[^/]{8,}$")
MASQUE = "[masqué]"


def _scrub_url(url):
    parts = urlsplit(url)
    path = "/".join(
        MASQUE if SEGMENT_SECRET.match(segment) else segment for segment in parts.path.split("/")
    )
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _scrub_request(request):
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    if request.get("url"):
        request["url"] = _scrub_url(request["url"])
    headers = request.get("headers")
    if isinstance(headers, dict):
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in EN_TETES_GARDES}


def _scrub_frames(container):
    for frame in ((container or {}).get("stacktrace") or {}).get("frames") or ():
        frame.pop("vars", None)


def _without_detail(value):
    """An exception message without its PostgreSQL DETAIL lines (they quote a row's values)."""
    if not isinstance(value, str):
        return value
    return "\n".join(line for line in value.splitlines() if not line.startswith("DETAIL:"))


def scrub(event, hint=None):
    """The event without request bodies, cookies, query strings, headers beyond a few,
    secret-looking path segments, the user beyond an id, local variables and SQL parameters.
    Modifies and returns `event` (the before_send contract)."""
    if isinstance(event.get("request"), dict):
        _scrub_request(event["request"])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    for exception in (event.get("exception") or {}).get("values") or ():
        _scrub_frames(exception)
        if "value" in exception:
            exception["value"] = _without_detail(exception["value"])
    for thread in (event.get("threads") or {}).get("values") or ():
        _scrub_frames(thread)
    breadcrumbs = event.get("breadcrumbs") or {}
    crumbs = breadcrumbs.get("values", ()) if isinstance(breadcrumbs, dict) else breadcrumbs
    for item in (*crumbs, *(event.get("spans") or ())):
        if isinstance(item.get("data"), dict):
            item["data"].pop("db.params", None)
    return event


def traces_sample_rate():
    """SENTRY_TRACES_SAMPLE_RATE (0 to 1; 0 by default: errors only, no performance traces)."""
    try:
        rate = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0)
    except ValueError:
        return 0.0
    return min(max(rate, 0.0), 1.0)


def init_sentry(dsn, environment="", release=""):
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate(),
        before_send=scrub,
        before_send_transaction=scrub,
    )
