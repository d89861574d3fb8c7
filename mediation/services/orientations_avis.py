"""What orientations tell people: the receiving place (its link, reminders, a cancellation),
the prescripteur (every decision, the expiry) and the person (an SMS in FALC with the
appointment: where, when, what to bring; again when it moves).

Every message is an outbox row written in the caller's transaction (send_email, send_sms):
nothing leaves unless the change is committed. The person's SMS follows the SMS rules of the
socle (consent, mobile, send hours, daily cap, one segment).
"""

from django.conf import settings

from inclusion.emails.service import absolute_url, send_email
from inclusion.models.textes import CleTexteSms
from inclusion.mots_du_temps import date_et_heure_en_mots
from inclusion.sms import send_sms
from inclusion.sms.textes import render, un_segment

SMS_RDV = "Rendez-vous {quand} : {lieu}. {apporter} Aide : {aide}"
SMS_RDV_DEPLACE = "Votre rendez-vous change. Nouveau : {quand}, {lieu}. {apporter} Aide : {aide}"


def adresse_du_lieu(lieu):
    """The place's contact address: its first e-mail, else its structure's."""
    for courriel in (lieu.courriels or "").split("|"):
        if courriel.strip():
            return courriel.strip()
    return lieu.structure.courriel or ""


def adresse_postale(lieu):
    return ", ".join(
        p for p in (lieu.nom, lieu.adresse, f"{lieu.code_postal} {lieu.commune.nom}".strip()) if p
    )


def lien_au_lieu(destinataire, *, motif, niveau=None):
    """The request's link to the place's contact address (motif: "nouvelle", "relance",
    "relance_manuelle", "nouveau_lien"). A place without an address sees it in the espace pro
    only."""
    from mediation.services.orientations import link_url

    adresse = adresse_du_lieu(destinataire.lieu)
    if not adresse:
        return None
    orientation = destinataire.orientation
    lien = absolute_url(link_url(destinataire))
    return send_email(
        to=adresse,
        template="orientation_lien",
        context={
            "orientation": orientation,
            "lieu": destinataire.lieu,
            "lien": lien,
            "motif": motif,
            "niveau": niveau,
            "valable_jusqu_au": destinataire.lien_expire_le,
            "prescripteur": orientation.prescripteur,
            "structure": orientation.structure,
        },
        kind=f"orientation.{motif}",
        about=orientation,
        secrets=(lien.split("h=", 1)[-1],),
        useless_after=destinataire.lien_expire_le,
    )


def _au_prescripteur(orientation, template, kind):
    prescripteur = orientation.prescripteur
    if not prescripteur.is_active or not prescripteur.email:
        return None
    from django.urls import reverse

    return send_email(
        to=prescripteur.email,
        template=template,
        context={
            "orientation": orientation,
            "lien": absolute_url(reverse("orientations:detail", args=[orientation.uuid])),
        },
        kind=kind,
        about=orientation,
    )


def decision_au_prescripteur(orientation):
    """Accepted or refused (or corrected): the prescripteur is told, with no personal data in
    the e-mail beyond the first name."""
    return _au_prescripteur(orientation, "orientation_decision", "orientation.decision")


def expiration_au_prescripteur(orientation):
    return _au_prescripteur(orientation, "orientation_expiree", "orientation.expiration")


def annulation_aux_lieux(orientation):
    sent = []
    for destinataire in orientation.destinataires.filter(decline_le__isnull=True).select_related(
        "lieu__structure"
    ):
        adresse = adresse_du_lieu(destinataire.lieu)
        if adresse:
            sent.append(
                send_email(
                    to=adresse,
                    template="orientation_annulee",
                    context={"orientation": orientation, "lieu": destinataire.lieu},
                    kind="orientation.annulation",
                    about=orientation,
                )
            )
    return sent


def sms_rendez_vous(orientation, *, deplace=False):
    """The appointment, in one SMS, in FALC. Returns the SmsResult (refusals are not errors:
    the prescripteur sees them in the file's SMS history)."""
    valeurs = {
        "quand": date_et_heure_en_mots(orientation.rdv_le),
        "quand_court": date_et_heure_en_mots(orientation.rdv_le, semaine=False),
        "lieu": orientation.rdv_lieu or orientation.lieu.nom,
        "apporter": orientation.a_apporter,
        "aide": settings.HELP_PHONE,
    }
    kind = CleTexteSms.ORIENTATION_RDV_DEPLACE if deplace else CleTexteSms.ORIENTATION_ACCEPTEE
    defaut = SMS_RDV_DEPLACE if deplace else SMS_RDV
    body = un_segment(lambda v: render(kind, defaut, **v), valeurs, variables=("lieu",))
    return send_sms(
        beneficiaire=orientation.beneficiaire,
        body=" ".join(body.split()),
        kind=str(kind),
        about=orientation,
        key=f"{kind}:{orientation.pk}:{orientation.rdv_le:%Y%m%d%H%M}",
        event_at=orientation.rdv_le,
        useless_after=orientation.rdv_le,
    )
