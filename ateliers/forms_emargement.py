"""Forms of the attendance page (émargement). French errors, next to the fields."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from ateliers.services.attendance import PRESENCE
from inclusion.enums import ModeConsentement
from inclusion.forms import TelephoneField, apply_service_errors
from inclusion.services.telephones import check_consent
from pass_numerique.forms import CodeField

INCOMPLET = "Le formulaire est incomplet : rechargez la page et recommencez."


class PresenceForm(forms.Form):
    statut = forms.ChoiceField(
        choices=[(s.value, s.label) for s in PRESENCE],
        error_messages={"required": INCOMPLET, "invalid_choice": INCOMPLET},
    )


class ChequeForm(forms.Form):
    """A scanner types the QR code's address (or the code) then Enter, which submits with the
    first button ("Encaisser ce chèque"). The request id makes a re-submitted form redeem
    nothing twice."""

    CODE, SIEN = "code", "sien"

    code = CodeField(
        required=False,
        help_text="Scannez le QR code, ou tapez le code imprimé dessous, puis Entrée.",
    )
    demande_id = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": INCOMPLET, "invalid": INCOMPLET}
    )
    mode = forms.ChoiceField(
        choices=[(CODE, CODE), (SIEN, SIEN)],
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": INCOMPLET},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("demande_id", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        data["mode"] = data.get("mode") or self.CODE
        if data["mode"] == self.CODE and not data.get("code") and "code" not in self.errors:
            self.add_error(
                "code", "Scannez le QR code du chèque ou tapez le code imprimé sous le QR code."
            )
        return data


class AjoutForm(forms.Form):
    beneficiaire = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": INCOMPLET, "invalid": INCOMPLET}
    )


class PersonneRapideForm(forms.Form):
    """Quick creation during the session: a first name, and a mobile if the person wants
    reminders. Consent to SMS is asked aloud (mode "oral")."""

    prenom = forms.CharField(
        label="Prénom",
        max_length=100,
        error_messages={"required": "Indiquez le prénom de la personne."},
    )
    telephone = TelephoneField(
        label="Téléphone mobile", help_text="Facultatif. Exemple : 06 12 34 56 78."
    )
    consentement_sms = forms.BooleanField(
        label="La personne accepte de recevoir des SMS (rappels d'ateliers, pass numérique)",
        required=False,
        help_text="Demandez-lui à voix haute. Il faut un numéro de mobile.",
    )

    def clean(self):
        data = super().clean()
        if "telephone" not in self.errors:
            try:
                check_consent(
                    telephone=data.get("telephone"),
                    consentement_sms=data.get("consentement_sms"),
                    mode=ModeConsentement.ORAL,
                )
            except ValidationError as error:
                apply_service_errors(self, error)
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        consent = bool(data.get("consentement_sms"))
        return {
            "prenom": data["prenom"],
            "telephone": data.get("telephone", ""),
            "sans_telephone": not data.get("telephone"),
            "consentement_sms": consent,
            "consentement_sms_mode": ModeConsentement.ORAL if consent else "",
        }
