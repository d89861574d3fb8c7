"""The filter form of "Mes activités": written in Python, its HTML is Django's."""

import pytest
from django import forms
from django.template import engines

from inclusion.filters import with_fast_selects
from mediation import forms_activites_filtres
from mediation.forms_activites_filtres import ActiviteFiltreForm, filtres_html
from mediation.vocabulaire import Thematique


class Reference(forms.Form):
    """The same fields with Django's own widgets."""

    thematique = forms.ChoiceField(
        label="Thématique", required=False, choices=[("", "Toutes")] + Thematique.choices
    )
    personne = forms.CharField(required=False, widget=forms.HiddenInput)


@pytest.mark.parametrize("valeur", [None, "", Thematique.SANTE.value, "inconnue", '"<&>'])
def test_widgets_write_django_html(valeur):
    initial = {"thematique": valeur, "personne": valeur}
    form = ActiviteFiltreForm(initial=initial, lieux=[(1, "Médiathèque")])
    reference = Reference(initial=initial)
    for _ in range(2):  # the second time from the select's cache
        assert str(form["thematique"]) == str(reference["thematique"])
        assert str(form["personne"]) == str(reference["personne"])


def test_only_known_values_are_kept():
    forms_activites_filtres._RENDUS.clear()
    for valeur in ("inconnue", Thematique.SANTE.value, Thematique.SANTE.value):
        str(ActiviteFiltreForm(initial={"thematique": valeur}, lieux=[])["thematique"])
    assert [cle[2] for cle in forms_activites_filtres._RENDUS] == [Thematique.SANTE.value]


def test_forms_do_not_share_their_lieux():
    une = ActiviteFiltreForm(lieux=[(1, "Médiathèque")])
    autre = ActiviteFiltreForm(lieux=[(2, "Mairie")])
    assert "Médiathèque" in str(une["lieu"]) and "Médiathèque" not in str(autre["lieu"])
    assert "Mairie" not in str(une["lieu"])


# The fields as liste.html wrote them from the view's form before filtres_html.
GABARIT = (
    "{% load inclusion_forms %}{{ form.personne }}\n    {% for field in form %}"
    "{% if not field.is_hidden %}{% champ field %}{% endif %}{% endfor %}"
)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"du": "2026-01-01", "au": "2026-01-31", "type": "collectif", "portee": "miennes"},
        {"thematique": Thematique.SANTE.value, "lieu": "2", "personne": "7fc65d59-cc17"},
    ],
)
def test_fields_html_is_the_forms(params):
    lieux = ((1, "Médiathèque"), (2, "Mairie & <annexe>"))
    form = with_fast_selects(ActiviteFiltreForm(initial=params, lieux=lieux))
    attendu = engines["django"].from_string(GABARIT).render({"form": form})
    for _ in range(2):  # the second time from the cache
        assert filtres_html(tuple(params.items()), lieux) == attendu
    assert 'value="2" selected' in attendu or "lieu" not in params
    renomme = filtres_html(tuple(params.items()), ((1, "Médiathèque"), (2, "Mairie")))
    assert "Mairie</option>" in renomme
