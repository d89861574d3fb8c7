""" "Délivrer un pass": choose the person, then confirm; the booklet is shown once."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from inclusion import perms as socle
from inclusion.forms import RecherchePersonneForm, apply_service_errors
from inclusion.models import Beneficiaire
from pass_numerique import perms
from pass_numerique.enums import StatutProgramme
from pass_numerique.forms import DelivrerForm
from pass_numerique.models import Enveloppe
from pass_numerique.services import issuance
from pass_numerique.views.common import (
    render_booklet_page,
    require,
)

NOT_PRESCRIPTEUR = (
    "Seuls les prescripteurs d'une structure qui a une enveloppe de chèques délivrent un pass."
)


def enveloppes_for_issuing(user, enveloppes=None):
    """Envelopes the user may issue from today: active programme, not too late, theirs.
    `enveloppes`: the user's envelopes with their programme, when the page has read them
    already (the carnets list), to choose among without another query."""
    limite = timezone.localdate() + datetime.timedelta(days=15)
    if enveloppes is None:
        enveloppes = Enveloppe.objects.for_user(user).select_related("programme", "structure")
    return [
        e
        for e in enveloppes
        if e.programme.statut == StatutProgramme.ACTIF
        and e.programme.fin_validite > limite
        and perms.can_issue_carnet(user, e)
    ]


def choose_personne(request):
    user = request.user
    enveloppes = enveloppes_for_issuing(user)
    require(enveloppes, NOT_PRESCRIPTEUR)
    form = RecherchePersonneForm(request.GET if "q" in request.GET else None, autofocus=True)
    return render(
        request,
        "pass_numerique/pro/delivrer_choix.html",
        {
            "form": form,
            "resultats": form.search(user),
            "anonyme_possible": any(e.programme.anonyme_autorise for e in enveloppes),
            "can_create": socle.can_create_beneficiaire(user),
        },
        status=422 if form.errors else 200,
    )


def confirm_personne(request, uuid):
    beneficiaire = get_object_or_404(
        Beneficiaire.objects.for_user(request.user).select_related("commune"), uuid=uuid
    )
    return _confirm(request, beneficiaire)


def confirm_anonyme(request):
    return _confirm(request, None)


def _confirm(request, beneficiaire):
    user = request.user
    enveloppes = enveloppes_for_issuing(user)
    if beneficiaire is None:
        enveloppes = [e for e in enveloppes if e.programme.anonyme_autorise]
    require(enveloppes, NOT_PRESCRIPTEUR)
    peut_sms = beneficiaire is not None and beneficiaire.can_receive_sms
    queryset = Enveloppe.objects.filter(pk__in=[e.pk for e in enveloppes]).select_related(
        "programme", "structure"
    )
    form = DelivrerForm(
        request.POST if request.method == "POST" else None, enveloppes=queryset, peut_sms=peut_sms
    )
    deja = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delivery = issuance.deliver_carnets(
                acteur=user,
                enveloppe=data["enveloppe"],
                beneficiaire=beneficiaire,
                nombre=data["nombre"],
                demande_id=data["demande_id"],
                send_sms_links=bool(data.get("envoyer_sms")),
            )
        except issuance.AlreadyIssued as error:
            deja = error.carnets
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return render_booklet_page(
                request,
                items=delivery.items,
                pdf=delivery.pdf,
                titre="Le pass est délivré",
                sms=delivery.sms,
            )
    return render(
        request,
        "pass_numerique/pro/delivrer_confirmer.html",
        {
            "form": form,
            "beneficiaire": beneficiaire,
            "peut_sms": peut_sms,
            "deja": deja,
        },
        status=422 if form.errors else (409 if deja else 200),
    )
