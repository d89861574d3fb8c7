"""Texts sent to a person about a workshop: each names the workshop, the date and the place."""

from django.conf import settings
from django.utils import formats, timezone

from inclusion.sms import send_sms
from inclusion.sms.optout import lien_stop
from inclusion.sms.textes import render

TEXTS = {
    # Words chosen inside GSM-7 (no ê, no °), and short: with a 30-character title and a
    # 40-character place, each text stays within one 160-character segment.
    "inscription": "Inscription confirmée : {titre} {quand}, {lieu}. Pour annuler : {aide}.",
    "attente": "Complet : {titre} {quand}, {lieu}. Vous avez la place {rang} sur la liste "
    "d'attente.",
    "promotion": "Vous avez une place : {titre} {quand}, {lieu}. Pour annuler : {aide}.",
    "changement": "Changement : {titre} a lieu {quand}, {lieu}. Pour annuler : {aide}.",
    "annulation_session": "Atelier annulé : {titre} {quand}, {lieu}. "
    "Pour vous réinscrire : {aide}.",
    "annulation": "Votre inscription à l'atelier {titre} {quand}, {lieu}, est annulée.",
}


def quand(session):
    """ "le mardi 3 décembre à 14 h" (local time, French, no leading zero)."""
    debut = timezone.localtime(session.debut)
    jour = formats.date_format(debut, "l j F")
    heure = f"{debut.hour} h" + (f" {debut.minute:02d}" if debut.minute else "")
    return f"le {jour} à {heure}"


def text_for(inscription, kind, rang=None):
    """The coordinator's text for this kind (Textes des SMS) if any, else the one above."""
    session = inscription.session
    return render(
        f"atelier_{kind}",
        TEXTS[kind],
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
    body = text_for(inscription, kind, rang=rang)
    if kind in ("inscription", "attente"):
        # The first message a person gets carries a way to stop SMS without answering.
        body += f" Ne plus recevoir de SMS : {lien_stop(inscription.beneficiaire)}"
    return send_sms(
        beneficiaire=inscription.beneficiaire,
        body=body,
        kind=f"atelier_{kind}",
        about=inscription,
        acteur=acteur,
        key=f"atelier_{kind}:{inscription.pk}:{moment}",
        event_at=session.debut,
        useless_after=session.debut,
    )
