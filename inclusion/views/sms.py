"""SMS pages: a beneficiary's history and opt-out, the public STOP link, the statistics."""

import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from inclusion import perms
from inclusion.jours import debut_du_jour
from inclusion.models import OptOut, SmsMessage
from inclusion.sms.optout import accept_sms, beneficiaire_du_jeton, refuse_sms
from inclusion.sms.statistiques import ECHECS, colonnes, price_per_segment, type_en_mots
from inclusion.views.dossier import file_allowed

HISTORY_SIZE = 20
FAILURES_SIZE = 20
MONTHS = 12


class Ligne:
    """One message as staff see it: never the number, the body only while nothing is masked."""

    def __init__(self, message):
        self.date = message.envoye_le or message.cree_le
        self.type = type_en_mots(message.kind)
        self.statut = message.get_statut_display()
        self.echec = message.statut in ECHECS
        self.erreur = message.erreur if self.echec else ""
        self.masque = bool(message.a_masquer) or not message.corps
        self.corps = "" if self.masque else message.corps


def historique(beneficiaire, user):
    """Context for the file: the last 20 messages (one query) and the opt-out (one query)."""
    rows = SmsMessage.objects.filter(beneficiaire=beneficiaire).only(
        "kind", "statut", "erreur", "corps", "a_masquer", "cree_le", "envoye_le"
    )[:HISTORY_SIZE]
    telephone = beneficiaire.telephone.as_e164 if beneficiaire.telephone else ""
    return {
        "lignes": [Ligne(m) for m in rows],
        "telephone": bool(telephone),
        "refus": bool(telephone) and OptOut.objects.filter(telephone=telephone).exists(),
        "peut_modifier": bool(telephone) and perms.can_edit_beneficiaire(user, beneficiaire),
    }


def _beneficiaire_modifiable(request, uuid):
    beneficiaire = file_allowed(
        request, uuid, perms.can_edit_beneficiaire, "Vous ne pouvez pas modifier ce dossier."
    )
    if not beneficiaire.telephone:
        raise Http404("Cette personne n'a pas de téléphone.")
    return beneficiaire


@require_http_methods(["GET", "POST"])
def refus(request, uuid):
    """Confirm, then record that the number wants no more SMS."""
    beneficiaire = _beneficiaire_modifiable(request, uuid)
    telephone = beneficiaire.telephone.as_e164
    if request.method == "POST":
        refuse_sms(telephone=telephone, canal="pro", acteur=request.user)
        messages.success(request, "Ce numéro ne recevra plus de SMS.")
        return redirect("pro:beneficiaire_detail", uuid=beneficiaire.uuid)
    return render(request, "inclusion/pro/sms/refus.html", {"b": beneficiaire})


class ReautoriserForm(forms.Form):
    demande = forms.BooleanField(
        label="La personne m'a demandé de recevoir de nouveau des SMS",
        help_text="Ne cochez que si la personne l'a demandé elle-même.",
        error_messages={"required": "Cochez cette case pour confirmer la demande de la personne."},
    )


@require_http_methods(["GET", "POST"])
def allow_sms_again(request, uuid):
    """Remove the opt-out, only when the person asks for it."""
    beneficiaire = _beneficiaire_modifiable(request, uuid)
    form = ReautoriserForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        accept_sms(telephone=beneficiaire.telephone, canal="pro", acteur=request.user)
        messages.success(request, "Ce numéro peut de nouveau recevoir des SMS.")
        return redirect("pro:beneficiaire_detail", uuid=beneficiaire.uuid)
    return render(
        request,
        "inclusion/pro/sms/reautoriser.html",
        {"b": beneficiaire, "form": form},
        status=422 if form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def stop(request, token):
    """Public page behind the link sent by SMS: a big button, no account needed."""
    beneficiaire = beneficiaire_du_jeton(token)
    if beneficiaire is None:
        return render(request, "inclusion/public/sms_stop.html", {"invalide": True}, status=404)
    fait = False
    if request.method == "POST":
        refuse_sms(telephone=beneficiaire.telephone, canal="lien")
        fait = True
    return render(request, "inclusion/public/sms_stop.html", {"fait": fait})


def _month_start(day):
    return day.replace(day=1)


def statistiques(request):
    """Coordinators: per month (last 12) counts and estimated cost, then recent failures."""
    if not perms.is_coordinateur(request.user):
        raise PermissionDenied("Les statistiques des SMS sont réservées aux coordinateurs.")
    today = timezone.localdate()
    first = _month_start(today)
    for _ in range(MONTHS - 1):
        first = _month_start(first - datetime.timedelta(days=1))
    since = debut_du_jour(first)
    rows = (
        SmsMessage.objects.filter(cree_le__gte=since)
        .annotate(mois=TruncMonth("cree_le"))
        .values("mois")
        .annotate(**colonnes())
        .order_by("mois")
    )
    prix = price_per_segment()
    by_month = {}
    for row in rows:
        mois = row["mois"]
        if isinstance(mois, datetime.datetime):
            mois = timezone.localtime(mois).date() if timezone.is_aware(mois) else mois.date()
        by_month[_month_start(mois)] = row
    mois_list = []
    day = first
    empty = {"messages": 0, "segments": 0, "envoyes": 0, "recus": 0, "echecs": 0, "expires": 0}
    for _ in range(MONTHS):
        row = {**empty, **by_month.get(day, {})}
        row["mois"] = day
        row["cout"] = (prix * row["segments"]).quantize(Decimal("0.01"))
        mois_list.append(row)
        day = _month_start(day + datetime.timedelta(days=31))
    mois_list.reverse()
    total = {key: sum(r[key] for r in mois_list) for key in (*empty, "cout")}
    echecs = [
        Ligne(m)
        for m in SmsMessage.objects.filter(statut__in=ECHECS).only(
            "kind", "statut", "erreur", "corps", "a_masquer", "cree_le", "envoye_le"
        )[:FAILURES_SIZE]
    ]
    return render(
        request,
        "inclusion/pro/sms/statistiques.html",
        {"mois": mois_list, "total": total, "echecs": echecs, "prix": prix},
    )
