import copy

import django_filters
from django import forms
from django.db.models import F, Window
from django.db.models.functions import DenseRank
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict
from django.utils.safestring import mark_safe

from inclusion import enums
from inclusion.models import Beneficiaire, Commune, Quartier
from inclusion.search import search_condition
from inclusion.tables import cellule_html


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


class BeneficiaireFilter(FiltresConstants, django_filters.FilterSet):
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

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            # Only the communes and quartiers where the people in scope live: a national
            # territory has tens of thousands of them, and a form listing them all took
            # seconds to render. The fields' querysets check what is sent (built only then);
            # the selects show _offer_places' rows.
            if self.is_bound:
                form.fields["commune"].queryset = Commune.objects.filter(
                    pk__in=self.queryset.values("commune_id")
                )
                form.fields["quartier"].queryset = Quartier.objects.select_related(
                    "commune"
                ).filter(pk__in=self.queryset.values("quartier_id"))
            self._offer_places(form)
        return self._form

    def _offer_places(self, form):
        """The selects' communes and quartiers from one query of plain rows: the same lists,
        labels and order as the fields' querysets (which still check what is sent). The
        database sorts both, by its collation: the quartiers' order comes as a rank."""
        rows = (
            self.queryset.annotate(
                rang_quartier=Window(
                    DenseRank(),
                    order_by=[F("quartier__commune__nom"), F("quartier__nom"), F("quartier_id")],
                )
            )
            .values_list(
                "commune_id",
                "commune__nom",
                "quartier_id",
                "quartier__nom",
                "quartier__commune__nom",
                "rang_quartier",
            )
            .order_by("commune__nom", "commune_id")
            .distinct()
        )
        communes, quartiers = {}, {}
        for commune_id, commune, quartier_id, quartier, commune_du_quartier, rang in rows:
            if commune_id is not None:
                communes.setdefault(commune_id, commune)
            if quartier_id is not None:
                quartiers[quartier_id] = (rang, f"{quartier} ({commune_du_quartier})")
        form.fields["commune"].widget.choices = [("", "Toutes"), *communes.items()]
        form.fields["quartier"].widget.choices = [("", "Tous")] + [
            (pk, label) for pk, (_, label) in sorted(quartiers.items(), key=lambda q: q[1])
        ]

    def search(self, queryset, name, value):
        # The same rule as the espace pro's person search.
        return queryset.filter(search_condition(value))


# What Django's widget templates write: every value escaped unless it is safe (stringformat
# keeps a safe value safe), as cellule_html does.
def _attributes(attrs):
    # Django's widgets/attrs.html: False leaves the attribute out, True writes its name only.
    return "".join(
        f" {cellule_html(name)}"
        if value is True
        else f' {cellule_html(name)}="{cellule_html(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class SelectRapide(forms.Select):
    """Django's Select with the same HTML as its templates (widgets/select.html and
    select_option.html), written in Python: a template per <option> was a third of a list
    page's time (bench/README.md "http_views"). A queryset of choices is read with one plain
    query instead of ModelChoiceIterator's server-side cursor (three round trips)."""

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(self.choices, ModelChoiceIterator):
            iterator = self.choices
            empty = iterator.field.empty_label
            self.choices = ([("", empty)] if empty is not None else []) + [
                iterator.choice(obj) for obj in iterator.queryset.all()
            ]
        # Select.get_context without its option dicts (create_option per option): a plain
        # Select's option has no attribute but `selected`, on the first match only.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        values, has_selected = widget["value"], False
        parts = [f'<select name="{cellule_html(widget["name"])}"{_attributes(widget["attrs"])}>']
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            group = isinstance(option_label, (list, tuple))
            if group:
                parts.append(f'\n  <optgroup label="{cellule_html(option_value)}">')
            for subvalue, sublabel in option_label if group else [(option_value, option_label)]:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    subvalue
                ) in values
                has_selected |= selected
                choisi = " selected" if selected else ""
                parts.append(
                    f'\n  <option value="{cellule_html(subvalue)}"{choisi}>'
                    f"{cellule_html(sublabel)}</option>\n"
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class EntreeRapide:
    """Django's text, search, date and number inputs with the same HTML as their templates
    (widgets/<type>.html including input.html and attrs.html), written in Python: a filter
    form's two dates cost 1,400 calls a page through the templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        valeur = widget["value"]
        valeur = "" if valeur is None else f' value="{cellule_html(valeur)}"'
        return mark_safe(
            f'<input type="{cellule_html(widget["type"])}" name="{cellule_html(widget["name"])}"'
            f"{valeur}{_attributes(widget['attrs'])}>"
        )


def _fast(widget, rapide):
    fast = rapide.__new__(rapide)
    fast.__dict__ = widget.__dict__.copy()
    return fast


# The widgets whose template is only input.html: each gets a subclass that writes it.
ENTREES = {
    cls: type(f"{cls.__name__}Rapide", (EntreeRapide, cls), {})
    for cls in (forms.TextInput, forms.DateInput, forms.NumberInput)
}


def with_fast_selects(form):
    """Render the plain selects and inputs of a filter form in Python (SelectRapide,
    EntreeRapide: same HTML, same choices); called by the list views once the form is built,
    so that no filter module changes."""
    for field in form.fields.values():
        kind = type(field.widget)
        if kind is forms.Select:
            field.widget = _fast(field.widget, SelectRapide)
        elif kind in ENTREES and field.widget.template_name in (
            "django/forms/widgets/text.html",
            "django/forms/widgets/date.html",
            "django/forms/widgets/number.html",
        ):
            field.widget = _fast(field.widget, ENTREES[kind])
    return form
