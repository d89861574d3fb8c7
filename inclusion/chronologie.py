"""This layer's lines of a person's timeline (inclusion.registry.register_timeline_provider):
the file created, SMS consent given or withdrawn, SMS refused or allowed again. Consent
changes are read from the journal (one query): the file keeps only the current consent."""

from django.utils import timezone

from inclusion import perms
from inclusion.models import Journal
from inclusion.registry import Evenement, register_timeline_provider

ACTIONS = (
    "beneficiaire.creation",
    "beneficiaire.modification",
    "beneficiaire.consentement",
    "sms.stop",
    "sms.start",
)
CANAUX_REFUS = {"sms": "par SMS", "lien": "par le lien du SMS", "pro": "auprès d'un professionnel"}


def _consent_line(ligne):
    """The timeline line a journal line stands for, or None (an edit of other fields)."""
    details = ligne.details or {}
    quand = timezone.localtime(ligne.quand)
    if ligne.action == "sms.stop":
        canal = CANAUX_REFUS.get(details.get("canal"), "")
        return Evenement(
            quand=quand,
            nature="sms_refus",
            titre="Ne veut plus recevoir de SMS",
            detail=f"Demandé {canal}." if canal else "",
        )
    if ligne.action == "sms.start":
        return Evenement(quand=quand, nature="sms", titre="SMS autorisés de nouveau")
    if ligne.action == "beneficiaire.modification":
        if "consentement_sms" not in (details.get("champs") or []):
            return None
    elif not details.get("consentement_sms"):
        return None  # created without consent: nothing to show beyond the creation
    if details.get("consentement_sms"):
        return Evenement(quand=quand, nature="sms", titre="Accepte de recevoir des SMS")
    return Evenement(quand=quand, nature="sms_refus", titre="N'accepte plus les SMS")


def evenements(user, beneficiaire):
    """The file's creation and its consent history, for whoever may open the file."""
    if not perms.can_view_beneficiaire(user, beneficiaire):
        return []
    events = [
        Evenement(
            quand=timezone.localtime(beneficiaire.cree_le),
            nature="dossier",
            titre="Dossier créé",
            detail=f"Par {beneficiaire.structure.nom}.",
        )
    ]
    lignes = Journal.objects.filter(
        objet_type=beneficiaire._meta.label_lower,
        objet_id=str(beneficiaire.pk),
        action__in=ACTIONS,
    ).only("quand", "action", "details")
    for ligne in lignes:
        event = _consent_line(ligne)
        if event is not None:
            events.append(event)
    return events


register_timeline_provider("inclusion", evenements)
