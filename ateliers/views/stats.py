"""Attendance statistics for coordinators (the territory) and médiateurs (their lieux)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from ateliers.services import stats

MAX_JOURS = 3 * 366


class PeriodeForm(forms.Form):
    du = forms.DateField(
        label="Du",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Premier jour, par exemple 01/09/2026.",
        error_messages={
            "required": "Indiquez le premier jour de la période.",
            "invalid": "Saisissez une date, par exemple 01/09/2026.",
        },
    )
    au = forms.DateField(
        label="Au",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Dernier jour, inclus.",
        error_messages={
            "required": "Indiquez le dernier jour de la période.",
            "invalid": "Saisissez une date, par exemple 30/11/2026.",
        },
    )

    def clean(self):
        data = super().clean()
        du, au = data.get("du"), data.get("au")
        if du and au:
            if du > au:
                self.add_error("au", "La date de fin doit être après la date de début.")
            elif (au - du).days > MAX_JOURS:
                self.add_error("du", "La période ne peut pas dépasser 3 ans.")
        return data


def statistiques(request):
    if not stats.can_view_statistiques(request.user):
        raise PermissionDenied("Cette page est réservée aux médiateurs et aux coordinateurs.")
    du, au = stats.periode_par_defaut()
    if "du" in request.GET or "au" in request.GET:
        form = PeriodeForm(request.GET)
    else:
        form = PeriodeForm(initial={"du": du, "au": au})
    resultat = None
    if not form.is_bound or form.is_valid():
        if form.is_bound:
            du, au = form.cleaned_data["du"], form.cleaned_data["au"]
        resultat = stats.statistiques(user=request.user, du=du, au=au)
    return render(
        request,
        "ateliers/stats/statistiques.html",
        {
            "form": form,
            "stats": resultat,
            "perimetre_complet": stats.structures_visibles(request.user) is None,
        },
    )
