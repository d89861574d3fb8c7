"""Signed opt-out links: `lien_stop()` builds one, `beneficiaire_du_jeton()` reads it back.

The token signs the beneficiary's uuid (salt "sms-stop", no expiry): it never holds the
number, even encoded, and nothing is stored to make it work.
"""

from django.conf import settings
from django.core import signing

SALT = "sms-stop"


def _signer():
    return signing.Signer(salt=SALT)


def jeton_stop(beneficiaire):
    return _signer().sign(beneficiaire.uuid.hex)


def lien_stop(telephone):
    """Absolute opt-out link for a number, or a beneficiary; None if nobody has that number.

    `telephone` is a Beneficiaire, or a number (E.164 string or PhoneNumber): the link is then
    signed for the first person registered with it (the opt-out applies to the number).
    """
    from inclusion.models import Beneficiaire

    if isinstance(telephone, Beneficiaire):
        beneficiaire = telephone
    else:
        numero = getattr(telephone, "as_e164", telephone)
        beneficiaire = Beneficiaire.objects.filter(telephone=numero).order_by("pk").first()
        if beneficiaire is None:
            return None
    return f"{settings.SITE_URL}/sms/stop/{jeton_stop(beneficiaire)}/"


def beneficiaire_du_jeton(token):
    """The beneficiary whose number the token stops, or None (bad signature, gone, no phone)."""
    from inclusion.models import Beneficiaire

    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    beneficiaire = Beneficiaire.objects.filter(uuid=value).first()
    if beneficiaire is None or not beneficiaire.telephone:
        return None
    return beneficiaire
