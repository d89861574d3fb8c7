"""The lists' filter forms render their selects and inputs in Python (inclusion.filters.
with_fast_selects): the HTML must be Django's own templates' HTML, whatever the values."""

import datetime

import pytest
from django import forms
from django.utils.safestring import mark_safe

from inclusion.filters import with_fast_selects
from inclusion.forms import date_field
from tests.inclusion.factories import CommuneFactory

pytestmark = [pytest.mark.django_db]


class Filtres(forms.Form):
    q = forms.CharField(
        label="Nom",
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "placeholder": 'a "b" & c'}
        ),
    )
    du = date_field(label="Du", required=False)
    nombre = forms.IntegerField(label="Nombre", required=False)
    texte = forms.CharField(label="Texte", max_length=5)
    statut = forms.ChoiceField(
        label="État",
        required=False,
        choices=[
            ("", "Tous"),
            ("a", "Ouvert <b>"),
            ("Groupe & co", [("b", "Clos & fini"), (mark_safe("c&d"), mark_safe("<i>sûr</i>"))]),
        ],
        # Django's attrs.html leaves a safe value as it is (stringformat keeps it safe).
        widget=forms.Select(
            attrs={"data-x": mark_safe("a&b"), "disabled": False, "multiple": False}
        ),
    )
    commune = forms.ModelChoiceField(label="Commune", required=False, queryset=None)


def _forms(data, initial):
    from inclusion.models import Commune

    made = []
    for fast in (False, True):
        form = Filtres(data, initial=initial)
        form.fields["commune"].queryset = Commune.objects.all()
        if fast:
            with_fast_selects(form)
        if data is not None:
            form.is_valid()
        made.append(form)
    return made


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": 'x"<&', "du": "2026-11-17", "nombre": "3", "texte": "", "statut": "b"},
        {"du": "17/11/2026", "statut": "a"},
        {"du": "pas une date", "nombre": "x", "statut": "inconnu", "commune": "999"},
    ],
)
@pytest.mark.parametrize("initial", [None, {"du": datetime.date(2026, 1, 2)}])
def test_fast_widgets_write_djangos_html(data, initial):
    communes = [CommuneFactory(nom="Évreux & Co"), CommuneFactory(nom="Arles")]
    if data and "commune" not in data:
        data = {**data, "commune": str(communes[0].pk)}
    django_form, fast_form = _forms(data, initial)
    assert type(fast_form.fields["du"].widget) is not type(django_form.fields["du"].widget)
    for name in django_form.fields:
        for attrs in (None, {"aria-describedby": "x_aide", "aria-invalid": "true"}):
            assert fast_form[name].as_widget(attrs=attrs) == django_form[name].as_widget(
                attrs=attrs
            )
