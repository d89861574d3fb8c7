"""The public pages' cache (wagtail-cache on the "pages" cache).

Rules: only anonymous GETs of Wagtail pages; never a visitor who chose bigger text (the page
carries a class for it); pages whose content moves with time or stock answer `no-cache`
themselves. Any publication, unpublication, move or deletion of a page clears it whole, and
so may a change of the site's look (`clear()`)."""

from functools import wraps

from django.utils.cache import patch_vary_headers
from wagtailcache.cache import cache_page, clear_cache

TEXT_SIZE_COOKIE = "taille_texte"


def wants_big_text(request):
    return request.COOKIES.get(TEXT_SIZE_COOKIE) == "grand"


def cached_page_view(view):
    cached = cache_page(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if wants_big_text(request):
            # Rendered for this visitor: shared caches must not keep it either.
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))
            response["X-Cache-Page"] = "skip"
            return response
        return cached(request, *args, **kwargs)

    return wrapper


def clear(**kwargs):
    clear_cache()
