"""The filter form of "Mes activités": only displays the filters; what they do is
mediation/filters_activites.py (which the export uses too)."""

from django import forms

from inclusion.forms import date_field
from mediation.filters_activites import PORTEE_MIENNES
from mediation.vocabulaire import Thematique, TypeActivite


class ChoixFixes(forms.ChoiceField):
    """A ChoiceField whose choices are shared by the copies Django makes of it for each form
    built, not deep-copied (the thématiques' list cost ~1,000 calls a page): they are tuples
    of strings, never changed in place (a form that changes them assigns a new list)."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class ActiviteFiltreForm(forms.Form):
    du = date_field(label="Du", required=False)
    au = date_field(label="Au", required=False)
    type = ChoixFixes(label="Type", required=False, choices=[("", "Tous")] + TypeActivite.choices)
    thematique = ChoixFixes(
        label="Thématique", required=False, choices=[("", "Toutes")] + Thematique.choices
    )
    lieu = ChoixFixes(label="Lieu", required=False)
    portee = ChoixFixes(
        label="Activités de",
        required=False,
        choices=[("", "Toutes celles que je peux voir"), (PORTEE_MIENNES, "Seulement les miennes")],
    )
    personne = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, lieux, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].choices = [("", "Tous")] + [(str(lieu.pk), lieu.nom) for lieu in lieux]
