"""SMS keywords of the ateliers (registered in AteliersConfig.ready): OUI, ANNULER, ATELIERS.

An inbound SMS only proves that the provider relayed it, so ANNULER frees nothing by itself:
it asks "Pour annuler <atelier> <quand>, répondez OUI" (the person's next workshop, one at a
time) and journals the request. Only OUI from the same number within CONFIRMATION (and
before the session starts) cancels that registration; the waiting list then moves as for any
cancellation. OUI with no such request keeps its meaning: "I am coming".
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services.notifications import valeurs
from ateliers.services.registrations import cancel_registration
from inclusion.models import Journal, SmsRecu
from inclusion.services.journal import write_journal
from inclusion.sms import gsm
from inclusion.sms.textes import un_segment

CONFIRMATION = datetime.timedelta(minutes=30)
DEMANDE = "inscription.annulation_demandee"  # journal action of an ANNULER awaiting its OUI

QUESTION = "Pour annuler {titre} {quand}, {lieu}, répondez OUI dans les 30 minutes."
ANNULEE = "C'est noté : votre place à {titre} {quand} est annulée. Merci de nous avoir prévenus."


def _upcoming(inbound, now):
    return (
        Inscription.objects.filter(
            beneficiaire__in=inbound.beneficiaires,
            statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE),
            session__statut=StatutSession.PLANIFIEE,
            session__debut__gt=now,
        )
        .select_related("session__theme", "session__lieu__structure")
        .order_by("session__debut", "pk")
    )


def _next_registration(inbound, now=None):
    return _upcoming(inbound, now or timezone.now()).first()


def _texte(modele, session):
    return un_segment(lambda v: modele.format(**v), valeurs(session))


def handle_annuler(inbound):
    """Ask for a confirmation naming the next workshop; nothing is cancelled yet."""
    inscription = _next_registration(inbound)
    if inscription is None:
        return "Vous n'avez pas d'atelier à venir."
    details = {"canal": "sms"}
    if inbound.recu is not None:
        details["sms_recu"] = inbound.recu.pk
    write_journal(
        acteur=None,
        action=DEMANDE,
        objet=inscription,
        structure=inscription.session.lieu.structure,
        details=details,
    )
    return _texte(QUESTION, inscription.session)


def _same_number(line, inbound):
    """The request came from this number (a file's number may have changed since)."""
    recu = line.details.get("sms_recu")
    if recu is None or inbound.recu is None:
        return True  # called without a stored SMS (tests, tools): the files' number decides
    return SmsRecu.objects.filter(pk=recu, telephone=inbound.telephone).exists()


def _awaiting_confirmation(inbound, now):
    """The registration an ANNULER from this number asked about in the last 30 minutes."""
    candidates = {str(i.pk): i for i in _upcoming(inbound, now)}
    if not candidates:
        return None
    line = (
        Journal.objects.filter(
            action=DEMANDE,
            objet_type="ateliers.inscription",
            objet_id__in=list(candidates),
            quand__gt=now - CONFIRMATION,
            quand__lte=now,
        )
        .order_by("-quand", "-pk")
        .first()
    )
    if line is None or not _same_number(line, inbound):
        return None
    return candidates[line.objet_id]


def handle_oui(inbound):
    now = timezone.now()
    inscription = _awaiting_confirmation(inbound, now)
    if inscription is not None:
        try:
            cancel_registration(inscription=inscription, par_la_personne=True, now=now)
        except ValidationError:
            return "Cette inscription est déjà annulée."
        return _texte(ANNULEE, inscription.session)
    inscription = _next_registration(inbound, now)
    if inscription is None:
        return "Vous n'avez pas d'atelier à venir. Répondez ATELIERS pour voir les prochains."
    return _texte("Merci ! Nous vous attendons {quand}, {lieu}.", inscription.session)


def handle_ateliers(inbound):
    people = inbound.beneficiaires
    quartiers = {p.quartier_id for p in people if p.quartier_id}
    communes = {p.commune_id for p in people if p.commune_id}
    upcoming = list(
        Session.objects.filter(statut=StatutSession.PLANIFIEE, debut__gt=timezone.now())
        .select_related("theme", "lieu")
        .order_by("debut")[:60]
    )

    def nearness(session):
        if session.lieu.quartier_id in quartiers:
            return 0
        return 1 if session.lieu.commune_id in communes else 2

    chosen = sorted(
        (s for s in upcoming if s.nb_inscrits < s.capacite), key=lambda s: (nearness(s), s.debut)
    )[:3]
    if not chosen:
        return "Pas d'atelier avec des places pour le moment."
    chosen.sort(key=lambda s: s.debut)
    # As many as one SMS holds (the soonest first); one alone has its names shortened.
    for count in range(len(chosen), 1, -1):
        lines = [f"{s.theme.titre_falc} {valeurs(s)['quand']}, {s.lieu.nom}" for s in chosen]
        texte = "Prochains ateliers : " + " ; ".join(lines[:count]) + "."
        if gsm.segments(gsm.normalize(texte)) == 1:
            return texte
    return _texte("Prochain atelier : {titre} {quand}, {lieu}.", chosen[0])
