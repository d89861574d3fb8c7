"""The receiving place's side of an orientation: take it into account, accept (an
appointment, or a session with the registration made), refuse (reasons), correct a decision
within FENETRE_CORRECTION, move the appointment, end it when the service was given.

Each function takes an `Acces` (orientations.acces_pro or orientations.check_link): every door
gets the same rules. States change by conditional UPDATE: two places accepting one theme
orientation at once, one wins and the other gets the refusal "deja_decidee".
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from ateliers.enums import Canal, StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services.registrations import cancel_registration, register
from mediation.enums_orientations import (
    DECIDEES,
    EN_ATTENTE,
    MotifRefus,
    StatutOrientation,
)
from mediation.models import Destinataire, Orientation
from mediation.models_orientations import MESSAGE_MAX
from mediation.services import orientations_avis as avis
from mediation.services.orientations import FENETRE_CORRECTION, journal, refuse

RDV_HORIZON = datetime.timedelta(days=180)
A_APPORTER_MAX = 120
RDV_LIEU_MAX = 255


def take_into_account(*, acces, now=None):
    """The place opened the request: ouverte → prise en compte, once (who, when, by which
    door). Returns True the first time."""
    now = now or timezone.now()
    orientation = acces.orientation
    with transaction.atomic():
        Destinataire.objects.filter(pk=acces.destinataire.pk, ouvert_le__isnull=True).update(
            ouvert_le=now
        )
        first = Orientation.objects.filter(
            pk=orientation.pk, statut=StatutOrientation.OUVERTE
        ).update(
            statut=StatutOrientation.PRISE_EN_COMPTE,
            prise_en_compte_le=now,
            prise_en_compte_par=acces.acteur,
            prise_en_compte_via=acces.via,
        )
        if first:
            journal(
                "prise_en_compte",
                orientation,
                acces.acteur,
                lieu=acces.destinataire.lieu_id,
                via=acces.via,
            )
    orientation.refresh_from_db()
    return bool(first)


def _check_appointment(rdv_le, rdv_lieu, a_apporter, now):
    if rdv_le is None:
        refuse("Indiquez le jour et l'heure du rendez-vous.", "rdv_requis", "rdv_le")
    if rdv_le <= now:
        refuse("Le rendez-vous doit être dans le futur.", "rdv_passe", "rdv_le")
    if rdv_le > now + RDV_HORIZON:
        refuse("Le rendez-vous doit être dans les 6 mois.", "rdv_trop_loin", "rdv_le")
    if len(rdv_lieu) > RDV_LIEU_MAX:
        refuse(f"Écrivez au plus {RDV_LIEU_MAX} caractères.", "rdv_lieu_trop_long", "rdv_lieu")
    if len(a_apporter) > A_APPORTER_MAX:
        refuse(
            f"Écrivez au plus {A_APPORTER_MAX} caractères.", "a_apporter_trop_long", "a_apporter"
        )


def _check_session(session, destinataire, liste_attente, now, current=None):
    if session.lieu_id != destinataire.lieu_id:
        refuse("Choisissez une session de votre lieu.", "session_autre_lieu", "session")
    if session.statut != StatutSession.PLANIFIEE or session.debut <= now:
        refuse("Cette session n'est plus ouverte.", "session_fermee", "session")
    # The seat taken with the request (a session orientation) is the person's own: a session
    # it filled is not full for them.
    seated = (
        current is not None
        and current.session_id == session.pk
        and current.statut == StatutInscription.INSCRIT
    )
    if session.nb_inscrits >= session.capacite and not liste_attente and not seated:
        refuse(
            "Cette session est complète : proposez la liste d'attente ou une autre session.",
            "session_complete",
            "session",
        )


def _active_registration(orientation):
    if orientation.inscription_id is None:
        return None
    return Inscription.objects.filter(
        pk=orientation.inscription_id,
        statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE),
    ).first()


def _register(acces, orientation, session, now):
    """The registration of an accepted orientation: the one made with it when it is for this
    session, otherwise a new one (the previous one, if any, cancelled)."""
    current = _active_registration(orientation)
    if current is not None and current.session_id == session.pk:
        return current
    if current is not None:
        cancel_registration(inscription=current, acteur=acces.acteur, autorise_par="orientation")
    return register(
        session=session,
        beneficiaire=orientation.beneficiaire,
        canal=Canal.ORIENTATION,
        acteur=acces.acteur,
        now=now,
    )


def _accept(acces, depuis, *, rdv_le, rdv_lieu, a_apporter, session, liste_attente, now):
    destinataire = acces.destinataire
    orientation = acces.orientation
    rdv_lieu = (rdv_lieu or "").strip()
    a_apporter = (a_apporter or "").strip()
    if session is not None:
        session = Session.objects.select_related("lieu", "theme").get(pk=session.pk)
        _check_session(session, destinataire, liste_attente, now, _active_registration(orientation))
        rdv_le, rdv_lieu = session.debut, ""
    else:
        _check_appointment(rdv_le, rdv_lieu, a_apporter, now)
        if not rdv_lieu:
            rdv_lieu = avis.adresse_postale(destinataire.lieu)
    if destinataire.decline_le is not None and depuis == EN_ATTENTE:
        refuse("Votre lieu a déjà refusé cette orientation.", "deja_refusee_ici")
    done = Orientation.objects.filter(pk=orientation.pk, statut__in=depuis).update(
        statut=StatutOrientation.ACCEPTEE,
        lieu=destinataire.lieu,
        decide_le=now,
        premiere_decision_le=Coalesce("premiere_decision_le", now),
        prise_en_compte_le=Coalesce("prise_en_compte_le", now),
        decide_par=acces.acteur,
        decision_via=acces.via,
        rdv_le=rdv_le,
        rdv_lieu=rdv_lieu,
        a_apporter=a_apporter,
        motifs_refus=[],
        message="",
    )
    if not done:
        refuse(
            "Cette orientation a déjà reçu une réponse, peut-être d'un autre lieu : "
            "rechargez la page.",
            "deja_decidee",
        )
    Destinataire.objects.filter(pk=destinataire.pk).update(
        decline_le=None, motifs_refus=[], message=""
    )
    orientation.refresh_from_db()
    if session is not None:
        current = _active_registration(orientation)
        inscription = _register(acces, orientation, session, now)
        if (
            inscription != current
            and inscription.statut == StatutInscription.EN_ATTENTE
            and not liste_attente
        ):
            # The last seat went to someone else between the check and the registration
            # (under the session's lock): a seat was promised, so nothing is kept.
            refuse(
                "Cette session vient d'être complète : proposez la liste d'attente ou une autre "
                "session.",
                "session_complete",
                "session",
            )
        Orientation.objects.filter(pk=orientation.pk).update(
            inscription=inscription, session=session
        )
        orientation.inscription, orientation.session = inscription, session
    else:
        # An appointment instead of a session: the seat taken with the request is given back.
        current = _active_registration(orientation)
        if current is not None:
            cancel_registration(
                inscription=current, acteur=acces.acteur, autorise_par="orientation"
            )
        Orientation.objects.filter(pk=orientation.pk).update(inscription=None)
        orientation.inscription = None
    return orientation


def accept(
    *,
    acces,
    rdv_le=None,
    rdv_lieu="",
    a_apporter="",
    session=None,
    liste_attente=False,
    now=None,
):
    """Accept with an appointment (rdv_le, where, what to bring) or a session of the place
    (the registration is made; `liste_attente` when the session is full). The prescripteur
    is told; the person by SMS (an appointment) or by the registration's own SMS (a
    session)."""
    now = now or timezone.now()
    with transaction.atomic():
        orientation = _accept(
            acces,
            EN_ATTENTE,
            rdv_le=rdv_le,
            rdv_lieu=rdv_lieu,
            a_apporter=a_apporter,
            session=session,
            liste_attente=liste_attente,
            now=now,
        )
        journal(
            "acceptation",
            orientation,
            acces.acteur,
            lieu=acces.destinataire.lieu_id,
            via=acces.via,
            session=getattr(session, "pk", None),
        )
        _tell_after_decision(orientation)
    return orientation


def _tell_after_decision(orientation):
    avis.decision_au_prescripteur(orientation)
    if orientation.statut == StatutOrientation.ACCEPTEE and orientation.inscription_id is None:
        if orientation.prevenir_sms:
            avis.sms_rendez_vous(orientation)


def _check_refusal(motifs, message):
    motifs = list(dict.fromkeys(motifs or ()))
    if not motifs:
        refuse("Cochez au moins une raison.", "motif_requis", "motifs")
    if any(m not in MotifRefus.values for m in motifs):
        refuse("Cette raison n'existe pas dans la liste.", "motif_inconnu", "motifs")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        refuse(
            f"Écrivez au plus {MESSAGE_MAX} caractères (vous en avez écrit {len(message)}).",
            "message_trop_long",
            "message",
        )
    if MotifRefus.AUTRE in motifs and not message:
        refuse("Pour « Autre raison », expliquez en un message.", "message_requis", "message")
    return motifs, message


def _refuse(acces, depuis, motifs, message, now):
    destinataire = acces.destinataire
    orientation = Orientation.objects.select_for_update().get(pk=acces.orientation.pk)
    if orientation.statut not in depuis:
        refuse(
            "Cette orientation a déjà reçu une réponse, peut-être d'un autre lieu : "
            "rechargez la page.",
            "deja_decidee",
        )
    if depuis == EN_ATTENTE and destinataire.decline_le is not None:
        refuse("Votre lieu a déjà refusé cette orientation.", "deja_refusee_ici")
    Destinataire.objects.filter(pk=destinataire.pk).update(
        decline_le=now, motifs_refus=motifs, message=message
    )
    others = orientation.destinataires.filter(decline_le__isnull=True).exclude(pk=destinataire.pk)
    if others.exists():
        # A theme orientation stays open while another place may still take the person; an
        # acceptance corrected into a refusal gives it back to them (waiting, no place, no
        # decision: the next acceptance opens its own correction window).
        if depuis != EN_ATTENTE:
            Orientation.objects.filter(pk=orientation.pk).update(
                statut=StatutOrientation.PRISE_EN_COMPTE,
                lieu=None,
                decide_le=None,
                premiere_decision_le=None,
                decide_par=None,
                decision_via="",
                rdv_le=None,
                rdv_lieu="",
                a_apporter="",
                motifs_refus=[],
                message="",
            )
            orientation.refresh_from_db()
        return orientation, False
    Orientation.objects.filter(pk=orientation.pk).update(
        statut=StatutOrientation.REFUSEE,
        decide_le=now,
        premiere_decision_le=Coalesce("premiere_decision_le", now),
        prise_en_compte_le=Coalesce("prise_en_compte_le", now),
        decide_par=acces.acteur,
        decision_via=acces.via,
        motifs_refus=motifs,
        message=message,
        rdv_le=None,
        rdv_lieu="",
        a_apporter="",
    )
    orientation.refresh_from_db()
    return orientation, True


def decline(*, acces, motifs, message="", now=None):
    """Refuse (at least one reason; a message, required for "autre"). A theme orientation is
    refused when every place has refused it; until then the others may still accept. Once
    refused, the seat taken with a session orientation is given back."""
    now = now or timezone.now()
    motifs, message = _check_refusal(motifs, message)
    with transaction.atomic():
        orientation, closed = _refuse(acces, EN_ATTENTE, motifs, message, now)
        current = _active_registration(orientation) if closed else None
        if current is not None:
            # The seat taken with a session orientation goes back to the session (and to the
            # first person waiting), as when an acceptance is corrected into a refusal.
            cancel_registration(
                inscription=current, acteur=acces.acteur, autorise_par="orientation"
            )
        journal(
            "refus" if closed else "refus_lieu",
            orientation,
            acces.acteur,
            lieu=acces.destinataire.lieu_id,
            via=acces.via,
            motifs=motifs,
        )
        if closed:
            _tell_after_decision(orientation)
    return orientation


def can_correct(orientation, destinataire, now=None):
    """A decision can be corrected by the place that made it, within FENETRE_CORRECTION of the
    first decision; after that it stands."""
    now = now or timezone.now()
    if orientation.statut not in DECIDEES or orientation.premiere_decision_le is None:
        return False
    if now - orientation.premiere_decision_le > FENETRE_CORRECTION:
        return False
    if orientation.statut == StatutOrientation.ACCEPTEE:
        return orientation.lieu_id == destinataire.lieu_id
    return destinataire.decline_le is not None


def correct(*, acces, decision, motifs=(), message="", now=None, **acceptance):
    """Change an acceptance into a refusal or the reverse (or the appointment or session of an
    acceptance), within the window; journalised with both decisions. A theme acceptance
    withdrawn while other places have not refused goes back to them, waiting (like decline)."""
    now = now or timezone.now()
    orientation = acces.orientation
    if not can_correct(orientation, acces.destinataire, now):
        refuse(
            "Cette décision ne peut plus être corrigée (plus de 7 jours, ou prise par un autre "
            "lieu).",
            "correction_fermee",
        )
    avant = orientation.statut
    with transaction.atomic():
        if decision == StatutOrientation.ACCEPTEE:
            orientation = _accept(acces, DECIDEES, now=now, **_acceptance(acceptance))
        elif decision == StatutOrientation.REFUSEE:
            motifs, message = _check_refusal(motifs, message)
            current = _active_registration(orientation)
            orientation, _ = _refuse(acces, DECIDEES, motifs, message, now)
            if current is not None:
                cancel_registration(
                    inscription=current, acteur=acces.acteur, autorise_par="orientation"
                )
        else:
            raise ValidationError("Décision inconnue.", code="decision_inconnue")
        journal(
            "correction",
            orientation,
            acces.acteur,
            lieu=acces.destinataire.lieu_id,
            via=acces.via,
            avant=avant,
            apres=orientation.statut,
        )
        if orientation.statut in DECIDEES:
            # Given back to the other places, it is not a decision: the next one is told.
            _tell_after_decision(orientation)
    return orientation


def _acceptance(values):
    return {
        "rdv_le": values.get("rdv_le"),
        "rdv_lieu": values.get("rdv_lieu", ""),
        "a_apporter": values.get("a_apporter", ""),
        "session": values.get("session"),
        "liste_attente": values.get("liste_attente", False),
    }


def move_appointment(*, acces, rdv_le, rdv_lieu="", a_apporter="", now=None):
    """The appointment moves (not a decision: allowed after the correction window); the person
    is told by SMS when they chose to be."""
    now = now or timezone.now()
    orientation = acces.orientation
    if orientation.statut != StatutOrientation.ACCEPTEE or orientation.lieu_id != (
        acces.destinataire.lieu_id
    ):
        refuse("Seul un rendez-vous accepté par votre lieu peut être déplacé.", "pas_de_rdv")
    if orientation.inscription_id is not None:
        refuse(
            "La personne est inscrite à une session : changez la session depuis l'atelier.",
            "rdv_session",
        )
    rdv_lieu = (rdv_lieu or "").strip() or orientation.rdv_lieu
    a_apporter = (a_apporter or "").strip()
    _check_appointment(rdv_le, rdv_lieu, a_apporter, now)
    with transaction.atomic():
        done = Orientation.objects.filter(
            pk=orientation.pk, statut=StatutOrientation.ACCEPTEE, inscription__isnull=True
        ).update(rdv_le=rdv_le, rdv_lieu=rdv_lieu, a_apporter=a_apporter)
        if not done:
            refuse("Cette orientation a changé : rechargez la page.", "deja_decidee")
        orientation.refresh_from_db()
        journal("rdv_deplace", orientation, acces.acteur, via=acces.via)
        avis.rdv_deplace_au_prescripteur(orientation)
        if orientation.prevenir_sms:
            avis.sms_rendez_vous(orientation, deplace=True)
    return orientation


def finish(*, orientation, acteur=None, activite=None, via="", now=None):
    """The service was given: acceptée → terminée, linked to the activity record when there is
    one (the presence at the session is on the registration). Returns True when it changed."""
    now = now or timezone.now()
    with transaction.atomic():
        done = Orientation.objects.filter(
            pk=orientation.pk, statut=StatutOrientation.ACCEPTEE
        ).update(
            statut=StatutOrientation.TERMINEE,
            termine_le=now,
            activite=activite or orientation.activite,
        )
        if done:
            orientation.refresh_from_db()
            journal(
                "fin",
                orientation,
                acteur,
                activite=getattr(activite, "pk", None),
                via=via,
            )
    return bool(done)


def finish_pro(*, acces, activite=None, now=None):
    """A médiateur of the place says the service was given (with the record, if any)."""
    orientation = acces.orientation
    if orientation.statut != StatutOrientation.ACCEPTEE or orientation.lieu_id != (
        acces.destinataire.lieu_id
    ):
        refuse("Seule une orientation acceptée par votre lieu peut être terminée.", "pas_acceptee")
    if activite is not None and (
        activite.supprime_le is not None
        or activite.structure_id != acces.destinataire.lieu.structure_id
        or not activite.participants.filter(beneficiaire=orientation.beneficiaire_id).exists()
    ):
        refuse(
            "Ce compte rendu ne concerne pas cette personne dans votre structure.",
            "activite_autre",
            "activite",
        )
    return finish(
        orientation=orientation, acteur=acces.acteur, activite=activite, via=acces.via, now=now
    )
