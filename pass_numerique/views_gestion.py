"""Dashboards (coordinators) and reimbursement statements (coordinators, and the lieux'
structures for their own): parse → check permission → call a service → render."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from inclusion import perms as socle
from pass_numerique import perms, reports
from pass_numerique.enums import StatutReleve
from pass_numerique.models import Programme
from pass_numerique.services import expiry, reimbursement, stats


def _require_coordinateur(user):
    if not perms.can_manage_programmes(user):
        raise PermissionDenied("Cette page est réservée aux coordinateurs du pass numérique.")


def _require_pro(user):
    if not socle.can_access_pro(user):
        raise PermissionDenied("Cette page est réservée aux professionnels.")


def _past_months(today, count=12):
    month = reimbursement.first_of_month(today)
    result = []
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        result.append(month)
    return result


class EtablirForm(forms.Form):
    mois = forms.TypedChoiceField(
        label="Mois des encaissements",
        coerce=datetime.date.fromisoformat,
        help_text="Un relevé par lieu et par programme, pour les chèques encaissés ce mois-là.",
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mois"].choices = [
            (m.isoformat(), date_format(m, "F Y").capitalize()) for m in _past_months(today)
        ]


class PaiementForm(forms.Form):
    paye_le = forms.DateField(
        label="Date du paiement",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="La date du virement ou du mandat.",
    )


class ReleveFilterForm(forms.Form):
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous"), *StatutReleve.choices]
    )
    programme = forms.ModelChoiceField(
        label="Programme", required=False, queryset=Programme.objects.all(), empty_label="Tous"
    )
    mois = forms.DateField(
        label="Mois",
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="Par exemple 2026-10.",
    )


def accueil(request):
    """Programmes with their key figures and the J-30 alerts."""
    _require_coordinateur(request.user)
    programmes = list(Programme.objects.select_related("financeur").order_by("-fin_validite"))
    return render(
        request,
        "pass_numerique/gestion/accueil.html",
        {
            "programmes": programmes,
            "alertes": expiry.alerts(),
            "a_expirer": expiry.programmes_to_expire(),
        },
    )


def tableau_de_bord(request, pk):
    _require_coordinateur(request.user)
    programme = get_object_or_404(Programme.objects.select_related("financeur"), pk=pk)
    alertes = expiry.alerts(programme=programme)
    return render(
        request,
        "pass_numerique/gestion/tableau_de_bord.html",
        {
            "programme": programme,
            "t": stats.programme_dashboard(programme=programme),
            "alerte": alertes[0] if alertes else None,
            "today": timezone.localdate(),
        },
    )


def releves(request):
    _require_pro(request.user)
    qs = reimbursement.releves_for_user(request.user).select_related("lieu__structure", "programme")
    filtre = ReleveFilterForm(request.GET or None)
    if filtre.is_valid():
        data = filtre.cleaned_data
        if data["statut"]:
            qs = qs.filter(statut=data["statut"])
        if data["programme"]:
            qs = qs.filter(programme=data["programme"])
        if data["mois"]:
            qs = qs.filter(mois=data["mois"].replace(day=1))
    is_coord = perms.can_manage_programmes(request.user)
    today = timezone.localdate()
    return render(
        request,
        "pass_numerique/gestion/releves.html",
        {
            "releves": qs[:500],
            "filtre": filtre,
            "is_coordinateur": is_coord,
            "etablir_form": EtablirForm(today=today) if is_coord else None,
        },
    )


@require_POST
def build_releves(request):
    _require_coordinateur(request.user)
    form = EtablirForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        messages.error(request, "Choisissez un mois dans la liste.")
        return redirect("pass_gestion:releves")
    mois = form.cleaned_data["mois"]
    try:
        results = reimbursement.build_statements(acteur=request.user, mois=mois)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pass_gestion:releves")
    label = date_format(mois, "F Y")
    if results:
        nb = sum(r.ajoutes for r in results)
        messages.success(
            request,
            f"{len(results)} relevé(s) établi(s) pour {label}, avec {nb} chèque(s).",
        )
    else:
        messages.info(
            request,
            f"Aucun nouveau relevé pour {label} : tous les chèques encaissés ce mois-là sont "
            "déjà sur un relevé.",
        )
    return redirect(f"{_url_releves()}?mois={mois:%Y-%m}")


def _url_releves():
    return reverse("pass_gestion:releves")


def _get_releve(request, pk):
    _require_pro(request.user)
    # Another structure's statement answers 404: its existence stays hidden.
    return get_object_or_404(
        reimbursement.releves_for_user(request.user).select_related(
            "lieu__structure", "lieu__commune", "programme__financeur", "paye_par", "genere_par"
        ),
        pk=pk,
    )


def _lignes(releve):
    lignes = list(reimbursement.statement_lines(releve))
    return {"lignes": lignes, "sans_cheque_papier": sum(e.sans_cheque_papier for e in lignes)}


def releve_detail(request, pk):
    releve = _get_releve(request, pk)
    is_coord = perms.can_manage_programmes(request.user)
    form = None
    if is_coord and releve.statut == StatutReleve.A_PAYER:
        form = PaiementForm(initial={"paye_le": timezone.localdate()})
    return render(
        request,
        "pass_numerique/gestion/releve.html",
        {
            "releve": releve,
            "numero": reports.numero_releve(releve),
            "form": form,
            "is_coordinateur": is_coord,
            **_lignes(releve),
        },
    )


def mark_releve_paid(request, pk):
    _require_coordinateur(request.user)
    releve = _get_releve(request, pk)
    form = PaiementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reimbursement.mark_paid(
                acteur=request.user, releve=releve, paye_le=form.cleaned_data["paye_le"]
            )
        except ValidationError as error:
            form.add_error("paye_le", error)
        else:
            messages.success(
                request,
                f"Relevé {reports.numero_releve(releve)} payé : ses {releve.nb_cheques} "
                "chèque(s) sont remboursés.",
            )
            return redirect("pass_gestion:releve", pk=releve.pk)
    return render(
        request,
        "pass_numerique/gestion/releve.html",
        {
            "releve": releve,
            "numero": reports.numero_releve(releve),
            "form": form,
            "is_coordinateur": True,
            **_lignes(releve),
        },
        status=422 if form.errors else 200,
    )


def releve_pdf(request, pk):
    releve = _get_releve(request, pk)
    response = HttpResponse(reports.statement_pdf(releve), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(releve, "pdf")}"'
    return response


def releve_csv(request, pk):
    releve = _get_releve(request, pk)
    response = HttpResponse(reports.statement_csv(releve), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(releve, "csv")}"'
    return response
