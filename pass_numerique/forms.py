"""Forms of the espace pro pages of the pass numérique. French errors, next to the fields."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from pass_numerique.enums import MotifFermeture, Prestation

MAX_CARNETS = 5


class EnveloppeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        programme = obj.programme
        return (
            f"{programme.nom} — {obj.structure.nom} : il reste {obj.solde} chèque"
            f"{'s' if obj.solde > 1 else ''} (carnets de {programme.cheques_par_carnet} chèques"
            f" de {programme.valeur_cheque:.0f} €)"
        )


class DelivrerForm(forms.Form):
    """Step 2: which envelope, how many carnets, SMS or not. The request id makes a
    re-submitted form issue nothing new."""

    enveloppe = EnveloppeChoiceField(
        label="Enveloppe",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez l'enveloppe d'où viennent les chèques.",
            "invalid_choice": "Cette enveloppe n'est pas disponible : choisissez-en une autre.",
        },
    )
    nombre = forms.IntegerField(
        label="Nombre de carnets",
        min_value=1,
        max_value=MAX_CARNETS,
        initial=1,
        help_text=f"De 1 à {MAX_CARNETS}. En général, un seul.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Indiquez le nombre de carnets (de 1 à 5).",
            "invalid": "Indiquez un nombre entier, de 1 à 5.",
            "min_value": "Indiquez au moins 1 carnet.",
            "max_value": "On délivre au plus 5 carnets à la fois.",
        },
    )
    envoyer_sms = forms.BooleanField(
        label="Envoyer le lien du pass par SMS",
        required=False,
        initial=True,
        help_text="La personne reçoit un lien pour voir ses chèques et les lieux.",
    )
    demande_id = forms.UUIDField(
        label="Identifiant de la demande",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Le formulaire est incomplet : rechargez la page et recommencez.",
            "invalid": "Le formulaire est incomplet : rechargez la page et recommencez.",
        },
    )

    def __init__(self, *args, enveloppes, peut_sms, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("demande_id", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["enveloppe"].queryset = enveloppes
        if len(enveloppes) == 1:
            self.fields["enveloppe"].initial = enveloppes[0].pk
        if not peut_sms:
            del self.fields["envoyer_sms"]

    def clean(self):
        data = super().clean()
        enveloppe, nombre = data.get("enveloppe"), data.get("nombre")
        if enveloppe and nombre:
            par_carnet = enveloppe.programme.cheques_par_carnet
            if nombre * par_carnet > enveloppe.solde:
                possible = enveloppe.solde // par_carnet
                if possible:
                    conseil = f"assez pour {possible} carnet{'s' if possible > 1 else ''} au plus."
                else:
                    conseil = "pas assez pour un carnet. Demandez des chèques à votre coordinateur."
                self.add_error(
                    "nombre",
                    f"Il reste {enveloppe.solde} chèque{'s' if enveloppe.solde > 1 else ''} "
                    f"dans cette enveloppe : {conseil}",
                )
        return data


class MotifForm(forms.Form):
    """Confirmation of "Bloquer et remplacer" or "Annuler", with an optional reason chosen in a
    list (the journal keeps it: never free text)."""

    motif = forms.ChoiceField(
        label="Motif",
        required=False,
        choices=[("", "Choisir (facultatif)"), *MotifFermeture.choices],
        error_messages={"invalid_choice": "Choisissez un motif de la liste."},
    )


class LieuForm(forms.Form):
    lieu = forms.ModelChoiceField(
        label="Lieu où vous encaissez",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le lieu où vous êtes aujourd'hui.",
            "invalid_choice": "Ce lieu n'est pas dans la liste : choisissez-en un autre.",
        },
    )

    def __init__(self, *args, lieux, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].queryset = lieux


class CodeField(forms.CharField):
    """A chèque's code as a scanner types it (the QR code's address, then Enter) or a person
    (the code printed under the QR code): no autocorrection, capitals, "go" key."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Code du chèque")
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "autocapitalize": "characters",
                    "autocorrect": "off",
                    "spellcheck": "false",
                    "enterkeyhint": "go",
                }
            ),
        )
        kwargs["error_messages"] = {
            "max_length": "Ce texte est trop long pour un code : effacez et scannez à nouveau.",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)


class VerifierForm(forms.Form):
    """The scanner types the QR code's address (or the code) then Enter."""

    code = CodeField(
        help_text="Scannez le QR code du chèque, ou tapez le code imprimé dessous.",
        error_messages={
            "required": "Scannez le QR code ou tapez le code imprimé sous le QR code.",
        },
    )

    def __init__(self, *args, autofocus=True, **kwargs):
        super().__init__(*args, **kwargs)
        if autofocus:
            self.fields["code"].widget.attrs["autofocus"] = True


class EncaisserForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=200)
    prestation = forms.ChoiceField(
        label="Service rendu",
        choices=Prestation.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le service rendu à la personne.",
            "invalid_choice": "Choisissez un service de la liste.",
        },
    )
    reference = forms.CharField(
        label="Référence",
        required=False,
        max_length=100,
        help_text="Facultatif. Exemple : nom de l'atelier et date.",
        error_messages={"max_length": "La référence tient en 100 caractères au plus."},
    )
    demande_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("demande_id", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if "code" in self.errors or "demande_id" in self.errors:
            raise ValidationError(
                "Le formulaire est incomplet : scannez le chèque à nouveau.", code="incomplet"
            )
        return data
