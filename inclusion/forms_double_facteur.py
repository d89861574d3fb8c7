"""Forms of the second factor's pages (inclusion/views/double_facteur.py). They only parse:
the codes are checked by inclusion.services.double_facteur."""

from django import forms
from django.core.validators import RegexValidator


def _code_widget(numeric=False, autofocus=True):
    attrs = {
        "autocomplete": "one-time-code",
        "autocapitalize": "off",
        "autocorrect": "off",
        "spellcheck": "false",
        "autofocus": autofocus,
    }
    if numeric:
        attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
    return forms.TextInput(attrs=attrs)


class CodeApplicationForm(forms.Form):
    """The 6-digit code the app shows (enrolment)."""

    code = forms.CharField(
        label="Code à 6 chiffres affiché par l'application",
        max_length=12,
        help_text="Exemple : 123456. Le code change toutes les 30 secondes.",
        widget=_code_widget(numeric=True),
        error_messages={
            "required": "Tapez le code à 6 chiffres affiché par l'application.",
            "max_length": "Le code a 6 chiffres.",
        },
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        RegexValidator(r"^[0-9]{6}$", message="Le code a 6 chiffres, sans lettre.")(code)
        return code


class CodeForm(forms.Form):
    """A code from the app, or a recovery code (second step of the sign-in, or to confirm
    a change)."""

    code = forms.CharField(
        label="Code de l'application ou code de secours",
        max_length=20,
        help_text=(
            "Les 6 chiffres affichés par votre application d'authentification "
            "(exemple : 123456), ou un de vos codes de secours (exemple : abcd-efgh)."
        ),
        widget=_code_widget(),
        error_messages={
            "required": "Tapez le code affiché par votre application, ou un code de secours.",
            "max_length": "Ce code est trop long : 6 chiffres, ou un code de secours.",
        },
    )

    def __init__(self, *args, autofocus=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not autofocus:
            self.fields["code"].widget.attrs.pop("autofocus", None)


class CodeSecoursForm(forms.Form):
    """A recovery code ("Je n'ai plus mon téléphone")."""

    code = forms.CharField(
        label="Code de secours",
        max_length=20,
        help_text="Un des dix codes notés quand vous avez activé la double authentification "
        "(exemple : abcd-efgh). Chaque code ne sert qu'une fois.",
        widget=_code_widget(),
        error_messages={
            "required": "Tapez un de vos codes de secours.",
            "max_length": "Ce code est trop long (exemple : abcd-efgh).",
        },
    )


class CodesNotesForm(forms.Form):
    """The person says they kept their recovery codes before going on."""

    notes = forms.BooleanField(
        label="J'ai noté mes codes de secours",
        help_text="Sur papier ou dans un gestionnaire de mots de passe, pas sur ce téléphone.",
        error_messages={"required": "Cochez la case une fois vos codes notés."},
    )
