"""Registering people to sessions, the waiting list, cancelling and promotion.

Every change of seats happens under the session's row lock (SELECT … FOR UPDATE): the
capacity is never exceeded and waiting-list numbers never collide, even with many people
registering at once (tested on PostgreSQL).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ateliers import perms
from ateliers.enums import Canal, StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services.notifications import notify
from ateliers.services.rappels import cancel_queued
from inclusion.models import Beneficiaire
from inclusion.services.beneficiaires import touch_activity
from inclusion.services.journal import write_journal


def lock_session(session):
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("theme", "lieu")
        .get(pk=session.pk)
    )


# Refusals about the session itself (anyone may be told them), as opposed to refusals about
# the person (already registered, another workshop at the same time), which the public site
# and the kiosk must not reveal about a number someone typed.
REFUS_SESSION = ("session_annulee", "session_commencee")


def refus_de_la_session(error):
    """True when a ValidationError of register() is about the session, not the person."""
    return any(e.code in REFUS_SESSION for e in getattr(error, "error_list", [error]))


def _check_open(session, now, allow_started=False):
    if session.statut == StatutSession.ANNULEE:
        raise ValidationError("Cette session est annulée.", code="session_annulee")
    if session.statut == StatutSession.TERMINEE or (session.debut <= now and not allow_started):
        raise ValidationError(
            "Cette session a déjà commencé : on ne peut plus s'y inscrire.",
            code="session_commencee",
        )


def _check_person(session, beneficiaire):
    existing = Inscription.objects.actives().filter(session=session, beneficiaire=beneficiaire)
    current = existing.values_list("statut", flat=True).first()
    if current == StatutInscription.EN_ATTENTE:
        raise ValidationError(
            f"{beneficiaire.prenom} est déjà sur la liste d'attente.", code="deja_en_attente"
        )
    if current is not None:
        raise ValidationError(
            f"{beneficiaire.prenom} est déjà inscrit(e) à cette session.", code="deja_inscrit"
        )
    overlap = (
        Inscription.objects.filter(
            beneficiaire=beneficiaire,
            statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE),
            session__statut=StatutSession.PLANIFIEE,
            session__debut__lt=session.fin,
            session__fin__gt=session.debut,
        )
        .exclude(session=session)
        .select_related("session__theme")
        .first()
    )
    if overlap is not None:
        autre = overlap.session
        raise ValidationError(
            f"{beneficiaire.prenom} est déjà inscrit(e) à « {autre.theme.titre} » "
            f"à la même heure ({timezone.localtime(autre.debut):%d/%m à %H:%M}).",
            code="meme_heure",
        )


def register(
    *, session, beneficiaire, canal, acteur=None, surbooking=False, allow_started=False, now=None
):
    """Give the person a seat, or a place on the waiting list when the session is full.

    `surbooking=True` (a médiateur, on purpose) gives a seat beyond the capacity;
    `allow_started=True` is for a walk-in during the session (attendance).
    From the espace pro the acteur must follow the person; the kiosk and the public site call
    this with their own checks (acteur may be None for the public site).
    """
    now = now or timezone.now()
    if canal == Canal.PRO:
        if acteur is None or not perms.can_register_people(acteur):
            raise PermissionDenied("Vous ne pouvez pas inscrire de personne.")
        if not Beneficiaire.objects.for_user(acteur).filter(pk=beneficiaire.pk).exists():
            raise PermissionDenied("Cette personne n'est pas suivie par votre structure.")
    if surbooking and (acteur is None or not perms.can_manage_session(acteur, session)):
        raise PermissionDenied("Seul un médiateur du lieu peut ajouter une place en plus.")
    with transaction.atomic():
        session = lock_session(session)
        _check_open(session, now, allow_started=allow_started)
        _check_person(session, beneficiaire)
        fields = {
            "session": session,
            "beneficiaire": beneficiaire,
            "canal": canal,
            "inscrit_le": now,
            "inscrit_par": acteur,
        }
        if session.nb_inscrits < session.capacite or surbooking:
            inscription = Inscription.objects.create(
                statut=StatutInscription.INSCRIT,
                surbooking=session.nb_inscrits >= session.capacite,
                **fields,
            )
            Session.objects.filter(pk=session.pk).update(nb_inscrits=F("nb_inscrits") + 1)
            kind, rang = "inscription", None
        else:
            rang = session.dernier_rang_attente + 1
            inscription = Inscription.objects.create(
                statut=StatutInscription.EN_ATTENTE, rang_attente=rang, **fields
            )
            Session.objects.filter(pk=session.pk).update(dernier_rang_attente=rang)
            kind = "attente"
        write_journal(
            acteur=acteur,
            action="inscription.creation",
            objet=inscription,
            structure=session.lieu.structure,
            details={"session": session.pk, "statut": inscription.statut, "canal": canal},
        )
        transaction.on_commit(
            lambda: notify(inscription, kind, acteur=acteur, rang=position(inscription))
        )
    touch_activity(beneficiaire=beneficiaire, quand=now)
    return inscription


def position(inscription):
    """1 for the first in line; None when not waiting."""
    if inscription.statut != StatutInscription.EN_ATTENTE:
        return None
    return (
        Inscription.objects.filter(
            session_id=inscription.session_id,
            statut=StatutInscription.EN_ATTENTE,
            rang_attente__lt=inscription.rang_attente,
        ).count()
        + 1
    )


def promote(session, now, acteur=None):
    """Under the session lock: fill free seats from the waiting list, first in line first."""
    promoted = []
    free = session.capacite - session.nb_inscrits
    if free <= 0 or session.statut != StatutSession.PLANIFIEE or session.debut <= now:
        return promoted
    for inscription in Inscription.objects.filter(
        session=session, statut=StatutInscription.EN_ATTENTE
    ).order_by("rang_attente")[:free]:
        Inscription.objects.filter(pk=inscription.pk).update(
            statut=StatutInscription.INSCRIT, rang_attente=None, promu_le=now
        )
        inscription.statut = StatutInscription.INSCRIT
        promoted.append(inscription)
    if promoted:
        Session.objects.filter(pk=session.pk).update(nb_inscrits=F("nb_inscrits") + len(promoted))
        session.nb_inscrits += len(promoted)
        for inscription in promoted:
            write_journal(
                acteur=acteur,
                action="inscription.promotion",
                objet=inscription,
                structure=session.lieu.structure,
                details={"session": session.pk},
            )
            transaction.on_commit(lambda i=inscription: notify(i, "promotion", acteur=acteur))
    return promoted


def cancel_registration(
    *, inscription, acteur=None, par_la_personne=False, autorise_par="", now=None
):
    """Cancel a seat or a waiting place; a freed seat goes to the first in line at once.

    `autorise_par` names a service of a higher layer that checked the right itself (an
    orientation's decision corrected through the place's signed link, which has no user).
    Returns the promoted registrations (possibly empty)."""
    now = now or timezone.now()
    if not par_la_personne and not autorise_par:
        if acteur is None:
            raise PermissionDenied("Annulation sans auteur.")
        if not (
            perms.can_manage_session(acteur, inscription.session)
            or Beneficiaire.objects.for_user(acteur).filter(pk=inscription.beneficiaire_id).exists()
        ):
            raise PermissionDenied("Vous ne pouvez pas annuler cette inscription.")
    with transaction.atomic():
        session = lock_session(inscription.session)
        current = Inscription.objects.select_for_update().get(pk=inscription.pk)
        if current.statut not in (StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE):
            raise ValidationError("Cette inscription n'est plus en cours.")
        held_seat = current.statut == StatutInscription.INSCRIT
        Inscription.objects.filter(pk=current.pk).update(
            statut=StatutInscription.ANNULE,
            rang_attente=None,
            annule_le=now,
            annule_par=acteur,
            annule_par_la_personne=par_la_personne,
        )
        cancel_queued([current.pk])
        if held_seat:
            Session.objects.filter(pk=session.pk).update(nb_inscrits=F("nb_inscrits") - 1)
            session.nb_inscrits -= 1
        write_journal(
            acteur=acteur,
            action="inscription.annulation",
            objet=current,
            structure=session.lieu.structure,
            details={
                "session": session.pk,
                "par_la_personne": par_la_personne,
                **({"autorise_par": autorise_par} if autorise_par else {}),
            },
        )
        promoted = promote(session, now, acteur=acteur)
    inscription.refresh_from_db()
    return promoted
