import django_filters
from django import forms

from inclusion import enums
from inclusion.models import Beneficiaire, Commune, Quartier
from inclusion.search import search_condition


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

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        # Only the communes and quartiers where the people in scope live: a national territory
        # has tens of thousands of them, and a form listing them all took seconds to render.
        if queryset is not None:
            self.filters["commune"].queryset = Commune.objects.filter(
                pk__in=queryset.values("commune_id")
            )
            self.filters["quartier"].queryset = Quartier.objects.select_related("commune").filter(
                pk__in=queryset.values("quartier_id")
            )

    def search(self, queryset, name, value):
        # The same rule as the espace pro's person search.
        return queryset.filter(search_condition(value))
