"""Helpers shared by the pass numérique views."""

import base64

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import add_never_cache_headers

from inclusion.sms import send_sms
from inclusion.sms.textes import render as render_texte
from pass_numerique import codes
from pass_numerique.perms import can_list_carnets, can_verify


def require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def apply_service_errors(form, error):
    """Put a service's ValidationError on the form (next to a field when it names one)."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            for e in errs:
                form.add_error(field if field in form.fields else None, e)
    else:
        form.add_error(None, error)


SMS_PASS_LIEN = "Votre pass numérique : vos chèques et les lieux où les utiliser sur {lien}"


def sms_body(code):
    """Short, GSM-7 only; coordinators may reword it ("Textes des SMS"). Carries the code:
    never log it."""
    return render_texte(
        "pass_lien", SMS_PASS_LIEN, lien=f"{settings.SITE_URL}/p/{code}", aide=settings.HELP_PHONE
    )


def send_links(*, request, items):
    """Text each carnet's link to its holder; returns the results, in French, without codes."""
    results = []
    for n, item in enumerate(items, start=1):
        carnet = item.carnet
        result = send_sms(
            beneficiaire=carnet.beneficiaire,
            body=sms_body(item.code),
            kind="pass_lien",
            about=carnet,
            acteur=request.user,
            secrets=(item.code, codes.format_code(item.code)),
        )
        results.append({"numero": carnet.numero, "rang": n, "result": result})
    return results


def issue_with_booklet(issue):
    """Run `issue()` (a service returning IssuedCarnet items) and render the booklet in the
    same transaction: if the PDF cannot be made, nothing is issued (codes would be lost)."""
    from pass_numerique.booklet import render_booklet

    with transaction.atomic():
        items = issue()
        items = [i for i in (items if isinstance(items, list) else [items]) if i is not None]
        pdf = render_booklet(items, site_url=settings.SITE_URL) if items else b""
    return items, pdf


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
    "apply_service_errors",
    "can_list_carnets",
    "can_verify",
    "issue_with_booklet",
    "render_booklet_page",
    "require",
    "send_links",
    "sms_body",
]
