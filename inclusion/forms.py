from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from inclusion import enums
from inclusion.models import Commune, Quartier
from inclusion.search import MAX_RESULTS, search_people
from inclusion.services.telephones import check_consent, parse_phone

# One date input for every form: the browser's date picker, or what a person types.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_ERRORS = {
    "required": "Indiquez la date.",
    "invalid": "Indiquez une date sous la forme 03/12/2026.",
}


def date_field(label="Date", **kwargs):
    """A date field with the widget, the accepted formats and the French messages above."""
    return forms.DateField(
        label=label,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages=DATE_ERRORS,
        **kwargs,
    )


def apply_service_errors(form, error, renames=None):
    """Put a service's ValidationError on `form`: each message next to the field it names
    (`renames` maps a service's name to the form's, e.g. a model field "debut" shown at
    "date"), on the form when it names none or a field the form does not have. Messages
    keep their codes."""
    renames = renames or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = renames.get(field, field)
        for e in errors:
            form.add_error(target if target in form.fields else None, e)


class TelephoneField(forms.CharField):
    """A phone number as a person types it ("06 12 34 56 78"): cleaned by the socle's one
    rule (services.telephones.parse_phone) to E.164, its French error next to the field;
    "" when left empty."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        saisie = super().clean(value)
        return parse_phone(saisie).e164 if saisie else ""


class RecherchePersonneForm(forms.Form):
    """Find a person among those the user follows (inclusion.search.search_people)."""

    q = forms.CharField(
        label="Nom, prénom ou téléphone",
        max_length=100,
        min_length=2,
        help_text="Parmi les personnes que vous suivez. Exemple : Martin, ou 06 12 34 56 78.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={
            "required": "Tapez le nom, le prénom ou le téléphone de la personne.",
            "min_length": "Tapez au moins 2 caractères.",
            "max_length": "Tapez au plus 100 caractères.",
        },
    )

    def __init__(self, *args, autofocus=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Only where the search is the page's one task (not on the attendance page).
        if autofocus:
            self.fields["q"].widget.attrs["autofocus"] = True

    def search(self, user, *, limit=MAX_RESULTS):
        """The results (inclusion.search.Resultats), or None when nothing valid was asked."""
        if not self.is_valid():
            return None
        return search_people(user, self.cleaned_data["q"], limit=limit)


class ConnexionForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr).",
        },
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Indiquez votre mot de passe."},
    )
    error_messages = {
        "invalid_login": (
            "Adresse e-mail ou mot de passe incorrect. Vérifiez les deux et réessayez."
        ),
        "inactive": "Ce compte est désactivé. Contactez votre coordinateur.",
    }


class BeneficiaireForm(forms.Form):
    """Fields a professional fills in; the service computes the rest."""

    prenom = forms.CharField(
        label="Prénom",
        max_length=100,
        error_messages={"required": "Indiquez le prénom de la personne."},
    )
    nom = forms.CharField(label="Nom", max_length=100, required=False, help_text="Facultatif.")
    telephone = TelephoneField(
        label="Téléphone",
        help_text="Un mobile permet d'envoyer des rappels par SMS. Exemple : 06 12 34 56 78.",
    )
    sans_telephone = forms.BooleanField(label="La personne n'a pas de téléphone", required=False)
    courriel = forms.EmailField(label="Adresse e-mail", required=False, help_text="Facultatif.")
    annee_naissance = forms.IntegerField(
        label="Année de naissance",
        required=False,
        help_text="Facultatif. Sinon, choisissez une tranche d'âge.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    tranche_age = forms.ChoiceField(
        label="Tranche d'âge",
        choices=[("", "Selon l'année de naissance")] + enums.TrancheAge.choices,
        required=False,
    )
    genre = forms.ChoiceField(
        label="Genre", choices=enums.Genre.choices, initial=enums.Genre.NON_COMMUNIQUE
    )
    statut = forms.ChoiceField(
        label="Statut", choices=enums.Statut.choices, initial=enums.Statut.NON_COMMUNIQUE
    )
    commune = forms.ModelChoiceField(
        label="Commune", queryset=Commune.objects.all(), required=False, empty_label="—"
    )
    quartier = forms.ModelChoiceField(
        label="Quartier",
        queryset=Quartier.objects.select_related("commune"),
        required=False,
        empty_label="—",
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Uniquement ce qui est utile à l'accompagnement. Jamais de donnée de santé.",
    )
    consentement_sms = forms.BooleanField(
        label="La personne accepte de recevoir des SMS (rappels d'ateliers, pass numérique)",
        required=False,
    )
    consentement_sms_mode = forms.ChoiceField(
        label="Comment la personne a donné son accord",
        choices=[("", "—")] + enums.ModeConsentement.choices,
        required=False,
    )

    def __init__(self, *args, structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        if structures is not None:
            self.fields["structure"] = forms.ModelChoiceField(
                label="Structure qui inscrit la personne",
                queryset=structures,
                empty_label=None,
            )
            self.order_fields(["structure"])

    def clean_annee_naissance(self):
        annee = self.cleaned_data.get("annee_naissance")
        if annee is None:
            return None
        cette_annee = timezone.localdate().year
        if not 1900 <= annee <= cette_annee:
            raise ValidationError(
                f"L'année de naissance doit être comprise entre 1900 et {cette_annee}."
            )
        return annee

    def clean(self):
        data = super().clean()
        telephone = data.get("telephone")
        if data.get("sans_telephone") and telephone:
            self.add_error(
                "sans_telephone",
                "Vous avez indiqué un numéro : décochez « pas de téléphone » ou effacez le numéro.",
            )
        if not data.get("sans_telephone") and not telephone and "telephone" not in self.errors:
            self.add_error(
                "telephone",
                "Indiquez un numéro de téléphone, ou cochez « La personne n'a pas de téléphone ».",
            )
        try:
            check_consent(
                telephone=telephone,
                consentement_sms=data.get("consentement_sms"),
                mode=data.get("consentement_sms_mode"),
            )
        except ValidationError as error:
            if "telephone" in self.errors:
                # The number itself is wrong: said once, next to it.
                error.error_dict.pop("consentement_sms", None)
            apply_service_errors(self, error)
        quartier, commune = data.get("quartier"), data.get("commune")
        if quartier and commune and quartier.commune_id != commune.pk:
            self.add_error("quartier", "Ce quartier n'est pas dans la commune choisie.")
        if quartier and not commune:
            data["commune"] = quartier.commune
        return data

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("structure", None)
        if not data.get("tranche_age"):
            data.pop("tranche_age", None)
        return data


class ConfirmationDoublonForm(forms.Form):
    confirmer_doublon = forms.BooleanField(required=False)
