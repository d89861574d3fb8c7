"""Filters of the sessions list and of the choice of a session for a person."""

import django_filters
from django import forms

from ateliers.enums import StatutSession
from ateliers.models import Session, Theme
from inclusion.filters import FiltresConstants
from inclusion.forms import DATE_ERRORS, DATE_WIDGET
from inclusion.jours import debut_du_jour, debut_du_lendemain
from inclusion.models import Commune, Lieu, Quartier
from inclusion.queries import RequeteCompilee


def libelle_lieu(nom, commune):
    return f"{nom} — {commune}"


class LieuFilterField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return libelle_lieu(obj.nom, obj.commune.nom)


class LieuFilter(django_filters.ModelChoiceFilter):
    field_class = LieuFilterField


class ChoixEnLignes:
    """A FilterSet whose model choices are read as (pk, label) rows, not model instances:
    `libelles` names each such filter and the field its label shows (what the model's
    __str__ writes). The field's queryset still checks the value asked for. Such a field's
    queryset is the filter's own, the same on every page: its SQL is written once a process
    (RequeteCompilee; `_lignes`)."""

    libelles = {}
    _requetes = {}

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for nom, champ in self.libelles.items():
                field = form.fields[nom]
                self._choix(field, self._lignes(nom, field.queryset, "pk", champ))
        return self._form

    @classmethod
    def _lignes(cls, nom, queryset, *champs):
        """Rows of `champs` of the filter `nom`'s queryset (constant for the class)."""
        requete = ChoixEnLignes._requetes.get((cls, nom))
        if requete is None:
            requete = RequeteCompilee(lambda: queryset.values_list(*champs), nombre=0)
            ChoixEnLignes._requetes[(cls, nom)] = requete
        return requete.rows((), queryset.db)

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
        """`lieux`: the lieux one may filter by (their queryset checks the lieu asked for);
        `choix_lieux`: the same as (pk, nom, commune) rows already read, shown instead of
        reading `lieux` again."""
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
            lignes = self._lignes("quartier", field.queryset, "pk", "nom", "commune__nom")
            self._choix(field, ((pk, f"{nom} ({commune})") for pk, nom, commune in lignes))
        return self._form
