"""Filters of the sessions list and of the choice of a session for a person."""

import copy

import django_filters
from django import forms
from django.http import QueryDict

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


class FiltresConstants:
    """A FilterSet whose filters are the same for every request. django-filter deep-copies
    them for each FilterSet and builds its form class again (a fifth of a sessions list's
    filtering work); here the form class is built once per FilterSet class (Django's Form
    still copies its fields for each form) and each filter is a shallow copy that knows its
    FilterSet, as its method (`method=`) needs. What changes per request is set on the
    form's fields, never on the filters."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for nom, filtre in self.base_filters.items():
            filtre = copy.copy(filtre)
            filtre.model, filtre.parent = queryset.model, self
            if filtre.method is not None:
                filtre.method = filtre.method  # its FilterMethod, bound to this copy
            self.filters[nom] = filtre

    @classmethod
    def _form_class(cls):
        if "_form_class_built" not in cls.__dict__:
            champs = {nom: filtre.field for nom, filtre in cls.base_filters.items()}
            cls._form_class_built = type(f"{cls.__name__}Form", (cls._meta.form,), champs)
        return cls._form_class_built

    def get_form_class(self):
        return self._form_class()


class ChoixEnLignes:
    """A FilterSet whose model choices are read as (pk, label) rows, not model instances:
    `libelles` names each such filter and the field its label shows (what the model's
    __str__ writes). The field's queryset still checks the value asked for."""

    libelles = {}

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for nom, champ in self.libelles.items():
                field = form.fields[nom]
                self._choix(field, field.queryset.values_list("pk", champ))
        return self._form

    @staticmethod
    def _choix(field, lignes):
        vide = [] if field.empty_label is None else [("", field.empty_label)]
        # Django's setter: django-filter's own would wrap the rows in a ModelChoiceIterator.
        forms.ChoiceField.choices.fset(field, vide + list(lignes))


class SessionFilter(ChoixEnLignes, FiltresConstants, django_filters.FilterSet):
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
        """`lieux`: the lieux one may filter by (None: none, when no lieu is asked for);
        `choix_lieux`: the same as (pk, nom, commune) rows already read, shown instead of
        reading `lieux` (which then only checks the lieu asked for)."""
        super().__init__(*args, **kwargs)
        self.lieux = lieux
        self.choix_lieux = choix_lieux

    libelles = {"theme": "titre"}

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            if self.lieux is not None:
                form.fields["lieu"].queryset = self.lieux
            if self.choix_lieux is not None:
                self._choix(
                    form.fields["lieu"],
                    ((pk, libelle_lieu(nom, commune)) for pk, nom, commune in self.choix_lieux),
                )
        return self._form

    # Ranges of instants rather than `debut__date`: the index on `debut` serves them.
    def a_partir_du(self, queryset, name, value):
        return queryset.filter(debut__gte=debut_du_jour(value))

    def jusquau(self, queryset, name, value):
        return queryset.filter(debut__lt=debut_du_lendemain(value))


class ChoixSessionFilter(ChoixEnLignes, FiltresConstants, django_filters.FilterSet):
    """Upcoming sessions for one person: by theme, quartier, commune, date."""

    libelles = {"theme": "titre", "commune": "nom"}

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

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            # Quartier.__str__ from rows: its instances read their commune one query each.
            field = form.fields["quartier"]
            lignes = field.queryset.values_list("pk", "nom", "commune__nom")
            self._choix(field, ((pk, f"{nom} ({commune})") for pk, nom, commune in lignes))
        return self._form
