"""Orientations, the sending side and the doors of the receiving side.

A prescripteur orients a person to a place (individual help), a workshop theme (every place
with an upcoming session of it receives the request; the first to accept takes it) or a given
session (the registration is made at once, the orientation linked to it). The receiving side
acts in the espace pro (its médiateurs) or through a signed link e-mailed to the place's
contact address, valid VALIDITE_LIEN and re-issued on demand; both doors become an `Acces`,
which the decision services (orientations_decision.py) require.

Refusals are ValidationErrors with codes; the journal gets ids and keys, never the free text.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from ateliers.enums import Canal, StatutSession, Thematique
from ateliers.models import Session
from ateliers.services.registrations import register
from inclusion.models import Lieu
from inclusion.services.beneficiaires import touch_activity
from inclusion.services.journal import write_journal
from mediation import perms
from mediation.enums_orientations import (
    EN_ATTENTE,
    ContactPrefere,
    StatutOrientation,
    TypeOrientation,
    Via,
)
from mediation.models import Destinataire, Orientation
from mediation.models_orientations import BESOIN_MAX
from mediation.services import orientations_avis as avis
from mediation.services.orientations_liens import (  # noqa: F401 (their home, re-exported)
    DELAI_EXPIRATION,
    FENETRE_CORRECTION,
    RELANCES,
    VALIDITE_LIEN,
    link_url,
)
from mediation.services.orientations_liens import signature as _signature

INTERVALLE_RELANCE_MANUELLE = datetime.timedelta(days=1)
# A link asked again from the expired-link page is sent at most this often.
INTERVALLE_NOUVEAU_LIEN = datetime.timedelta(hours=1)
MOTIF_ANNULATION_MAX = 200


def refuse(message, code, champ=None):
    erreur = ValidationError(message, code=code)
    raise ValidationError({champ: erreur}) if champ else erreur


def journal(action, orientation, acteur=None, **details):
    write_journal(
        acteur=acteur,
        action=f"orientation.{action}",
        objet=orientation,
        structure=orientation.structure,
        details={"beneficiaire": orientation.beneficiaire_id, **details},
    )


# --- The receiving side's doors --------------------------------------------------------------


@dataclass(frozen=True)
class Acces:
    """Who acts for a receiving place: a médiateur in the espace pro (acteur set) or whoever
    holds the place's valid signed link (acteur None). Built only by acces_pro and
    check_link."""

    destinataire: Destinataire
    acteur: object
    via: str

    @property
    def orientation(self):
        return self.destinataire.orientation


def acces_pro(user, destinataire):
    if not perms.can_decide_orientation(user, destinataire):
        raise PermissionDenied("Cette orientation n'est pas adressée à votre structure.")
    return Acces(destinataire=destinataire, acteur=user, via=Via.PRO)


class LienRefuse(Exception):
    """A link that does not open: `code` is "altere" (tampered, unknown) or "expire"; an
    expired link keeps its `destinataire`, so that a new link can be sent to the place."""

    def __init__(self, code, destinataire=None):
        super().__init__(code)
        self.code = code
        self.destinataire = destinataire


def check_link(*, uuid, signature, now=None):
    """The Acces a signed link gives; LienRefuse otherwise. Compared in constant time."""
    try:
        destinataire = Destinataire.objects.select_related(
            "orientation__structure", "orientation__beneficiaire", "lieu"
        ).get(uuid=uuid)
    except (Destinataire.DoesNotExist, ValidationError, ValueError):
        raise LienRefuse("altere") from None
    if not constant_time_compare(str(signature or ""), _signature(destinataire)):
        raise LienRefuse("altere")
    if (now or timezone.now()) >= destinataire.lien_expire_le:
        raise LienRefuse("expire", destinataire)
    return Acces(destinataire=destinataire, acteur=None, via=Via.LIEN)


def _new_link(destinataire, now):
    """Raise the generation (older links stop working) and set a new expiry."""
    destinataire.generation += 1
    destinataire.lien_expire_le = now + VALIDITE_LIEN
    destinataire.lien_envoye_a = avis.adresse_du_lieu(destinataire.lieu)
    Destinataire.objects.filter(pk=destinataire.pk).update(
        generation=destinataire.generation,
        lien_expire_le=destinataire.lien_expire_le,
        lien_envoye_a=destinataire.lien_envoye_a,
    )


def send_new_link(*, destinataire, now=None):
    """From the expired-link page: a new link, sent only to the place's contact address (at
    most once an hour). Returns False when one was sent a moment ago."""
    now = now or timezone.now()
    with transaction.atomic():
        destinataire = Destinataire.objects.select_for_update().get(pk=destinataire.pk)
        if destinataire.lien_expire_le - VALIDITE_LIEN > now - INTERVALLE_NOUVEAU_LIEN:
            return False
        _new_link(destinataire, now)
        avis.lien_au_lieu(destinataire, motif="nouveau_lien")
        journal("nouveau_lien", destinataire.orientation, lieu=destinataire.lieu_id)
    return True


# --- The sending side ------------------------------------------------------------------------


def lieux_pour_theme(theme, now=None):
    """Active places with an upcoming planned session of the theme."""
    now = now or timezone.now()
    ids = Session.objects.filter(theme=theme, statut=StatutSession.PLANIFIEE, debut__gt=now).values(
        "lieu_id"
    )
    return Lieu.objects.filter(pk__in=ids, actif=True, structure__active=True).order_by("nom")


def _check_request(beneficiaire, thematiques, besoin, contact_prefere, prevenir_sms):
    inconnues = [t for t in thematiques if t not in Thematique.values]
    if inconnues:
        refuse("Ce besoin n'existe pas dans la liste.", "thematique_inconnue", "thematiques")
    if len(besoin) > BESOIN_MAX:
        refuse(
            f"Écrivez au plus {BESOIN_MAX} caractères (vous en avez écrit {len(besoin)}).",
            "besoin_trop_long",
            "besoin",
        )
    if not thematiques and not besoin:
        refuse(
            "Cochez au moins un besoin, ou dites-le en quelques mots.", "besoin_requis", "besoin"
        )
    if contact_prefere not in ContactPrefere.values:
        refuse("Choisissez comment joindre la personne.", "contact_inconnu", "contact_prefere")
    sms_possible = (
        beneficiaire.consentement_sms
        and bool(beneficiaire.telephone)
        and beneficiaire.type_telephone == "mobile"
    )
    if (prevenir_sms or contact_prefere == ContactPrefere.SMS) and not sms_possible:
        refuse(
            "La personne ne peut pas être prévenue par SMS (pas de portable, ou pas d'accord "
            "pour les SMS dans son dossier).",
            "sms_impossible",
            "prevenir_sms",
        )


def _destinations(type, lieu, theme, session, now):
    if type == TypeOrientation.LIEU:
        if lieu is None or not lieu.actif or not lieu.structure.active:
            refuse("Choisissez un lieu ouvert.", "lieu_requis", "lieu")
        return lieu, [lieu]
    if type == TypeOrientation.THEME:
        if theme is None or not theme.actif:
            refuse("Choisissez un thème d'atelier proposé.", "theme_requis", "theme")
        lieux = list(lieux_pour_theme(theme, now))
        if not lieux:
            refuse(
                "Aucun lieu ne propose cet atelier prochainement : orientez vers un lieu.",
                "aucun_lieu",
                "theme",
            )
        return None, lieux
    if type == TypeOrientation.SESSION:
        if session is None:
            refuse("Choisissez une session.", "session_requise", "session")
        return session.lieu, [session.lieu]
    refuse("Choisissez vers quoi orienter la personne.", "type_inconnu", "type")


def orient(
    *,
    acteur,
    beneficiaire,
    type,
    lieu=None,
    theme=None,
    session=None,
    thematiques=(),
    besoin="",
    contact_prefere=ContactPrefere.PRESCRIPTEUR,
    prevenir_sms=False,
    diagnostic=None,
    now=None,
):
    """Send an orientation; the receiving places get their link by e-mail once committed.

    For a session, the person is registered at once (or put on the waiting list) through the
    registration service, and the orientation is linked to that registration."""
    now = now or timezone.now()
    if not perms.can_orient(acteur, beneficiaire):
        raise PermissionDenied("Vous ne pouvez pas orienter cette personne.")
    besoin = (besoin or "").strip()
    thematiques = list(dict.fromkeys(thematiques or ()))
    # "Par SMS" means the person hears from the service by SMS: the answer is sent to them.
    prevenir_sms = prevenir_sms or contact_prefere == ContactPrefere.SMS
    _check_request(beneficiaire, thematiques, besoin, contact_prefere, prevenir_sms)
    if diagnostic is not None and diagnostic.beneficiaire_id != beneficiaire.pk:
        refuse("Ce diagnostic est celui d'une autre personne.", "diagnostic_autre_personne")
    lieu_choisi, lieux = _destinations(type, lieu, theme, session, now)
    with transaction.atomic():
        inscription = None
        if type == TypeOrientation.SESSION:
            inscription = register(
                session=session, beneficiaire=beneficiaire, canal=Canal.PRO, acteur=acteur, now=now
            )
        orientation = Orientation.objects.create(
            type=type,
            beneficiaire=beneficiaire,
            structure=beneficiaire.structure,
            prescripteur=acteur,
            diagnostic=diagnostic,
            lieu=lieu_choisi,
            theme=theme if type == TypeOrientation.THEME else getattr(session, "theme", None),
            session=session if type == TypeOrientation.SESSION else None,
            inscription=inscription,
            thematiques=thematiques,
            besoin=besoin,
            contact_prefere=contact_prefere,
            prevenir_sms=prevenir_sms,
            cree_le=now,
        )
        destinataires = [
            Destinataire.objects.create(
                orientation=orientation,
                lieu=l,
                lien_expire_le=now + VALIDITE_LIEN,
                lien_envoye_a=avis.adresse_du_lieu(l),
            )
            for l in lieux  # noqa: E741
        ]
        journal(
            "creation",
            orientation,
            acteur,
            type=type,
            lieux=[l.pk for l in lieux],  # noqa: E741
            diagnostic=getattr(diagnostic, "pk", None),
            inscription=getattr(inscription, "pk", None),
        )
        for destinataire in destinataires:
            avis.lien_au_lieu(destinataire, motif="nouvelle")
    touch_activity(beneficiaire=beneficiaire, quand=now)
    return orientation


def cancel(*, acteur, orientation, motif, now=None):
    """The prescripteur withdraws a request not yet ended (with a reason); the places are
    told. A registration made with it stays: cancel it from the person's file if needed."""
    now = now or timezone.now()
    if not perms.can_follow_orientation(acteur, orientation):
        raise PermissionDenied("Vous ne suivez pas cette orientation.")
    motif = (motif or "").strip()
    if not motif:
        refuse("Dites pourquoi vous annulez.", "motif_requis", "motif")
    if len(motif) > MOTIF_ANNULATION_MAX:
        refuse(f"Écrivez au plus {MOTIF_ANNULATION_MAX} caractères.", "motif_trop_long", "motif")
    with transaction.atomic():
        done = Orientation.objects.filter(
            pk=orientation.pk, statut__in=(*EN_ATTENTE, StatutOrientation.ACCEPTEE)
        ).update(
            statut=StatutOrientation.ANNULEE,
            annule_le=now,
            annule_par=acteur,
            motif_annulation=motif,
        )
        if not done:
            refuse("Cette orientation est déjà terminée : elle ne peut plus être annulée.", "close")
        orientation.refresh_from_db()
        journal("annulation", orientation, acteur)
        avis.annulation_aux_lieux(orientation)
    return orientation


def remind(*, acteur, orientation, now=None):
    """The prescripteur reminds the places by hand (at most once a day): each place that has
    not refused gets a fresh link."""
    now = now or timezone.now()
    if not perms.can_follow_orientation(acteur, orientation):
        raise PermissionDenied("Vous ne suivez pas cette orientation.")
    with transaction.atomic():
        orientation = Orientation.objects.select_for_update().get(pk=orientation.pk)
        if orientation.statut not in EN_ATTENTE:
            refuse(
                "Cette orientation a déjà une réponse : pas besoin de relancer.", "pas_en_attente"
            )
        if orientation.relance_le and now - orientation.relance_le < INTERVALLE_RELANCE_MANUELLE:
            refuse(
                "Une relance est partie il y a moins de 24 heures : attendez demain.",
                "relance_recente",
            )
        relaunch_places(orientation, now, motif="relance_manuelle")
        Orientation.objects.filter(pk=orientation.pk).update(relance_le=now)
        orientation.relance_le = now
        journal("relance_manuelle", orientation, acteur)
    return orientation


def relaunch_places(orientation, now, motif, niveau=None):
    """A fresh link and a reminder e-mail to each place that has not refused."""
    for destinataire in orientation.destinataires.filter(decline_le__isnull=True).select_related(
        "lieu__structure", "orientation"
    ):
        _new_link(destinataire, now)
        avis.lien_au_lieu(destinataire, motif=motif, niveau=niveau, now=now)
