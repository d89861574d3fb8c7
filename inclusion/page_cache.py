"""The public pages' cache (wagtail-cache on the "pages" cache).

Rules: only anonymous GETs of Wagtail pages; never a visitor who chose bigger text (the page
carries a class for it); pages whose content moves with time or stock answer `no-cache`
themselves. Any publication, unpublication, move or deletion of a page clears it whole, and
so may a change of the site's look (`clear()`), once the change is committed.

Pages and page fragments live in the "pages" cache (`pages()`), never in the default one that
holds the rate limits: a flood of pages must not evict a counter."""

from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils.cache import patch_vary_headers
from wagtailcache.cache import cache_page, clear_cache

TEXT_SIZE_COOKIE = "taille_texte"


_fresh_responders = []


def register_fresh_responder(responder):
    """`responder(request)` returns a response it can vouch is up to date (e.g. a list keyed
    by the live state of what it shows), or None. Asked before Wagtail's routing; from a
    higher layer's AppConfig.ready()."""
    if responder not in _fresh_responders:
        _fresh_responders.append(responder)


def wants_big_text(request):
    return request.COOKIES.get(TEXT_SIZE_COOKIE) == "grand"


def cached_page_view(view):
    cached = cache_page(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            for responder in _fresh_responders:
                response = responder(request)
                if response is not None:
                    response["X-Cache-Page"] = "fresh"
                    return response
        if wants_big_text(request):
            # Rendered for this visitor: shared caches must not keep it either.
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))
            response["X-Cache-Page"] = "skip"
            return response
        return cached(request, *args, **kwargs)

    return wrapper


def pages():
    """The cache of kept pages and page fragments (wagtail-cache's own)."""
    return caches[getattr(settings, "WAGTAIL_CACHE_BACKEND", "pages")]


def on_commit(fonction, using=None):
    """Run a cache bump once the current transaction commits (at once outside one), never if
    it rolls back: a request running before the commit would rebuild the old content and keep
    it under the new key. The change is committed by then, so a cache outage is logged rather
    than turned into an error page."""
    transaction.on_commit(fonction, using=using, robust=True)


def clear(using=None, **kwargs):
    """Signal receiver: empties the pages' cache once the change is committed."""
    on_commit(clear_cache, using=using)
