"""The filter form of "Mes activités": written in Python, its HTML is Django's."""

import pytest
from django import forms

from mediation import forms_activites_filtres
from mediation.forms_activites_filtres import ActiviteFiltreForm
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
