"""The public site's cache: the one place that keeps pages and what they are built from.

Contract
--------
- What is kept, where: everything lives in the "pages" cache (`store()`), never in the
  default one that holds the rate limits and the generation (a flood of pages must not evict a
  counter). Three kinds of entries:
  1. whole Wagtail pages (home, FALC pages), answered by `cached_page_view` before Wagtail's
     routing;
  2. HTML a journey keeps itself (`keep_html`, `kept_html`, `answer`): the workshop list,
     keyed by the live state of the sessions it shows (read at every request), so seats are
     never stale; a journey may answer before Wagtail's routing with a `register_responder`;
  3. values only a generation can change (`kept`): page URLs, filter choices, the site's
     look (habillage), the places of a programme, "Mon pass" without the holder's part.
- A key is `key(kind, generation(), *what the answer depends on)`: for a whole page the host
  and the path; for the rest, what the caller passes (filters, host, text size, day, live
  state...). Never a person's data: what is the holder's own is put in after the cache.
- What bumps: `bump` is the only writer of the generation (a counter in the default cache). It
  is a signal receiver, connected by the socle (page published, unpublished, moved, deleted)
  and by the cms (the site's look, sites, sessions, themes, places, communes, quartiers,
  programmes, view restrictions). It acts once the change is committed
  (transaction.on_commit; never on a rollback): a new generation, the shared store emptied,
  this process's memory forgotten. Bumped earlier, a request could still read the old rows
  and keep them under the new generation.
- How long: the shared store keeps an entry `TIMEOUT` seconds at most (a bump empties it
  sooner). Each process also keeps `kept` values of the current generation in memory (no
  round trip on a hit) and re-reads the generation at most every `REREAD` second: a change
  made elsewhere shows everywhere within that second.
- Never kept: anything but a GET without parameters for whole pages; a visitor with a
  session or pending messages (their page may carry them), or who chose bigger text; a
  response that is not 200, streams, says private / no-cache / no-store, sets a cookie,
  varies on Cookie, or carries a CSRF token (a form); personal pages (they answer private,
  e.g. "Mon pass" answers no-store); the espace pro, the kiosk and the admin (never served
  through `cached_page_view`).
"""

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import has_vary_header, patch_vary_headers
from django.utils.text import compress_string

TEXT_SIZE_COOKIE = "taille_texte"
GENERATION = "page_cache:generation"
TIMEOUT = 600  # seconds; keys change with the data anyway, this only bounds memory
REREAD = 1.0  # seconds between two reads of the generation by one process
HEADER = "X-Cache-Page"  # hit / miss / skip for whole pages, fresh for a journey's answer
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
NOT_SHARED = ("private", "no-cache", "no-store")

_memo = {}
_read = [None, 0.0]  # generation, monotonic time of its read
_responders = []


def store():
    """The shared store of pages and page fragments."""
    return caches["pages"]


# --- The generation ---------------------------------------------------------------------------


def generation():
    value, read_at = _read
    if value is not None and time.monotonic() - read_at < REREAD:
        return value
    value = cache.get(GENERATION)
    if value is None:  # first use, or evicted: a value no process can hold already
        cache.add(GENERATION, time.time_ns(), None)
        value = cache.get(GENERATION)
    if value != _read[0]:
        _memo.clear()
    _read[:] = [value, time.monotonic()]
    return value


def bump(using=None, **kwargs):
    """Signal receiver: a new generation once the change is committed. A cache outage then is
    logged, not turned into an error page (the change is committed)."""
    transaction.on_commit(_next_generation, using=using, robust=True)


def _next_generation():
    try:
        cache.incr(GENERATION)
    except ValueError:  # not there (evicted): any new value changes the keys
        cache.set(GENERATION, time.time_ns(), None)
    store().clear()
    forget()


def forget():
    """Forget what this process kept (after a bump here, or when the store was emptied)."""
    _memo.clear()
    _read[:] = [None, 0.0]


def key(kind, *parts):
    """The store's key of `kind` ("page", "kept", a journey's name) for these parts."""
    return f"page_cache:{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def kept(compute, *parts):
    """`compute()`, kept for the current generation under `parts` (in this process and in the
    shared store). A None result is not kept."""
    k = key("kept", generation(), *parts)
    if k in _memo:
        return _memo[k]
    value = store().get(k)
    if value is None:
        value = compute()
        if value is None:
            return None
        store().set(k, value, TIMEOUT)
    if len(_memo) > 512:
        _memo.clear()
    _memo[k] = value
    return value


# --- Requests and HTML ------------------------------------------------------------------------


def wants_big_text(request):
    return request.COOKIES.get(TEXT_SIZE_COOKIE) == "grand"


def is_shared(request):
    """A visitor who may get an answer made for everybody: no session, no pending messages."""
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages")
    )


def kept_html(k):
    """(HTML, gzip form) kept under this key, or None."""
    return store().get(k)


def keep_html(k, content):
    """Keep HTML and its gzip form (public content: compressed once, not at every hit)."""
    store().set(k, (content, compress_string(content)), TIMEOUT)


def answer(request, html, status="fresh"):
    """A response from kept (HTML, gzip form), compressed for browsers that accept it."""
    content, compressed = html
    if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(compressed)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content)
    response["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ("Accept-Encoding",))
    response[HEADER] = status
    return response


def may_keep(request, response):
    """The rules of "never kept" on a rendered whole page (see the module's contract)."""
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and not request.GET
        and response.status_code == 200
        and not response.streaming
        and not any(word in cache_control for word in NOT_SHARED)
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token was rendered
    )


# --- Whole pages, and journeys answering before Wagtail's routing -----------------------------


def register_responder(responder):
    """`responder(request)` returns a response it can vouch is up to date (e.g. a list keyed by
    the live state of what it shows), or None. Asked before Wagtail's routing, for shared
    visitors only; registered from a higher layer's AppConfig.ready()."""
    if responder not in _responders:
        _responders.append(responder)


def cached_page_view(view):
    """Wagtail's page view behind the public site's cache (the contract above)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        shared = is_shared(request)
        if shared:
            for responder in _responders:
                response = responder(request)
                if response is not None:
                    return response
        if not shared or wants_big_text(request):
            # Rendered for this visitor: shared caches must not keep it either.
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))
            response[HEADER] = "skip"
            return response
        k = key("page", generation(), request.get_host(), request.get_full_path())
        html = None if request.GET else kept_html(k)
        if html is not None:
            return answer(request, html, "hit")
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()  # a CSRF token is known only once the template has run
        if may_keep(request, response):
            keep_html(k, response.content)
            response[HEADER] = "miss"
        else:
            response[HEADER] = "skip"
        return response

    return wrapper
