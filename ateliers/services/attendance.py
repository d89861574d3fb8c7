"""Attendance (émargement): presence, walk-ins, the chèque of each present person, closing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ateliers import perms
from ateliers.enums import OCCUPE_UNE_PLACE, Canal, StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services.registrations import lock_session, register
from inclusion.services.beneficiaires import create_beneficiaire, touch_activity
from inclusion.services.journal import write_journal
from pass_numerique.enums import Prestation
from pass_numerique.services import redemption

PRESENCE = (StatutInscription.PRESENT, StatutInscription.ABSENT, StatutInscription.EXCUSE)


def _require(acteur, session):
    if not perms.can_manage_session(acteur, session):
        raise PermissionDenied("Seuls les médiateurs de ce lieu font l'émargement.")


def periode(session):
    """The session as the pass layer sees the service a chèque pays: its times. Cashing
    for a presence is allowed only within its window (pass_numerique settings), and the
    attendance opens with it."""
    return redemption.PeriodeService(debut=session.debut, fin=session.fin, nom="cette session")


def _check_started(session, now):
    """Nobody is present (or absent) at a session that has not started: attendance opens
    when cashing does, a short margin before the start."""
    ouverture = periode(session).ouverture
    if now < ouverture:
        raise ValidationError(
            f"Cette session n'a pas encore commencé : l'émargement ouvre le "
            f"{timezone.localtime(ouverture):%d/%m/%Y à %H:%M}.",
            code="session_pas_commencee",
        )


def set_presence(*, acteur, inscription, statut, now=None):
    """Mark présent, absent or excusé. A person from the waiting list who comes anyway is
    given a seat beyond the capacity."""
    now = now or timezone.now()
    if statut not in PRESENCE:
        raise ValidationError("Choisissez présent, absent ou excusé.")
    _require(acteur, inscription.session)
    with transaction.atomic():
        session = lock_session(inscription.session)
        if session.statut == StatutSession.ANNULEE:
            raise ValidationError("Cette session est annulée.")
        if session.statut == StatutSession.TERMINEE:
            raise ValidationError("Cette session est clôturée : l'émargement est terminé.")
        _check_started(session, now)
        current = Inscription.objects.select_for_update().get(pk=inscription.pk)
        if current.statut == StatutInscription.ANNULE:
            raise ValidationError("Cette inscription est annulée.")
        if current.encaissement_id and statut != StatutInscription.PRESENT:
            raise ValidationError(
                "Un chèque a été encaissé pour cette personne : elle reste présente."
            )
        seat_before = current.statut in OCCUPE_UNE_PLACE
        seat_after = statut in OCCUPE_UNE_PLACE
        Inscription.objects.filter(pk=current.pk).update(
            statut=statut,
            rang_attente=None,
            presence_le=now,
            surbooking=current.surbooking
            or (seat_after and not seat_before and session.nb_inscrits >= session.capacite),
        )
        if seat_after != seat_before:
            Session.objects.filter(pk=session.pk).update(
                nb_inscrits=F("nb_inscrits") + (1 if seat_after else -1)
            )
        write_journal(
            acteur=acteur,
            action="inscription.presence",
            objet=current,
            structure=session.lieu.structure,
            details={"session": session.pk, "statut": statut},
        )
    if statut == StatutInscription.PRESENT:
        touch_activity(beneficiaire=inscription.beneficiaire, quand=now)
    inscription.refresh_from_db()
    return inscription


def add_walk_in(*, acteur, session, beneficiaire, now=None):
    """Someone came without registering: a seat (beyond the capacity if needed), present."""
    _require(acteur, session)
    now = now or timezone.now()
    # Before the seat is given: a refused presence must leave no registration behind.
    _check_started(session, now)
    with transaction.atomic():
        existing = Inscription.objects.actives().filter(session=session, beneficiaire=beneficiaire)
        inscription = existing.first()
        if inscription is None:
            inscription = register(
                session=session,
                beneficiaire=beneficiaire,
                canal=Canal.PRO,
                acteur=acteur,
                surbooking=True,
                allow_started=True,
                now=now,
            )
        return set_presence(
            acteur=acteur, inscription=inscription, statut=StatutInscription.PRESENT, now=now
        )


def add_new_walk_in(*, acteur, session, structure, now=None, **personne):
    """Someone not known yet came: their file is created and they are marked present
    together, or neither (a refused presence leaves no file behind)."""
    _require(acteur, session)
    now = now or timezone.now()
    _check_started(session, now)
    with transaction.atomic():
        beneficiaire = create_beneficiaire(acteur=acteur, structure=structure, **personne)
        return add_walk_in(acteur=acteur, session=session, beneficiaire=beneficiaire, now=now)


def redeem_for_presence(*, acteur, inscription, demande_id, code=None, now=None):
    """Redeem one chèque for a present person: the one scanned or typed, or (no code) one of
    the person's own valid chèques. Exactly one per person and session.

    Every workshop path cashes here, and always with the session's window: the pass layer
    refuses before it opens (a short margin before the start) and after it closes."""
    session = inscription.session
    _require(acteur, session)
    if session.statut != StatutSession.PLANIFIEE:
        raise ValidationError("Cette session est annulée ou clôturée : plus d'encaissement ici.")
    if not session.theme.avec_cheque:
        raise ValidationError("Cet atelier ne demande pas de chèque.")
    if inscription.statut != StatutInscription.PRESENT:
        raise ValidationError("Notez d'abord la présence de la personne.")
    if inscription.encaissement_id:
        raise ValidationError("Un chèque a déjà été encaissé pour cette personne.")
    reference = f"ateliers.session#{session.pk}"
    kwargs = {
        "acteur": acteur,
        "lieu": session.lieu,
        "prestation": Prestation.ATELIER,
        "demande_id": demande_id,
        "reference": reference,
        "periode": periode(session),
        "now": now,
    }
    with transaction.atomic():
        if code:
            encaissement = redemption.redeem_cheque(code=code, **kwargs)
        else:
            encaissement = redemption.redeem_own_cheque(
                beneficiaire=inscription.beneficiaire, **kwargs
            )
        # Linked once: a second chèque for the same person and session is refused.
        if not Inscription.objects.filter(pk=inscription.pk, encaissement__isnull=True).update(
            encaissement=encaissement
        ):
            raise ValidationError("Un chèque a déjà été encaissé pour cette personne.")
    inscription.refresh_from_db()
    return encaissement


@transaction.atomic
def close_session(*, acteur, session, now=None):
    """After the session: people still "inscrit" become absent, the waiting list is closed."""
    _require(acteur, session)
    now = now or timezone.now()
    locked = lock_session(session)
    if locked.statut != StatutSession.PLANIFIEE:
        raise ValidationError("Cette session n'est plus planifiée.")
    if locked.debut > now:
        raise ValidationError("La session n'a pas encore commencé.")
    absents = Inscription.objects.filter(session=locked, statut=StatutInscription.INSCRIT).update(
        statut=StatutInscription.ABSENT, presence_le=now
    )
    Inscription.objects.filter(session=locked, statut=StatutInscription.EN_ATTENTE).update(
        statut=StatutInscription.ANNULE, rang_attente=None, annule_le=now
    )
    present = Inscription.objects.filter(session=locked, statut=StatutInscription.PRESENT).count()
    Session.objects.filter(pk=locked.pk).update(statut=StatutSession.TERMINEE, nb_inscrits=present)
    write_journal(
        acteur=acteur,
        action="session.cloture",
        objet=locked,
        structure=locked.lieu.structure,
        details={"absents": absents, "presents": present},
    )
    return absents
