import re

import django_filters
from django import forms
from django.db.models import Q

from inclusion import enums
from inclusion.models import Beneficiaire, Commune, Quartier


def _phone_fragment(text):
    """Turn "06 12 34" into "+33612 34"-comparable digits: "+33" + digits without the 0."""
    digits = re.sub(r"\D", "", text)
    if len(digits) < 4:
        return None
    if digits.startswith("0"):
        return "+33" + digits[1:]
    if digits.startswith("33"):
        return "+" + digits
    return digits


class BeneficiaireFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Nom, prénom ou téléphone",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    commune = django_filters.ModelChoiceFilter(
        label="Commune", queryset=Commune.objects.all(), empty_label="Toutes"
    )
    quartier = django_filters.ModelChoiceFilter(
        label="Quartier", queryset=Quartier.objects.select_related("commune"), empty_label="Tous"
    )
    tranche_age = django_filters.ChoiceFilter(
        label="Tranche d'âge", choices=enums.TrancheAge.choices, empty_label="Toutes"
    )

    class Meta:
        model = Beneficiaire
        fields = ["q", "commune", "quartier", "tranche_age"]

    def search(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            condition &= Q(prenom__icontains=word) | Q(nom__icontains=word)
        fragment = _phone_fragment(value)
        if fragment:
            condition |= Q(telephone__contains=fragment)
        return queryset.filter(condition)
