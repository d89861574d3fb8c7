"""The dashboard as a PDF (WeasyPrint, as the pass booklets): the page's content with the
collectivité's name and logo (inclusion.registry.habillage) and the print stylesheet.

WeasyPrint fetches nothing from the network: the logo and the stylesheets are read from the
media storage and the static files; any other address is refused."""

import mimetypes
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

CSS_PATHS = ("mediation/pilotage.css", "mediation/pilotage_pdf.css")


class Refused(ValueError):
    pass


def url_fetcher(url):
    """Only /static/… and /media/… (the logo), read locally."""
    path = url.split("://", 1)[-1]
    if url.startswith(("http://", "https://")):
        path = "/" + path.split("/", 1)[-1] if "/" in path else "/"
    elif url.startswith("file://"):
        path = url[len("file://") :]
    if path.startswith(settings.MEDIA_URL) and ".." not in path:
        name = path[len(settings.MEDIA_URL) :]
        with default_storage.open(name, "rb") as f:
            data = f.read()
    elif path.startswith(settings.STATIC_URL) and ".." not in path:
        found = finders.find(path[len(settings.STATIC_URL) :])
        if not found:
            raise Refused(url)
        with open(found, "rb") as f:
            data = f.read()
    else:
        raise Refused(url)
    return {"string": data, "mime_type": mimetypes.guess_type(path)[0] or "", "redirected_url": url}


@lru_cache(maxsize=1)
def _printing():
    from weasyprint import CSS  # heavy import, only when printing
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    sheets = [CSS(filename=finders.find(p), font_config=font_config) for p in CSS_PATHS]
    return font_config, sheets


def render_pdf(context, request=None):
    """The PDF (bytes) of the dashboard's `context` (the page's own)."""
    from weasyprint import HTML

    font_config, sheets = _printing()
    html = render_to_string("mediation/pilotage/pdf.html", context, request=request)
    return HTML(string=html, base_url="/", url_fetcher=url_fetcher).write_pdf(
        stylesheets=sheets, font_config=font_config
    )
