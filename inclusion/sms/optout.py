"""Opting out of SMS, in one place, and the short opt-out link.

`refuse_sms()` is the only way a number stops our SMS (the STOP keyword, the link, the espace
pro all call it): it records the opt-out and, in the same transaction, cancels what waits in
the outbox for that number. `accept_sms()` undoes it (START, or the espace pro when the
person asks). Delivery checks once more just before sending (delivery.deliver).

The link is short so that a workshop SMS stays one segment: /s/<id><mac>, the beneficiary's
id in base 62 followed by 11 base-62 characters of an HMAC (SECRET_KEY, 64 bits) of that id.
Nothing is stored; forging a link for someone else needs the secret key, and guessing one is a
1 in 2^64 chance per try. It never holds the number, even encoded. Links sent before (the
signed uuid under /sms/stop/<token>/) keep working.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from inclusion.models import Beneficiaire, OptOut, SmsMessage, StatutSms
from inclusion.services.journal import write_journal

SALT = "sms-stop"  # the old, long links (signed uuid)
MAC_SALT = "inclusion.sms.stop-court"
MAC_LEN = 11  # base-62 characters: 62**11 > 2**64
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Why a queued message was cancelled (SmsMessage.erreur_code / erreur).
MOTIF_REFUS = "refus_sms"
MOTIF_CONSENTEMENT = "sans_consentement"
MOTIF_NUMERO = "numero_change"
MOTIFS = {
    MOTIF_REFUS: "Non envoyé : la personne a demandé à ne plus recevoir de SMS.",
    MOTIF_CONSENTEMENT: "Non envoyé : la personne n'accepte plus les SMS.",
    MOTIF_NUMERO: "Non envoyé : le numéro de la personne a changé.",
}
TEXTE_REFUS = MOTIFS[MOTIF_REFUS]


def _e164(telephone):
    return getattr(telephone, "as_e164", None) or str(telephone or "")


def cancel_pending_sms(telephone=None, *, beneficiaire=None, motif=MOTIF_REFUS, now=None):
    """Cancel every message still waiting for this number (or this person), secrets masked
    whole, except those meant for an opted-out number (STOP confirmation, AIDE). Returns how
    many. Called in the transaction of the change that makes them unwanted."""
    from inclusion.sms.delivery import masked

    now = now or timezone.now()
    rows = SmsMessage.objects.filter(statut=StatutSms.A_ENVOYER, malgre_refus=False)
    if beneficiaire is not None:
        rows = rows.filter(beneficiaire=beneficiaire)
    else:
        rows = rows.filter(telephone=_e164(telephone))
    final = {
        "statut": StatutSms.ANNULE,
        "statut_le": now,
        "erreur_code": motif,
        "erreur": MOTIFS[motif],
    }
    count = 0
    for pk, corps, spans in rows.exclude(a_masquer=[]).values_list("pk", "corps", "a_masquer"):
        count += rows.filter(pk=pk).update(corps=masked(corps, spans), **final)
    return count + rows.update(**final)


@dataclass(frozen=True)
class Refus:
    cree: bool  # False when the number had already opted out
    annules: int  # queued messages cancelled


def _write_journal_each(telephone, action, acteur, details):
    for beneficiaire in Beneficiaire.objects.filter(telephone=telephone).select_related(
        "structure"
    ):
        write_journal(
            acteur=acteur,
            action=action,
            objet=beneficiaire,
            structure=beneficiaire.structure,
            details=details,
        )


@transaction.atomic
def refuse_sms(*, telephone, canal, acteur=None, details=None, now=None):
    """The number wants no more SMS: record it (once), cancel its queued messages; every
    person sharing the number gets a journal line the first time. `canal`: "sms", "lien",
    "pro"."""
    e164 = _e164(telephone)
    _, cree = OptOut.objects.get_or_create(telephone=e164, defaults={"canal": canal})
    annules = cancel_pending_sms(e164, now=now)
    if cree:
        _write_journal_each(e164, "sms.stop", acteur, {"canal": canal, **(details or {})})
    return Refus(cree=cree, annules=annules)


@transaction.atomic
def accept_sms(*, telephone, canal, acteur=None, details=None):
    """Remove the opt-out (the person asked). Each person's own consent is unchanged.
    Returns True when there was one."""
    e164 = _e164(telephone)
    deleted, _ = OptOut.objects.filter(telephone=e164).delete()
    if deleted:
        _write_journal_each(e164, "sms.start", acteur, {"canal": canal, **(details or {})})
    return bool(deleted)


def is_refused(telephone):
    return OptOut.objects.filter(telephone=_e164(telephone)).exists()


# The link


def _base62(n, width=0):
    chars = ""
    while n:
        n, r = divmod(n, 62)
        chars = ALPHABET[r] + chars
    return chars.rjust(width, "0") or "0"


def _mac(pk):
    digest = salted_hmac(MAC_SALT, str(pk), algorithm="sha256").digest()
    return _base62(int.from_bytes(digest[:8], "big"), MAC_LEN)


def jeton_stop(beneficiaire):
    return _base62(beneficiaire.pk) + _mac(beneficiaire.pk)


def lien_stop(telephone):
    """Absolute opt-out link for a number, or a beneficiary; None if nobody has that number.

    `telephone` is a Beneficiaire, or a number (E.164 string or PhoneNumber): the link is then
    made for the first person registered with it (the opt-out applies to the number).
    """
    if isinstance(telephone, Beneficiaire):
        beneficiaire = telephone
    else:
        beneficiaire = Beneficiaire.objects.filter(telephone=_e164(telephone)).order_by("pk")
        beneficiaire = beneficiaire.first()
        if beneficiaire is None:
            return None
    return f"{settings.SITE_URL}/s/{jeton_stop(beneficiaire)}"


def _pk_du_jeton(token):
    token = token or ""
    if len(token) <= MAC_LEN or len(token) > MAC_LEN + 12:
        return None
    if any(c not in ALPHABET for c in token):
        return None
    pk = 0
    for c in token[:-MAC_LEN]:
        pk = pk * 62 + ALPHABET.index(c)
    if not constant_time_compare(_mac(pk), token[-MAC_LEN:]):
        return None
    return pk


def beneficiaire_du_jeton(token):
    """The beneficiary whose number the token stops, or None (forged, gone, no phone).
    Accepts the short token and the long signed one of links already sent."""
    pk = _pk_du_jeton(token)
    if pk is not None:
        beneficiaire = Beneficiaire.objects.filter(pk=pk).first()
    else:
        try:
            value = signing.Signer(salt=SALT).unsign(token)
        except signing.BadSignature:
            return None
        beneficiaire = Beneficiaire.objects.filter(uuid=value).first()
    if beneficiaire is None or not beneficiaire.telephone:
        return None
    return beneficiaire
