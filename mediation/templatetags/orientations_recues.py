"""What a receiving place's pages show of an orientation (espace pro and signed link):
{% resume_orientation destinataire %} renders the request as the place may read it,
{% decision_orientation destinataire %} its current answer, {% etat_pour_lieu destinataire as
etat %} its state for this place."""

from django import template
from django.utils import timezone

from inclusion.mots_du_temps import date_et_heure_en_mots
from mediation import orientations_recues as lecture
from mediation.enums_orientations import EN_ATTENTE, ContactPrefere, MotifRefus, StatutOrientation
from mediation.services.orientations import DELAI_EXPIRATION

register = template.Library()

PARTIALS = "mediation/orientations/partials/"


@register.filter
def quand_en_mots(moment):
    """ "le mardi 3 décembre à 14 h" (the year when it is not this one)."""
    return date_et_heure_en_mots(moment) if moment else ""


@register.simple_tag
def etat_pour_lieu(destinataire):
    return lecture.etat_pour_lieu(destinataire)


def _prenom(destinataire):
    # The list and the detail annotate the first name alone; elsewhere the file is loaded.
    prenom = getattr(destinataire, "prenom", None)
    return prenom if prenom is not None else destinataire.orientation.beneficiaire.prenom


@register.inclusion_tag(PARTIALS + "resume.html")
def resume_orientation(destinataire, titre_niveau=2):
    """The request: first name, need, how to reach the person, the prescripteur's contact."""
    orientation = destinataire.orientation
    now = timezone.now()
    structure = orientation.structure
    return {
        "destinataire": destinataire,
        "orientation": orientation,
        "prenom": _prenom(destinataire),
        "thematiques": lecture.thematiques_labels(orientation.thematiques),
        "jours": lecture.jours_depuis(orientation.cree_le, now),
        "longue": lecture.is_waiting_long(destinataire, now),
        # Waiting for this place: the day it expires without an answer.
        "expire_le": (
            orientation.cree_le + DELAI_EXPIRATION
            if orientation.statut in EN_ATTENTE and destinataire.decline_le is None
            else None
        ),
        "contact_sms": orientation.contact_prefere == ContactPrefere.SMS,
        "contact_prescripteur": orientation.contact_prefere == ContactPrefere.PRESCRIPTEUR,
        "prescripteur": orientation.prescripteur,
        "structure": structure,
        "telephone": structure.telephone.as_national if structure.telephone else "",
        "telephone_lien": structure.telephone.as_e164 if structure.telephone else "",
        "titre_niveau": titre_niveau,
    }


@register.inclusion_tag(PARTIALS + "decision.html")
def decision_orientation(destinataire):
    """This place's answer: the appointment or session, the refusal's reasons, or the end."""
    orientation = destinataire.orientation
    labels = dict(MotifRefus.choices)
    if destinataire.decline_le is not None:
        motifs, message = destinataire.motifs_refus, destinataire.message
    elif orientation.statut == StatutOrientation.REFUSEE:
        motifs, message = orientation.motifs_refus, orientation.message
    else:
        motifs, message = [], ""
    return {
        "destinataire": destinataire,
        "orientation": orientation,
        "etat": lecture.etat_pour_lieu(destinataire),
        "motifs": [labels.get(m, m) for m in motifs],
        "message": message,
    }
