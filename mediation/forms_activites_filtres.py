"""The filter form of "Mes activités": only displays the filters; what they do is
mediation/filters_activites.py (which the export uses too)."""

from django import forms

from inclusion.forms import date_field
from mediation.filters_activites import PORTEE_MIENNES
from mediation.vocabulaire import Thematique, TypeActivite


class ActiviteFiltreForm(forms.Form):
    du = date_field(label="Du", required=False)
    au = date_field(label="Au", required=False)
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous")] + TypeActivite.choices
    )
    thematique = forms.ChoiceField(
        label="Thématique", required=False, choices=[("", "Toutes")] + Thematique.choices
    )
    lieu = forms.ChoiceField(label="Lieu", required=False)
    portee = forms.ChoiceField(
        label="Activités de",
        required=False,
        choices=[("", "Toutes celles que je peux voir"), (PORTEE_MIENNES, "Seulement les miennes")],
    )
    personne = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, lieux, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].choices = [("", "Tous")] + [(str(lieu.pk), lieu.nom) for lieu in lieux]
