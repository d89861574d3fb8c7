"""The form of the coordinators' screen of the funders' API tokens."""

from django import forms

from mediation.models_api import JetonApi

NOM_MAX = JetonApi._meta.get_field("nom").max_length


class JetonForm(forms.Form):
    nom = forms.CharField(
        label="Outil ou financeur",
        max_length=NOM_MAX,
        help_text=(
            "Le nom qui permet de reconnaître le jeton dans la liste, par exemple "
            "« Tableau de bord du Département »."
        ),
        error_messages={
            "required": "Indiquez l'outil ou le financeur.",
            "max_length": (
                f"Le nom ne doit pas dépasser {NOM_MAX} caractères (il en compte %(show_value)d)."
            ),
            "null_characters_not_allowed": "Le nom contient un caractère invalide.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
