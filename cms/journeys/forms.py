"""Forms of the public journeys: short, labelled, French messages next to each field.

Browsers' own required-field bubbles are turned off (`use_required_attribute = False`): the
server's French messages, linked to their field, are the ones people read.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

from inclusion.services.telephones import parse_phone
from inclusion.sms.service import CODE_REASONS

JOURS = (
    ("aujourdhui", "Aujourd'hui"),
    ("demain", "Demain"),
    ("lundi", "Le lundi"),
    ("mardi", "Le mardi"),
    ("mercredi", "Le mercredi"),
    ("jeudi", "Le jeudi"),
    ("vendredi", "Le vendredi"),
    ("samedi", "Le samedi"),
    ("dimanche", "Le dimanche"),
)


def choix_lieux(communes, quartiers):
    """One list "Où ?": a group per commune, the whole commune first, then its quartiers."""
    par_commune = {}
    for q in quartiers:
        par_commune.setdefault(q.commune_id, []).append(q)
    choix = [("", "Partout")]
    for c in communes:
        options = [(f"c{c.pk}", f"{c.nom} : toute la ville")]
        options += [(f"q{q.pk}", f"Quartier {q.nom}") for q in par_commune.get(c.pk, [])]
        choix.append((c.nom, options))
    return choix


def parse_ou(valeur):
    """ "c12" → ("commune", 12); "q3" → ("quartier", 3); anything else → (None, None)."""
    m = re.fullmatch(r"([cq])(\d{1,9})", valeur or "")
    if not m:
        return None, None
    return ("commune" if m.group(1) == "c" else "quartier"), int(m.group(2))


class FiltresAteliersForm(forms.Form):
    use_required_attribute = False

    ou = forms.ChoiceField(label="Où ?", required=False)
    theme = forms.ChoiceField(label="Quel sujet ?", required=False)
    jour = forms.ChoiceField(
        label="Quel jour ?", required=False, choices=[("", "Tous les jours"), *JOURS]
    )

    def __init__(self, *args, communes=(), quartiers=(), themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ou"].choices = choix_lieux(communes, quartiers)
        self.fields["theme"].choices = [("", "Tous les sujets")] + [
            (str(t.pk), t.titre_falc) for t in themes
        ]


class FiltresLieuxForm(forms.Form):
    use_required_attribute = False

    ou = forms.ChoiceField(label="Où ?", required=False)
    ouvert = forms.BooleanField(label="Seulement les lieux ouverts maintenant", required=False)
    pass_numerique = forms.BooleanField(
        label="Seulement les lieux qui prennent le pass numérique", required=False
    )

    def __init__(self, *args, communes=(), quartiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ou"].choices = choix_lieux(communes, quartiers)


class InscriptionForm(forms.Form):
    """Screen 1: first name and mobile, consent to the SMS. `commentaire` is the honeypot."""

    use_required_attribute = False

    prenom = forms.CharField(
        label="Votre prénom",
        max_length=80,
        error_messages={"required": "Écrivez votre prénom."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
    )
    telephone = forms.CharField(
        label="Votre numéro de téléphone portable",
        help_text="Par exemple : 06 12 34 56 78. Nous envoyons un code à ce numéro.",
        max_length=30,
        error_messages={"required": "Écrivez votre numéro de téléphone portable."},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    consentement = forms.BooleanField(
        label="J'accepte de recevoir des SMS pour cet atelier.",
        help_text="Vous recevez le code, la confirmation et un rappel avant l'atelier.",
        required=False,
    )
    # Honeypot: hidden by CSS, out of the tab order and of the accessibility tree. People never
    # fill it; robots filling every field do.
    commentaire = forms.CharField(
        label="Laissez ce champ vide",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_prenom(self):
        prenom = " ".join(self.cleaned_data["prenom"].split())
        if not prenom:
            raise ValidationError("Écrivez votre prénom.")
        return prenom

    def clean_telephone(self):
        tel = parse_phone(self.cleaned_data["telephone"])
        if tel is None:
            raise ValidationError("Écrivez votre numéro de téléphone portable.")
        if not tel.sms_possible:
            # French mobiles only (the socle's rule, INCLUSION_SMS_REGIONS): codes cost money.
            code = "hors_zone" if tel.refus == "hors_zone" else "landline"
            raise ValidationError(CODE_REASONS[code], code=code)
        return tel

    def clean(self):
        data = super().clean()
        if data.get("telephone") and not data.get("consentement") and not data.get("commentaire"):
            self.add_error(
                "consentement", "Cochez cette case : sans SMS, nous ne pouvons pas envoyer le code."
            )
        return data

    @property
    def piege(self):
        return bool(self.data.get("commentaire", "").strip())


class CodeForm(forms.Form):
    """Screen 2: the 6-digit code received by SMS."""

    use_required_attribute = False

    code = forms.CharField(
        label="Le code reçu par SMS",
        help_text="6 chiffres, par exemple : 123456.",
        max_length=20,
        error_messages={"required": "Écrivez le code reçu par SMS."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "spellcheck": "false",
                "class": "champ-code",
            }
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError("Le code a 6 chiffres. Vérifiez le SMS.")
        return code


class CodePassForm(forms.Form):
    """ "Mon pass": the code printed on the carnet's cover."""

    use_required_attribute = False

    code = forms.CharField(
        label="Le code de votre carnet",
        help_text="Il est écrit sur la couverture, sous le QR code.",
        max_length=40,
        error_messages={"required": "Écrivez le code de votre carnet."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"[0-9A-Za-z\- ]{1,40}", code):
            raise ValidationError("Ce code n'est pas bon. Il a des chiffres et des lettres.")
        return code.replace(" ", "")
