"""/media/images/…: the public site's image renditions, read from the media storage (local
disk or S3), for hosts where nginx does not serve them from disk. Every other media name is
a 404 here: exports and documents have their own doors with permission checks."""

import mimetypes

from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from inclusion.stockage import is_public

CACHE_SECONDS = 30 * 24 * 3600  # the same as deploy/nginx: a rendition's name never changes


@login_not_required
@require_safe
def image_publique(request, chemin):
    # S3 opens lazily: ask first, so that a missing name is a 404 and not a 500.
    if not is_public(chemin) or not default_storage.exists(chemin):
        raise Http404
    fichier = default_storage.open(chemin, "rb")
    response = FileResponse(fichier, content_type=mimetypes.guess_type(chemin)[0])
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
