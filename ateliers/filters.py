"""Filters of the sessions list and of the choice of a session for a person."""

import django_filters
from django import forms

from ateliers.enums import StatutSession
from ateliers.models import Session, Theme
from inclusion.forms import DATE_ERRORS, DATE_WIDGET
from inclusion.jours import debut_du_jour, debut_du_lendemain
from inclusion.models import Commune, Lieu, Quartier


def libelle_lieu(nom, commune):
    return f"{nom} — {commune}"


class LieuFilterField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return libelle_lieu(obj.nom, obj.commune.nom)


class LieuFilter(django_filters.ModelChoiceFilter):
    field_class = LieuFilterField


class SessionFilter(django_filters.FilterSet):
    lieu = LieuFilter(label="Lieu", queryset=Lieu.objects.none(), empty_label="Tous")
    theme = django_filters.ModelChoiceFilter(
        label="Thème", queryset=Theme.objects.all(), empty_label="Tous"
    )
    statut = django_filters.ChoiceFilter(
        label="Statut", choices=StatutSession.choices, empty_label="Tous"
    )
    du = django_filters.DateFilter(
        label="À partir du",
        method="a_partir_du",
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages=DATE_ERRORS,
    )
    au = django_filters.DateFilter(
        label="Jusqu'au",
        method="jusquau",
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages=DATE_ERRORS,
    )

    class Meta:
        model = Session
        fields = ["lieu", "theme", "statut", "du", "au"]

    def __init__(self, *args, lieux=None, choix_lieux=None, **kwargs):
        """`lieux`: the lieux one may filter by; `choix_lieux`: the same as (pk, nom, commune)
        rows already read, shown instead of reading `lieux` again (which then only checks
        the lieu asked for)."""
        super().__init__(*args, **kwargs)
        if lieux is not None:
            self.filters["lieu"].queryset = lieux
        self.choix_lieux = choix_lieux

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            if self.choix_lieux is not None:
                field = form.fields["lieu"]
                field.choices = [("", field.empty_label)] + [
                    (pk, libelle_lieu(nom, commune)) for pk, nom, commune in self.choix_lieux
                ]
        return self._form

    # Ranges of instants rather than `debut__date`: the index on `debut` serves them.
    def a_partir_du(self, queryset, name, value):
        return queryset.filter(debut__gte=debut_du_jour(value))

    def jusquau(self, queryset, name, value):
        return queryset.filter(debut__lt=debut_du_lendemain(value))


class ChoixSessionFilter(django_filters.FilterSet):
    """Upcoming sessions for one person: by theme, quartier, commune, date."""

    theme = django_filters.ModelChoiceFilter(
        label="Thème", queryset=Theme.objects.filter(actif=True), empty_label="Tous"
    )
    commune = django_filters.ModelChoiceFilter(
        label="Commune",
        field_name="lieu__commune",
        queryset=Commune.objects.filter(lieux__sessions_ateliers__isnull=False).distinct(),
        empty_label="Toutes",
    )
    quartier = django_filters.ModelChoiceFilter(
        label="Quartier",
        field_name="lieu__quartier",
        queryset=Quartier.objects.filter(lieux__sessions_ateliers__isnull=False).distinct(),
        empty_label="Tous",
    )
    du = django_filters.DateFilter(
        label="À partir du",
        field_name="debut",
        lookup_expr="date__gte",
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages=DATE_ERRORS,
    )

    class Meta:
        model = Session
        fields = ["theme", "commune", "quartier", "du"]
