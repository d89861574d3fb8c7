"""Kiosk forms: big fields, French errors next to them."""

from django import forms

from pass_numerique.forms import VerifierForm


class ConnexionKiosqueForm(forms.Form):
    """E-mail and password, or e-mail and the PIN on a registered device."""

    email = forms.EmailField(
        label="Adresse e-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr).",
        },
    )
    secret = forms.CharField(
        label="Mot de passe ou code PIN",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Indiquez votre mot de passe ou votre code PIN."},
    )

    def __init__(self, *args, avec_pin=False, **kwargs):
        super().__init__(*args, **kwargs)
        if avec_pin:
            self.fields[
                "secret"
            ].help_text = "Sur cet appareil, votre code PIN de 4 à 6 chiffres suffit."
        else:
            self.fields["secret"].label = "Mot de passe"
            self.fields["secret"].error_messages["required"] = "Indiquez votre mot de passe."


class ChoixLieuForm(forms.Form):
    lieu = forms.ModelChoiceField(
        label="Où êtes-vous aujourd'hui ?",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le lieu où se trouve le kiosque.",
            "invalid_choice": "Ce lieu n'est pas un lieu de votre structure : choisissez-en un "
            "dans la liste.",
        },
    )

    def __init__(self, *args, lieux, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].queryset = lieux


class CodeForm(VerifierForm):
    """The médiateur's scan field, worded for a chèque or a carnet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, autofocus=True, **kwargs)
        field = self.fields["code"]
        field.label = "Code du chèque ou du carnet"
        field.help_text = "Scannez le QR code, ou tapez le code imprimé dessous."
        field.widget.attrs.update({"inputmode": "text", "class": "kiosque-code"})


class InscriptionForm(forms.Form):
    prenom = forms.CharField(
        label="Prénom de la personne",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
        error_messages={
            "required": "Indiquez le prénom de la personne.",
            "max_length": "Ce prénom est trop long (100 caractères au plus).",
        },
    )
    telephone = forms.CharField(
        label="Numéro de mobile de la personne",
        required=False,
        max_length=30,
        help_text="Facultatif. Exemple : 06 12 34 56 78. Il ne sera plus affiché ensuite.",
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        error_messages={"max_length": "Ce numéro est trop long."},
    )
    consentement_sms = forms.BooleanField(
        label="La personne a dit : « J'accepte de recevoir des SMS »",
        required=False,
        help_text="Demandez-lui à voix haute. Les SMS disent quoi, quand et où ; "
        "elle peut les arrêter à tout moment.",
    )
