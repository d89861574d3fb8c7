"""What orientations tell people: the receiving place (its link, reminders, a cancellation),
the prescripteur (every decision, the expiry) and the person (an SMS in FALC with the
appointment: where, when, what to bring; again when it moves).

Every message is an outbox row written in the caller's transaction (send_email, send_sms):
nothing leaves unless the change is committed. The person's SMS follows the SMS rules of the
socle (consent, mobile, send hours, daily cap, one segment).

E-mails carry the person's first name and the need, never a surname or a phone number: a
place's contact address may be read by several people, and a link may be forwarded.

The person reads only the latest appointment: an appointment SMS still waiting for the send
hours is withdrawn when the appointment moves, is refused on correction or the orientation is
cancelled; "votre rendez-vous change" goes only to someone who was told the first one.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import StatutInscription, Thematique
from inclusion.emails.service import absolute_url, send_email
from inclusion.models import SmsMessage, StatutSms
from inclusion.models.textes import CleTexteSms
from inclusion.mots_du_temps import (
    date_et_annee_en_mots,
    date_et_heure_en_mots,
    plage_en_mots,
)
from inclusion.sms import SmsResult, gsm, send_sms
from inclusion.sms.service import REASONS
from inclusion.sms.textes import cached, render, shorten
from mediation.enums_orientations import (
    ContactPrefere,
    MotifRefus,
    StatutOrientation,
    TypeOrientation,
)
from mediation.services.orientations_liens import DELAI_EXPIRATION, link_url

# FALC: short sentences, one idea each, the date in words, the help number last.
SMS_RDV = "Bonjour. Vous avez rendez-vous {quand}. Lieu : {lieu}. {apporter} Aide : {aide}"
SMS_RDV_DEPLACE = (
    "Bonjour. Votre rendez-vous change : {quand}. Lieu : {lieu}. {apporter} Aide : {aide}"
)


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


def _telephone(numero):
    return numero.as_national if numero else ""


def _minuscule(texte):
    return texte[:1].lower() + texte[1:]


def _depuis(jours):
    """ "depuis aujourd'hui", "depuis 1 jour", "depuis 10 jours"."""
    if jours == 0:
        return "depuis aujourd'hui"
    return f"depuis {jours} jour{'s' if jours > 1 else ''}"


def _dans(jours):
    if jours == 0:
        return "aujourd'hui"
    return f"dans {jours} jour{'s' if jours > 1 else ''}"


def _besoins(orientation):
    labels = dict(Thematique.choices)
    return [labels.get(t, t) for t in orientation.thematiques]


def _vers(orientation):
    """What is asked, in words: "un accompagnement individuel", "l'atelier « … »"."""
    if orientation.type == TypeOrientation.SESSION and orientation.session_id:
        session = orientation.session
        quand = plage_en_mots(session.debut, session.fin)
        return f"la session de l'atelier « {session.theme.titre} » du {quand}"
    if orientation.type == TypeOrientation.THEME and orientation.theme_id:
        return f"l'atelier « {orientation.theme.titre} » (une prochaine session)"
    return "un accompagnement individuel"


def _commun(orientation):
    """What every e-mail about an orientation may show: the first name, the need, who sent it."""
    prescripteur = orientation.prescripteur
    structure = orientation.structure
    return {
        "orientation": orientation,
        "prenom": orientation.beneficiaire.prenom,
        "besoins": _besoins(orientation),
        "besoin": orientation.besoin,
        "vers": _vers(orientation),
        "prescripteur": prescripteur,
        "prescripteur_nom": prescripteur.get_full_name() or prescripteur.email,
        "prescripteur_email": prescripteur.email,
        "structure": structure,
        "structure_nom": structure.nom,
        "structure_telephone": _telephone(structure.telephone),
        "envoyee_le": date_et_annee_en_mots(orientation.cree_le),
    }


def lien_au_lieu(destinataire, *, motif, niveau=None, now=None):
    """The request's link to the place's contact address (motif: "nouvelle", "relance",
    "relance_manuelle", "nouveau_lien"). A place without an address sees it in the espace pro
    only."""
    adresse = adresse_du_lieu(destinataire.lieu)
    if not adresse:
        return None
    now = now or timezone.now()
    orientation = destinataire.orientation
    lien = absolute_url(link_url(destinataire))
    expire_le = orientation.cree_le + DELAI_EXPIRATION
    return send_email(
        to=adresse,
        template="orientation_lien",
        context={
            **_commun(orientation),
            "lieu": destinataire.lieu,
            "lien": lien,
            "motif": motif,
            "niveau": niveau,
            "valable_jusqu_au": date_et_annee_en_mots(destinataire.lien_expire_le),
            "contact": _minuscule(orientation.get_contact_prefere_display()),
            # Only promised when the appointment SMS will really leave (prevenir_sms).
            "contact_sms": orientation.contact_prefere == ContactPrefere.SMS
            and orientation.prevenir_sms,
            "jours_attente": max((now - orientation.cree_le).days, 0),
            "attente": _depuis(max((now - orientation.cree_le).days, 0)),
            "jours_restants": max((expire_le - now).days, 0),
            "restant": _dans(max((expire_le - now).days, 0)),
            "expire_le": date_et_annee_en_mots(expire_le),
            "delai_expiration": DELAI_EXPIRATION.days,
            "plusieurs_lieux": orientation.type == TypeOrientation.THEME,
        },
        kind=f"orientation.{motif}",
        about=orientation,
        secrets=(lien.split("h=", 1)[-1],),
        useless_after=destinataire.lien_expire_le,
    )


def _lien_detail(orientation):
    return absolute_url(reverse("orientations:detail", args=[orientation.uuid]))


def _au_prescripteur(orientation, template, kind, **context):
    prescripteur = orientation.prescripteur
    if not prescripteur.is_active or not prescripteur.email:
        return None
    return send_email(
        to=prescripteur.email,
        template=template,
        context={**_commun(orientation), "lien": _lien_detail(orientation), **context},
        kind=kind,
        about=orientation,
    )


def _decision(orientation):
    """What the prescripteur needs to know of the decision, in words."""
    acceptee = orientation.statut == StatutOrientation.ACCEPTEE
    corrigee = bool(
        orientation.premiere_decision_le
        and orientation.decide_le
        and orientation.decide_le != orientation.premiere_decision_le
    )
    context = {"acceptee": acceptee, "corrigee": corrigee, "lieu": orientation.lieu}
    if acceptee:
        inscription = orientation.inscription
        context.update(
            lieu_adresse=adresse_postale(orientation.lieu),
            lieu_telephone=_telephone(orientation.lieu.telephone),
            session=orientation.session if inscription else None,
            liste_attente=bool(inscription and inscription.statut == StatutInscription.EN_ATTENTE),
            quand=(
                plage_en_mots(orientation.session.debut, orientation.session.fin)
                if inscription and orientation.session_id
                else date_et_heure_en_mots(orientation.rdv_le)
                if orientation.rdv_le
                else ""
            ),
            rdv_lieu=orientation.rdv_lieu,
            a_apporter=orientation.a_apporter,
            sms=orientation.prevenir_sms and inscription is None,
        )
    else:
        labels = dict(MotifRefus.choices)
        context.update(
            motifs=[labels.get(m, m) for m in orientation.motifs_refus],
            message=orientation.message,
        )
        if orientation.type == TypeOrientation.THEME:
            # Every place refused: each says why (the last one's reasons are only one part).
            context["refus"] = [
                {
                    "lieu": d.lieu.nom,
                    "motifs": [labels.get(m, m) for m in d.motifs_refus],
                    "message": d.message,
                }
                for d in orientation.destinataires.filter(decline_le__isnull=False)
                .select_related("lieu")
                .order_by("decline_le", "pk")
            ]
    return context


def decision_au_prescripteur(orientation):
    """Accepted or refused (or corrected): the prescripteur is told, with no personal data in
    the e-mail beyond the first name. A refusal on correction withdraws the appointment SMS
    still waiting; one already sent is for the prescripteur to undo (the e-mail says so)."""
    context = _decision(orientation)
    if not context["acceptee"]:
        withdraw_queued_sms(orientation)
        parti = sms_parti(orientation)
        context["sms_parti"] = (
            date_et_heure_en_mots(parti.envoye_le or parti.cree_le) if parti else ""
        )
    return _au_prescripteur(orientation, "orientation_decision", "orientation.decision", **context)


def rdv_deplace_au_prescripteur(orientation):
    """The appointment moved: the prescripteur knows the new one, and relays it when the
    person gets no SMS."""
    return _au_prescripteur(
        orientation, "orientation_rdv_deplace", "orientation.rdv_deplace", **_decision(orientation)
    )


def expiration_au_prescripteur(orientation):
    return _au_prescripteur(
        orientation,
        "orientation_expiree",
        "orientation.expiration",
        delai_expiration=DELAI_EXPIRATION.days,
        lieux=[d.lieu.nom for d in orientation.destinataires.select_related("lieu")],
    )


def annulation_aux_lieux(orientation):
    """The places that have not refused are told; an appointment SMS still waiting for the
    send hours no longer goes."""
    withdraw_queued_sms(orientation)
    sent = []
    for destinataire in orientation.destinataires.filter(decline_le__isnull=True).select_related(
        "lieu__structure"
    ):
        adresse = adresse_du_lieu(destinataire.lieu)
        if not adresse:
            continue
        rdv_ici = bool(orientation.rdv_le and orientation.lieu_id == destinataire.lieu_id)
        sent.append(
            send_email(
                to=adresse,
                template="orientation_annulee",
                context={
                    **_commun(orientation),
                    "lieu": destinataire.lieu,
                    "motif_annulation": orientation.motif_annulation,
                    "rdv": date_et_heure_en_mots(orientation.rdv_le) if rdv_ici else "",
                },
                kind="orientation.annulation",
                about=orientation,
            )
        )
    return sent


def _apporter(texte):
    """ "Apportez : votre carte Vitale." (kept as written when it already says "Apportez")."""
    texte = (texte or "").strip()
    if not texte:
        return ""
    if texte[-1] not in ".!?":
        texte += "."
    if texte.lower().startswith("apport"):
        return texte
    return f"Apportez : {texte}"


def _lieux_sms(orientation):
    """Where, from the fullest to the shortest. The place typed by the médiateur is kept as
    written; the default address loses its postcode, then its town (the place is near the
    person), and, after the weekday, the place's name (its street and town come back)."""
    lieu = orientation.lieu
    rdv_lieu = orientation.rdv_lieu or lieu.nom
    if rdv_lieu != adresse_postale(lieu) or not lieu.adresse:
        return rdv_lieu, rdv_lieu, rdv_lieu, rdv_lieu
    commune = lieu.commune.nom
    return (
        rdv_lieu,
        f"{lieu.nom}, {lieu.adresse}, {commune}",
        f"{lieu.nom}, {lieu.adresse}",
        f"{lieu.adresse}, {commune}",
    )


def _un_sms(render_text, valeurs, lieux):
    """The text in one GSM-7 segment. What goes first, in order: the postcode, the town,
    the weekday, the place's name (its street and town stay), the end of what to bring,
    then the end of the place. Below that the text is sent whole (two SMS rather than a
    place nobody can find)."""

    def fits(v):
        texte = gsm.normalize(render_text(v))
        return gsm.encoding(texte) != gsm.GSM7 or gsm.segments(texte) <= 1

    def excess(v):
        return gsm.length(gsm.normalize(render_text(v))) - 160

    complet, sans_code_postal, nom_et_rue, rue_et_ville = lieux
    v = dict(valeurs, lieu=complet)
    steps = [
        lambda v: v.update(lieu=sans_code_postal),
        lambda v: v.update(lieu=nom_et_rue),
        lambda v: v.update(quand=v["quand_court"]),
        lambda v: v.update(lieu=rue_et_ville),
        lambda v: v.update(
            apporter=shorten(v["apporter"], max(30, len(v["apporter"]) - excess(v)))
        ),
        lambda v: v.update(lieu=shorten(v["lieu"], max(40, len(v["lieu"]) - excess(v)))),
        lambda v: v.update(
            apporter=shorten(v["apporter"], max(14, len(v["apporter"]) - excess(v)))
        ),
        lambda v: v.update(lieu=shorten(v["lieu"], max(24, len(v["lieu"]) - excess(v)))),
    ]
    with cached():  # the coordinator's text is read once, not at each try
        for step in steps:
            if fits(v):
                break
            step(v)
        return render_text(v)


def _sms_du_rdv(orientation):
    """The appointment SMS rows about this orientation (not the ones cancelled or expired)."""
    return SmsMessage.objects.filter(
        about=f"{orientation._meta.label_lower}#{orientation.pk}",
        kind__in=(CleTexteSms.ORIENTATION_ACCEPTEE, CleTexteSms.ORIENTATION_RDV_DEPLACE),
    ).exclude(statut__in=(StatutSms.ANNULE, StatutSms.EXPIRE))


def withdraw_queued_sms(orientation):
    """An appointment SMS still waiting (for the send hours) no longer goes: the appointment
    changed, was refused on correction, or the orientation was cancelled. Rows a worker has
    already claimed are left to it. Returns how many were withdrawn."""
    return (
        _sms_du_rdv(orientation)
        .filter(statut=StatutSms.A_ENVOYER, tentatives=0)
        .update(statut=StatutSms.ANNULE, statut_le=timezone.now())
    )


def sms_parti(orientation):
    """The last appointment SMS that left for the person, or None."""
    return (
        _sms_du_rdv(orientation)
        .filter(statut__in=(StatutSms.ENVOYE, StatutSms.DELIVRE))
        .order_by("-pk")
        .first()
    )


def _texte_sms(kind, valeurs, lieux):
    defaut = SMS_RDV_DEPLACE if kind == CleTexteSms.ORIENTATION_RDV_DEPLACE else SMS_RDV
    body = _un_sms(lambda v: render(kind, defaut, **v), valeurs, lieux)
    # "Médiathèque..." then "." reads as four dots; spaces left by an empty {apporter}.
    return gsm.normalize(" ".join(body.replace("....", "...").split()))


def sms_rendez_vous(orientation, *, deplace=False):
    """The appointment, in one SMS, in FALC: when, where, what to bring, the help number.
    Returns the SmsResult (refusals are not errors: the prescripteur sees them in the file's
    SMS history)."""
    valeurs = {
        "quand": date_et_heure_en_mots(orientation.rdv_le),
        "quand_court": date_et_heure_en_mots(orientation.rdv_le, semaine=False),
        "apporter": _apporter(orientation.a_apporter),
        "aide": settings.HELP_PHONE,
    }
    withdraw_queued_sms(orientation)  # the person gets the latest appointment only
    parti = sms_parti(orientation)
    lieux = _lieux_sms(orientation)
    if parti is not None and parti.corps == _texte_sms(parti.kind, valeurs, lieux):
        # What the person last read is still true (a double click, a move to the same time).
        return SmsResult(sent=False, reason=REASONS["duplicate"], code="duplicate")
    # "Votre rendez-vous change" only to someone who was told the first one.
    deplace = deplace and parti is not None
    kind = CleTexteSms.ORIENTATION_RDV_DEPLACE if deplace else CleTexteSms.ORIENTATION_ACCEPTEE
    body = _texte_sms(kind, valeurs, lieux)
    # One key per message sent about this orientation: a double click finds its twin above.
    rang = SmsMessage.objects.filter(about=f"{orientation._meta.label_lower}#{orientation.pk}")
    return send_sms(
        beneficiaire=orientation.beneficiaire,
        body=body,
        kind=str(kind),
        about=orientation,
        key=f"{kind}:{orientation.pk}:{orientation.rdv_le:%Y%m%d%H%M}:{rang.count()}",
        event_at=orientation.rdv_le,
        useless_after=orientation.rdv_le,
    )
