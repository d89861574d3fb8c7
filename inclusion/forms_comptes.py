"""Forms of the account pages (forgotten password; later invitations and "Mon compte")."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_texts


class DemandeReinitialisationForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        help_text="L'adresse avec laquelle vous vous connectez à l'espace pro.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr).",
        },
    )


class NouveauMotDePasseForm(SetPasswordForm):
    """Django's form (the project's validators), in short French, without saving: the view
    calls the service (comptes.set_new_password)."""

    error_messages = {"password_mismatch": "Les deux mots de passe ne sont pas identiques."}

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        premier, second = self.fields["new_password1"], self.fields["new_password2"]
        premier.label = "Nouveau mot de passe"
        premier.help_text = " ".join(password_validators_help_texts())
        premier.error_messages["required"] = "Choisissez un nouveau mot de passe."
        premier.widget.attrs.update({"autocomplete": "new-password", "autofocus": True})
        second.label = "Le même mot de passe, encore une fois"
        second.help_text = ""
        second.error_messages["required"] = "Tapez le mot de passe une deuxième fois."
        second.widget.attrs.update({"autocomplete": "new-password"})

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        if not self.has_error("new_password2"):
            # The validators' words belong next to the password chosen, not its repetition.
            self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data
