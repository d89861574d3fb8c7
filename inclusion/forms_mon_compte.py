"""Forms of "Mon compte" (inclusion/views/mon_compte.py). They only parse: the rules
(current password, validators, address free) are the services' (inclusion.services.comptes),
whose refusals the views put next to the fields with forms.apply_service_errors."""

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts

ERREUR_EMAIL = "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr)."


def _mot_de_passe_actuel(label="Mot de passe actuel", help_text=""):
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Indiquez votre mot de passe actuel."},
    )


class NomForm(forms.Form):
    prenom = forms.CharField(
        label="Prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Indiquez votre prénom."},
    )
    nom = forms.CharField(
        label="Nom",
        max_length=150,
        required=False,
        help_text="Facultatif.",
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class EmailForm(forms.Form):
    nouvelle = forms.EmailField(
        label="Nouvelle adresse e-mail",
        max_length=254,
        help_text="Nous y envoyons un lien : l'adresse change quand vous l'ouvrez.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Indiquez la nouvelle adresse.", "invalid": ERREUR_EMAIL},
    )
    password = _mot_de_passe_actuel(
        help_text="Pour vérifier que c'est bien vous qui demandez le changement."
    )


class MotDePasseForm(forms.Form):
    ancien = _mot_de_passe_actuel()
    nouveau = forms.CharField(
        label="Nouveau mot de passe",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choisissez un nouveau mot de passe."},
    )
    confirmation = forms.CharField(
        label="Le même mot de passe, encore une fois",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Tapez le nouveau mot de passe une deuxième fois."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nouveau"].help_text = " ".join(password_validators_help_texts())

    def clean(self):
        data = super().clean()
        nouveau, confirmation = data.get("nouveau"), data.get("confirmation")
        if nouveau and confirmation and nouveau != confirmation:
            self.add_error("confirmation", "Les deux mots de passe ne sont pas identiques.")
        return data
