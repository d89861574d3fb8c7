"""Texts sent to a person about a workshop: each names the workshop, the date and the place."""

from django.conf import settings
from django.utils import formats, timezone

from inclusion.sms import send_sms

TEXTS = {
    # Words chosen inside GSM-7 (no ê, no °): one segment costs less and reads the same.
    "inscription": "Inscription confirmée : atelier {titre} {quand}, {lieu}. "
    "Pour annuler : {aide}.",
    "attente": "Atelier {titre} {quand}, {lieu} : complet. Vous avez la place {rang} sur la "
    "liste d'attente. Nous vous écrirons si une place se libère.",
    "promotion": "Une place s'est libérée. Inscription confirmée : atelier {titre} {quand}, "
    "{lieu}. Pour annuler : {aide}.",
    "changement": "Changement : l'atelier {titre} a lieu {quand}, {lieu}. Pour annuler : {aide}.",
    "annulation_session": "Annulé : l'atelier {titre} prévu {quand}, {lieu}, n'aura pas lieu. "
    "Pour vous réinscrire : {aide}.",
    "annulation": "Votre inscription à l'atelier {titre} {quand} est annulée.",
}


def quand(session):
    """ "le mardi 3 décembre à 14 h" (local time, French, no leading zero)."""
    debut = timezone.localtime(session.debut)
    jour = formats.date_format(debut, "l j F")
    heure = f"{debut.hour} h" + (f" {debut.minute:02d}" if debut.minute else "")
    return f"le {jour} à {heure}"


def text_for(inscription, kind, rang=None):
    session = inscription.session
    return TEXTS[kind].format(
        titre=session.theme.titre_falc,
        quand=quand(session),
        lieu=session.lieu.nom,
        aide=settings.HELP_PHONE,
        rang=rang or "",
    )


def notify(inscription, kind, acteur=None, rang=None):
    """Send the text through the SMS gateway (its rules decide: consent, mobile, window…).

    Never about a workshop that has started, never twice for the same event."""
    session = inscription.session
    moment = f"{session.debut:%Y%m%d%H%M}"
    return send_sms(
        beneficiaire=inscription.beneficiaire,
        body=text_for(inscription, kind, rang=rang),
        kind=f"atelier_{kind}",
        about=inscription,
        acteur=acteur,
        key=f"atelier_{kind}:{inscription.pk}:{moment}",
        event_at=session.debut,
        useless_after=session.debut,
    )
