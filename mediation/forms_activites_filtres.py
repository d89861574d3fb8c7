"""The filter form of "Mes activités": only displays the filters; what they do is
mediation/filters_activites.py (which the export uses too)."""

from functools import lru_cache

from django import forms
from django.template import engines

from inclusion.filters import EntreeRapide, SelectRapide, with_fast_selects
from inclusion.forms import date_field
from mediation.filters_activites import PORTEE_MIENNES
from mediation.vocabulaire import Thematique, TypeActivite


def _copie(objet):
    """A shallow copy of a field or a widget: its attributes' dict copied, their values
    shared (copy.copy without the __reduce_ex__ round trip)."""
    copie = object.__new__(type(objet))
    copie.__dict__ = objet.__dict__.copy()
    return copie


class ChampsAPart(dict):
    """The form's declared fields, which each form built copies: each field and its widget
    copied shallowly (attrs too) rather than deep-copied (~620 function calls a page, the
    choices normalised again for every select). A display-only form: what a form changes is
    a field's attribute or widget, by assignment (the lieux' choices, with_fast_selects),
    never a shared list or dict in place; choices are tuples of strings."""

    def __deepcopy__(self, memo):
        champs = {}
        for nom, champ in self.items():
            copie = champs[nom] = _copie(champ)
            copie.widget = _copie(champ.widget)
            copie.widget.attrs = champ.widget.attrs.copy()
        return champs


class CacheRapide(EntreeRapide, forms.HiddenInput):
    """The hidden input written in Python, as with_fast_selects does the visible ones: Django's
    hidden.html includes input.html, the HTML EntreeRapide writes (~500 calls a page)."""


_RENDUS = {}


class SelectFixe(SelectRapide):
    """A select of constant choices, its HTML written once per process for each value and
    attributes shown (the thématiques' options cost ~400 calls a page). Only a value among
    the choices is kept (a bounded cache); the widget's choices are never changed."""

    def render(self, name, value, attrs=None, renderer=None):
        valeur = "" if value is None else value
        try:
            cle = (id(self.choices), name, valeur, *(attrs or {}).items(), *self.attrs.items())
            html = _RENDUS.get(cle)
        except TypeError:  # a value or an attribute that cannot be a key
            return super().render(name, value, attrs, renderer)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if valeur in {str(v) for v, _ in self.choices}:
                _RENDUS[cle] = html
        return html


class ActiviteFiltreForm(forms.Form):
    du = date_field(label="Du", required=False)
    au = date_field(label="Au", required=False)
    type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Tous")] + TypeActivite.choices,
        widget=SelectFixe,
    )
    thematique = forms.ChoiceField(
        label="Thématique",
        required=False,
        choices=[("", "Toutes")] + Thematique.choices,
        widget=SelectFixe,
    )
    lieu = forms.ChoiceField(label="Lieu", required=False)
    portee = forms.ChoiceField(
        label="Activités de",
        required=False,
        choices=[("", "Toutes celles que je peux voir"), (PORTEE_MIENNES, "Seulement les miennes")],
        widget=SelectFixe,
    )
    personne = forms.CharField(required=False, widget=CacheRapide)

    def __init__(self, *args, lieux, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].choices = [("", "Tous")] + [(str(pk), nom) for pk, nom in lieux]


ActiviteFiltreForm.base_fields = ChampsAPart(ActiviteFiltreForm.base_fields)


# The fields as liste.html wrote them inside its <form>.
_CHAMPS = (
    "{% load inclusion_forms %}{{ form.personne }}\n    {% for field in form %}"
    "{% if not field.is_hidden %}{% champ field %}{% endif %}{% endfor %}"
)


@lru_cache(maxsize=256)
def filtres_html(params, lieux):
    """The filter form's fields for `params` ((name, value) pairs of parametres_valides) and
    `lieux` ((pk, nom) pairs), as one safe string. An unbound form's HTML depends on nothing
    else: written once per process for each (a user's usual page is one of a few), the form
    built and its ~1,700 calls rendered only then."""
    form = with_fast_selects(ActiviteFiltreForm(initial=dict(params), lieux=lieux))
    return engines["django"].from_string(_CHAMPS).render({"form": form})
