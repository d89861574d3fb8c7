"""The territory's open data (/opendata/): the datasets page and the files, public.

Every answer may be kept by any cache for a while (Cache-Control public, max-age): nothing
here depends on who asks. The places' files and the workshops' JSON and iCal are streamed, a
record at a time (mediation.opendata.flux).
"""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from mediation.opendata import ateliers, catalogue, data_inclusion, lieux

PAGE_MAX_AGE = 300


def _file(response, url_name):
    """Content type, download name and cache lifetime of one of the catalogue's formats."""
    fmt = catalogue.format_by_url_name(url_name)
    if fmt.media_type.startswith("text/"):
        response["Content-Type"] = f"{fmt.media_type}; charset=utf-8"
    else:
        response["Content-Type"] = fmt.media_type
    response["Content-Disposition"] = f'inline; filename="{fmt.fichier}"'
    patch_cache_control(response, public=True, max_age=fmt.max_age)
    return response


def _stream(chunks, url_name):
    return _file(StreamingHttpResponse(chunks), url_name)


def _json(data, url_name):
    body = json.dumps(data, ensure_ascii=False, indent=1).encode()
    return _file(HttpResponse(body), url_name)


@login_not_required
@require_safe
def list_datasets(request):
    """The datasets page: each one's description, licence, frequency, last change, formats."""
    jeux = [
        {
            "jeu": jeu,
            "derniere_maj": jeu.derniere_maj(),
            "formats": [
                (fmt, request.build_absolute_uri(reverse(fmt.url_name))) for fmt in jeu.formats
            ],
        }
        for jeu in catalogue.JEUX
    ]
    response = render(
        request,
        "mediation/opendata/jeux.html",
        {"jeux": jeux, "licence": catalogue.LICENCE, "licence_url": catalogue.LICENCE_URL},
    )
    patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)
    return response


@login_not_required
@require_safe
def export_catalogue(request):
    """The datasets page as data, for portals that harvest."""
    data = catalogue.as_json(lambda name: request.build_absolute_uri(reverse(name)))
    body = json.dumps(data, ensure_ascii=False, indent=1).encode()
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'inline; filename="catalogue.json"'
    patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)
    return response


@login_not_required
@require_safe
def export_lieux_csv(request):
    return _stream(lieux.csv_lines(), "opendata:lieux_csv")


@login_not_required
@require_safe
def export_lieux_json(request):
    return _stream(lieux.json_chunks(), "opendata:lieux_json")


@login_not_required
@require_safe
def export_structures(request):
    return _json(data_inclusion.structures(), "opendata:di_structures")


@login_not_required
@require_safe
def export_services(request):
    return _json(data_inclusion.services(request), "opendata:di_services")


@login_not_required
@require_safe
def export_ateliers_json(request):
    return _stream(ateliers.sessions_json(request), "opendata:ateliers_json")


@login_not_required
@require_safe
def export_ateliers_ics(request):
    return _stream(ateliers.flux_ical(), "opendata:ateliers_ics")
