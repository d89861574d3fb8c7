"""French phone numbers: normalised to E.164, classified mobile or not (only mobiles get SMS).

SMS go only to mobiles of the regions in settings.INCLUSION_SMS_REGIONS (metropolitan France
and the overseas territories by default): a number from elsewhere is kept on a file, but no
door sends it a code or any SMS (SMS pumping to foreign premium ranges costs public money).
"""

from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError

from inclusion.enums import TypeTelephone

# Why a number gets no SMS (codes), in words for the person who typed it.
REFUS_SMS = {
    "fixe": "Ce numéro ne reçoit pas de SMS. Donnez un numéro de portable.",
    "hors_zone": "Nous envoyons des SMS seulement aux portables français (métropole et "
    "outre-mer). Donnez un numéro de portable français, ou appelez-nous.",
}


def regions_sms():
    """Regions (ISO codes, as phonenumbers names them) whose mobiles may receive our SMS."""
    regions = getattr(settings, "INCLUSION_SMS_REGIONS", ("FR",))
    if isinstance(regions, str):
        regions = regions.split(",")
    return {r.strip().upper() for r in regions if r.strip()}


# The same refusals for a professional who ticks "consent to SMS" for someone else.
REFUS_CONSENTEMENT = {
    "fixe": "Ce numéro est un fixe : il ne peut pas recevoir de SMS. "
    "Décochez cette case ou indiquez un mobile.",
    "hors_zone": "Nous envoyons des SMS seulement aux portables français (métropole et "
    "outre-mer). Décochez cette case ou indiquez un portable français.",
}


SANS_MOBILE = (
    "Pour recevoir des SMS, il faut un numéro de mobile : indiquez-le ou décochez cette case."
)
SANS_MODE = "Indiquez comment la personne a donné son accord."


def check_consent(*, telephone, consentement_sms, mode):
    """The one rule for SMS consent recorded by a professional (the services, and the forms
    before them): it needs a number we may text (a mobile of the served regions) and the
    way the person agreed. `telephone` is an E.164 string or PhoneNumber, or empty. Raises
    a ValidationError naming the fields, with codes: sans_mobile, fixe, hors_zone,
    sans_mode."""
    if not consentement_sms:
        return
    erreurs = {}
    if not telephone:
        erreurs["consentement_sms"] = ValidationError(SANS_MOBILE, code="sans_mobile")
    elif refus := refus_sms(telephone):
        erreurs["consentement_sms"] = ValidationError(REFUS_CONSENTEMENT[refus], code=refus)
    if not mode:
        erreurs["consentement_sms_mode"] = ValidationError(SANS_MODE, code="sans_mode")
    if erreurs:
        raise ValidationError(erreurs)


def _refus(numero):
    if phonenumbers.number_type(numero) != phonenumbers.PhoneNumberType.MOBILE:
        return "fixe"
    if phonenumbers.region_code_for_number(numero) not in regions_sms():
        return "hors_zone"
    return ""


def refus_sms(e164):
    """ "" when we may text this number (E.164 string or PhoneNumber), else "fixe" or
    "hors_zone". The one rule every sending door asks."""
    texte = getattr(e164, "as_e164", None) or str(e164 or "")
    try:
        numero = phonenumbers.parse(texte, "FR")
    except phonenumbers.NumberParseException:
        return "fixe"
    if not phonenumbers.is_valid_number(numero):
        return "fixe"
    return _refus(numero)


@dataclass(frozen=True)
class Telephone:
    e164: str
    type: str
    refus: str = ""  # why no SMS may go to it ("fixe", "hors_zone"), "" when they may

    @property
    def sms_possible(self):
        return self.type == TypeTelephone.MOBILE and not self.refus


def parse_phone(saisie):
    """Parse what a person typed ("06 12 34 56 78", "+33 6…") or raise a French error."""
    texte = (saisie or "").strip()
    if not texte:
        return None
    try:
        numero = phonenumbers.parse(texte, "FR")
    except phonenumbers.NumberParseException:
        numero = None
    if numero is None or not phonenumbers.is_valid_number(numero):
        raise ValidationError(
            "Ce numéro de téléphone n'est pas valide. Un numéro français compte 10 chiffres, "
            "par exemple 06 12 34 56 78.",
            code="telephone_invalide",
        )
    kind = phonenumbers.number_type(numero)
    type_ = (
        TypeTelephone.MOBILE if kind == phonenumbers.PhoneNumberType.MOBILE else TypeTelephone.FIXE
    )
    return Telephone(
        e164=phonenumbers.format_number(numero, phonenumbers.PhoneNumberFormat.E164),
        type=type_,
        refus=_refus(numero),
    )


def mask_phone(e164):
    """Show only the last two digits: "06 •• •• •• 78"."""
    if not e164:
        return ""
    digits = getattr(e164, "as_e164", None) or str(e164)
    national = "0" + digits[3:] if digits.startswith("+33") else digits
    return f"{national[:2]} •• •• •• {national[-2:]}"
