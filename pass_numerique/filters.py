import django_filters
from django import forms

from inclusion.filters import FiltresConstants
from pass_numerique.enums import StatutCarnet
from pass_numerique.models import Carnet, Programme


class CarnetFilter(FiltresConstants, django_filters.FilterSet):
    statut = django_filters.ChoiceFilter(
        label="État", choices=StatutCarnet.choices, empty_label="Tous"
    )
    # Coordinators choose among all programmes: their names are all the select shows. A
    # callable, not a queryset that each page's copy of the filters would copy too.
    programme = django_filters.ModelChoiceFilter(
        label="Programme",
        queryset=lambda request: Programme.objects.only("nom"),
        empty_label="Tous",
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
        """`programmes`: the only ones offered, already read by the view (a list in the
        programmes' order); None offers them all."""
        super().__init__(*args, **kwargs)
        if programmes is not None:
            field = self.form.fields["programme"]
            if self.is_bound:  # the queryset checks a value sent; nothing else reads it
                field.queryset = Programme.objects.filter(pk__in=[p.pk for p in programmes])
            # The select shows the programmes given, not a query of the same rows again.
            field.widget.choices = [("", field.empty_label), *((p.pk, str(p)) for p in programmes)]
