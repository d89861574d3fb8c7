"""How SMS are counted, for the coordinators' SMS page and the dashboards' SMS section: the
failure statuses, the kinds in words, the price per segment, and the counting columns."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from inclusion.models import StatutSms

# The type of a message, in words (unknown kinds fall back to "Autre message").
TYPES = {
    "pass_lien": "Lien vers le pass numérique",
    "rappel_atelier": "Rappel d'atelier",
    "rappel_48h": "Rappel d'atelier (2 jours avant)",
    "rappel_matin": "Rappel d'atelier (le matin)",
    "atelier_inscription": "Inscription à un atelier",
    "atelier_attente": "Liste d'attente d'un atelier",
    "atelier_promotion": "Place libérée dans un atelier",
    "atelier_changement": "Atelier déplacé",
    "atelier_annulation_session": "Atelier annulé",
    "atelier_annulation": "Inscription annulée",
    "orientation_acceptee": "Rendez-vous donné après une orientation",
    "orientation_rdv_deplace": "Rendez-vous d'orientation déplacé",
    "reponse_mot_cle": "Réponse à un SMS reçu",
}
ECHECS = (StatutSms.ECHEC, StatutSms.NON_DELIVRE)


def type_en_mots(kind):
    return TYPES.get(kind, "Autre message")


def price_per_segment():
    return Decimal(str(getattr(settings, "SMS_PRICE_PER_SEGMENT", Decimal("0.07"))))


def colonnes():
    """The counting columns, to annotate a grouped queryset of SmsMessage."""
    return {
        "messages": Count("pk"),
        "segments": Coalesce(Sum("segments", filter=Q(envoye_le__isnull=False)), 0),
        "envoyes": Count("pk", filter=Q(envoye_le__isnull=False)),
        "recus": Count("pk", filter=Q(statut=StatutSms.DELIVRE)),
        "echecs": Count("pk", filter=Q(statut__in=ECHECS)),
        "expires": Count("pk", filter=Q(statut=StatutSms.EXPIRE)),
    }
