"""Helpers shared by the pass numérique views."""

import base64

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import add_never_cache_headers

from pass_numerique.perms import can_list_carnets, can_verify


def require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def render_booklet_page(request, *, items, pdf, titre, sms=None, remplace=None):
    """The only time the clear codes exist: a PDF embedded in the page, never stored.

    Cache-Control: no-store, so neither the browser nor a proxy keeps the page."""
    premier = items[0].carnet
    response = render(
        request,
        "pass_numerique/pro/livret.html",
        {
            "titre": titre,
            "carnets": [i.carnet for i in items],
            "nb_cheques": sum(i.carnet.nb_cheques for i in items),
            "pdf_base64": base64.b64encode(pdf).decode("ascii"),
            "pdf_nom": f"pass-numerique-{premier.numero}.pdf",
            "pdf_taille_ko": max(1, len(pdf) // 1024),
            "beneficiaire": premier.beneficiaire,
            "sms": sms,
            "remplace": remplace,
        },
    )
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


__all__ = [
    "can_list_carnets",
    "can_verify",
    "render_booklet_page",
    "require",
]
