"""Journey 4, "Imprimer / envoyer un rappel": a ticket to print (80 mm receipt or A4) with
only what, when, where and the help phone; an SMS only to the person registered in this
journey, only about that session."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from ateliers.models import Session
from inclusion.horaires import horaires_en_clair
from inclusion.models import Lieu
from inclusion.services.telephones import mask_phone
from mediation.services import ateliers as ateliers_services
from mediation.views.common import contexte, inscription_du_parcours, kiosque_requis, log_action

FORMATS_TICKET = ("80mm", "a4")


@never_cache
@require_safe
@kiosque_requis
def rappel(request):
    parcours = request.kiosque.parcours
    inscription = inscription_du_parcours(request)
    session = inscription.session if inscription else None
    if session is None and parcours.get("session"):
        session = ateliers_services.session_ouverte(parcours["session"])
    place = None
    if parcours.get("lieu"):
        place = Lieu.objects.filter(uuid=parcours["lieu"], actif=True).first()
    return render(
        request,
        "mediation/kiosque/rappel.html",
        contexte(
            request,
            inscription=inscription,
            session=session,
            place=place,
            telephone_masque=mask_phone(inscription.beneficiaire.telephone) if inscription else "",
            peut_sms=bool(inscription and inscription.beneficiaire.can_receive_sms),
        ),
    )


@never_cache
@require_POST
@kiosque_requis
def rappel_sms(request):
    """Only to the person registered in this journey, only about that session."""
    inscription = inscription_du_parcours(request)
    if inscription is None:
        raise Http404("Aucune inscription dans ce parcours.")
    result = ateliers_services.send_rappel(acteur=request.user, inscription=inscription)
    log_action(request, "rappel_sms", session=inscription.session_id, envoye=result.sent)
    if result.sent:
        messages.success(
            request,
            f"Le rappel part par SMS au {mask_phone(inscription.beneficiaire.telephone)}.",
        )
    else:
        messages.error(request, f"Le SMS n'est pas envoyé : {result.reason}")
    return redirect("kiosque:rappel")


def _format(request):
    value = request.GET.get("format", "80mm")
    return value if value in FORMATS_TICKET else "80mm"


@never_cache
@require_safe
@kiosque_requis
def ticket_atelier(request, pk):
    session = get_object_or_404(
        Session.objects.select_related("theme", "lieu", "lieu__commune"), pk=pk
    )
    format_ = _format(request)
    log_action(request, "ticket", session=session.pk, format=format_)
    return render(
        request,
        "mediation/kiosque/ticket.html",
        contexte(
            request,
            session=session,
            place=session.lieu,
            format=format_,
            autre_format="a4" if format_ == "80mm" else "80mm",
            url=reverse("kiosque:ticket_atelier", args=[session.pk]),
        ),
    )


@never_cache
@require_safe
@kiosque_requis
def ticket_lieu(request, uuid):
    place = get_object_or_404(
        Lieu.objects.select_related("commune"), uuid=uuid, actif=True, structure__active=True
    )
    format_ = _format(request)
    log_action(request, "ticket", lieu_consulte=place.pk, format=format_)
    return render(
        request,
        "mediation/kiosque/ticket.html",
        contexte(
            request,
            session=None,
            place=place,
            horaires=horaires_en_clair(place.horaires),
            format=format_,
            autre_format="a4" if format_ == "80mm" else "80mm",
            url=reverse("kiosque:ticket_lieu", args=[place.uuid]),
        ),
    )
