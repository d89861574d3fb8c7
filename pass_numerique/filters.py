import django_filters
from django import forms

from pass_numerique.enums import StatutCarnet
from pass_numerique.models import Carnet, Programme


class CarnetFilter(django_filters.FilterSet):
    statut = django_filters.ChoiceFilter(
        label="État", choices=StatutCarnet.choices, empty_label="Tous"
    )
    programme = django_filters.ModelChoiceFilter(
        label="Programme", queryset=Programme.objects.all(), empty_label="Tous"
    )
    emis_du = django_filters.DateFilter(
        label="Délivré à partir du",
        field_name="emis_le",
        lookup_expr="date__gte",
        help_text="Exemple : 01/03/2026.",
        widget=forms.DateInput(attrs={"inputmode": "numeric"}, format="%d/%m/%Y"),
        error_messages={"invalid": "Indiquez une date sous la forme 01/03/2026."},
    )
    emis_au = django_filters.DateFilter(
        label="Délivré jusqu'au",
        field_name="emis_le",
        lookup_expr="date__lte",
        help_text="Exemple : 31/03/2026.",
        widget=forms.DateInput(attrs={"inputmode": "numeric"}, format="%d/%m/%Y"),
        error_messages={"invalid": "Indiquez une date sous la forme 31/03/2026."},
    )

    class Meta:
        model = Carnet
        fields = ["statut", "programme", "emis_du", "emis_au"]

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programmes is not None:
            self.filters["programme"].queryset = programmes
