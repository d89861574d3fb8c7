"""French phone numbers: normalised to E.164, classified mobile or not (only mobiles get SMS)."""

from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError

from inclusion.enums import TypeTelephone


@dataclass(frozen=True)
class Telephone:
    e164: str
    type: str

    @property
    def sms_possible(self):
        return self.type == TypeTelephone.MOBILE


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
    )


def mask_phone(e164):
    """Show only the last two digits: "06 •• •• •• 78"."""
    if not e164:
        return ""
    digits = getattr(e164, "as_e164", None) or str(e164)
    national = "0" + digits[3:] if digits.startswith("+33") else digits
    return f"{national[:2]} •• •• •• {national[-2:]}"
