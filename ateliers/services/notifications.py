"""Texts sent to a person about a workshop: each names the workshop, the date and the place.

Every text is one SMS (160 GSM-7 characters), the opt-out link of the first one included:
when the names are long, they are shortened (inclusion.sms.textes.un_segment).
"""

from django.conf import settings

from inclusion.models import Journal
from inclusion.mots_du_temps import date_et_heure_en_mots
from inclusion.sms import send_sms
from inclusion.sms.optout import lien_stop
from inclusion.sms.textes import render, un_segment

TEXTS = {
    # Words chosen inside GSM-7 (no ê, no °), and short.
    "inscription": "Inscription confirmée : {titre} {quand}, {lieu}.",
    "attente": "Liste d'attente, place {rang} : {titre} {quand}, {lieu}.",
    "promotion": "Vous avez une place : {titre} {quand}, {lieu}. Pour annuler : {aide}.",
    "changement": "Changement : {titre} a lieu {quand}, {lieu}. Pour annuler : {aide}.",
    "annulation_session": "Atelier annulé : {titre} {quand}, {lieu}. "
    "Pour vous réinscrire : {aide}.",
    "annulation": "Votre inscription à l'atelier {titre} {quand}, {lieu}, est annulée.",
}
# The first message a person gets carries a way to stop SMS without answering.
AVEC_LIEN_STOP = ("inscription", "attente")
LIEN_STOP = " STOP SMS : {lien}"


def valeurs(session, **autres):
    """The variables of a workshop text: "quand" is "le mardi 3 décembre à 14 h", never
    "demain" (a text is read later); "quand_court" drops the weekday, the fallback of
    un_segment."""
    return {
        "titre": session.theme.titre_falc,
        "quand": date_et_heure_en_mots(session.debut),
        "quand_court": date_et_heure_en_mots(session.debut, semaine=False),
        "lieu": session.lieu.nom,
        "aide": settings.HELP_PHONE,
        **autres,
    }


def text_for(inscription, kind, rang=None, lien=None):
    """The coordinator's text for this kind (Textes des SMS) if any, else the one above;
    with the opt-out link when given; shortened to one SMS."""
    suffixe = LIEN_STOP.format(lien=lien) if lien else ""

    def render_text(v):
        return render(f"atelier_{kind}", TEXTS[kind], **v) + suffixe

    return un_segment(render_text, valeurs(inscription.session, rang=rang or ""))


def notify(inscription, kind, acteur=None, rang=None):
    """Send the text through the SMS gateway (its rules decide: consent, mobile, window…).

    Never about a workshop that has started, never twice for the same event."""
    session = inscription.session
    moment = f"{session.debut:%Y%m%d%H%M}"
    lien = lien_stop(inscription.beneficiaire) if kind in AVEC_LIEN_STOP else None
    body = text_for(inscription, kind, rang=rang, lien=lien)
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


def sms_outcome(inscription):
    """(sent, French sentence) about the confirmation text of this registration, for the
    page that follows it: the gateway journals each text sent with what it was about."""
    label = f"{inscription._meta.label_lower}#{inscription.pk}"
    sent = Journal.objects.filter(
        action="sms.envoi", objet_type="inclusion.beneficiaire", details__objet=label
    ).exists()
    if sent:
        return True, "Un SMS de confirmation a été envoyé à la personne."
    b = inscription.beneficiaire
    if not b.telephone:
        why = "la personne n'a pas de téléphone"
    elif not b.can_receive_sms and b.consentement_sms:
        why = "son numéro n'est pas un mobile"
    elif not b.consentement_sms:
        why = "la personne n'a pas accepté les SMS"
    else:
        why = "l'envoi n'a pas abouti"
    return False, f"Pas de SMS envoyé : {why}. Prévenez la personne vous-même."
