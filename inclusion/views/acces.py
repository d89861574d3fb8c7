"""The person's access document (issue 18): the page, the PDF and the JSON. Each one is a
read of the whole file: each writes its journal line (inclusion.services.acces)."""

import json
import mimetypes

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from inclusion import registry
from inclusion.services import acces
from inclusion.views.dossier import file_allowed


def _document(request, uuid, format):
    """404 for a file the user may not open (its existence stays hidden), 403 for one they
    may open without the right to produce the copy (a médiateur)."""
    beneficiaire = file_allowed(
        request,
        uuid,
        acces.can_produce,
        "Seuls un prescripteur de la structure et la coordination du territoire "
        "produisent la copie des données d'une personne.",
    )
    document = acces.access_document(acteur=request.user, beneficiaire=beneficiaire, format=format)
    return beneficiaire, document


def _filename(document, extension):
    jour = f"{document.produit_le:%Y%m%d}"
    return f"donnees-personne-{document.beneficiaire_uuid[:8]}-{jour}.{extension}"


@never_cache
def apercu(request, uuid):
    beneficiaire, document = _document(request, uuid, "apercu")
    return render(request, "inclusion/acces/apercu.html", {"b": beneficiaire, "document": document})


def _url_fetcher(url):
    """WeasyPrint reads the logo from the media storage only: nothing from the network."""
    path = url.split("://", 1)[-1]
    if url.startswith(("http://", "https://")):
        path = "/" + path.split("/", 1)[-1] if "/" in path else "/"
    if not path.startswith(settings.MEDIA_URL) or ".." in path:
        raise ValueError(url)
    with default_storage.open(path[len(settings.MEDIA_URL) :], "rb") as f:
        data = f.read()
    return {"string": data, "mime_type": mimetypes.guess_type(path)[0] or ""}


def render_pdf(document, request=None):
    from weasyprint import CSS, HTML  # heavy import, only when printing

    context = {"document": document, "habillage": registry.habillage(request)}
    html = render_to_string("inclusion/acces/pdf.html", context)
    css = render_to_string("inclusion/acces/pdf.css")
    return HTML(string=html, base_url="/", url_fetcher=_url_fetcher).write_pdf(
        stylesheets=[CSS(string=css)]
    )


@never_cache
def pdf(request, uuid):
    _, document = _document(request, uuid, "pdf")
    response = HttpResponse(render_pdf(document, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(document, "pdf")}"'
    return response


@never_cache
def json_view(request, uuid):
    _, document = _document(request, uuid, "json")
    body = json.dumps(document.as_json(), ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(document, "json")}"'
    return response
