"""The workshop list served from a cache that never shows stale seats.

The list's HTML is kept under a key made of everything it shows that can change:
- the state of the very sessions it shows (which ones, seats taken, waiting list, status),
  read live by one light query at every request — a registration, a cancellation or a
  promotion from the waiting list changes that state, hence the key;
- a generation number bumped when a session, a theme, a place, a commune, a quartier, the
  site's look or a page changes (names, addresses, the filter choices), once that change is
  committed (bumped earlier, a request could still read the old rows and keep them under the
  new generation);
- the filters asked, the day (the words "aujourd'hui", "demain") and the text size.
So a hit costs the routing and one query; nothing that a visitor could act on is ever older
than the database. The generation is a counter in the default cache; what it keys (HTML,
choices, URLs) lives in the pages' cache, so no number of pages can evict a rate limit."""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from inclusion import page_cache

ACCEPTE_GZIP = re.compile(r"\bgzip\b")

GENERATION = "cms:ateliers:generation"
DUREE = 600  # seconds; keys change with the data anyway, this only bounds memory

# What a session card shows that the services change with UPDATE statements (no signal):
# seats, waiting list, status. Times, place, theme change through save() (a new generation).
ETAT = ("pk", "statut", "capacite", "nb_inscrits", "nb_attente")


# Each process also keeps what it read for the current generation (no shared-cache round
# trip, no unpickling on a hit); the generation itself is re-read at most every second, so a
# new name or place shows everywhere within a second (at once in the process that saved it).
# Seats never depend on this: they are in the live state read at every request.
RELECTURE = 1.0  # seconds
_memoire = {}
_generation_lue = [None, 0.0]  # value, monotonic time of the read


def generation():
    value, lue = _generation_lue
    if value is not None and time.monotonic() - lue < RELECTURE:
        return value
    value = cache.get(GENERATION)
    if value is None:
        cache.add(GENERATION, 1, None)
        value = cache.get(GENERATION, 1)
    if value != _generation_lue[0]:
        _memoire.clear()
    _generation_lue[:] = [value, time.monotonic()]
    return value


def nouvelle_generation(using=None, **kwargs):
    """Signal receiver: a new generation once the change is committed."""
    page_cache.on_commit(changer_de_generation, using=using)


def changer_de_generation():
    try:
        cache.incr(GENERATION)
    except ValueError:  # not there yet (or evicted): any new value changes the keys
        cache.set(GENERATION, 2, None)
    oublier()


def oublier():
    """Forget what this process kept (after a change here, or when the cache is emptied)."""
    _memoire.clear()
    _generation_lue[:] = [None, 0.0]


def _garde(key, calcul):
    if key in _memoire:
        return _memoire[key]
    pages = page_cache.pages()
    value = pages.get(key)
    if value is None:
        value = calcul()
        pages.set(key, value, DUREE)
    if len(_memoire) > 512:
        _memoire.clear()
    _memoire[key] = value
    return value


def servie_depuis_le_cache(request):
    """Not for a visitor with a session or pending messages: their page may carry them."""
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages")
    )


def cle(*parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"cms:ateliers:liste:{digest}"


def choix(calcul, *parts):
    """The filters' choices, kept for the current generation."""
    return _garde(cle("choix", generation(), *parts), calcul)


def gardee(calcul, *parts):
    """A value that only the changes counted by the generation can alter (page URLs, the
    places of a programme), kept for the current generation."""
    return _garde(cle("valeur", generation(), *parts), calcul)


def page_des_ateliers(request):
    """(pk, URL, has a view restriction) of the live workshops' page for this host, or ()."""

    def calcul():
        from cms.models import AteliersIndexPage

        page = AteliersIndexPage.objects.live().first()
        if page is None:
            return ()
        return (page.pk, page.get_url(request), page.get_view_restrictions().exists())

    return gardee(calcul, "page_ateliers", request.get_host())


def repondre(request):
    """Fast path, registered with the socle's page cache: the workshop list's HTML straight
    from the cache when its key (live state of the sessions shown) finds it, without
    Wagtail's routing. Anything else (a miss, filters in error, a restricted page, a visitor
    with a session) goes the normal way, which renders and stores it."""
    if not servie_depuis_le_cache(request):
        return None
    page = page_des_ateliers(request)
    if not page or page[2] or request.path != page[1]:
        return None
    from cms.journeys.ateliers import Liste

    key = Liste(page[0], request).cle()
    gardee = html_garde(key) if key else None
    return reponse(request, gardee) if gardee else None


def html_garde(key):
    """(HTML, gzip form) kept under this key, or None."""
    return page_cache.pages().get(key)


def garder_html(key, contenu):
    """Keep the HTML and its gzip form (public content, no secret: compressed once)."""
    page_cache.pages().set(key, (contenu, compress_string(contenu)), DUREE)


def reponse(request, gardee):
    from cms.journeys import commun

    contenu, compresse = gardee
    if ACCEPTE_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(compresse)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(contenu)
    response["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ("Accept-Encoding",))
    return commun.privee(response)


def url_de_page(page, request):
    """A page's URL for this host, kept for the generation (a move or a new slug publishes)."""
    return gardee(lambda: page.get_url(request), "url_de_page", page.pk, request.get_host())
