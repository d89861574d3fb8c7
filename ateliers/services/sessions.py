"""Scheduling, changing, cancelling and closing workshop sessions."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ateliers import perms
from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services.notifications import notify
from ateliers.services.rappels import cancel_queued
from ateliers.services.registrations import lock_session, promote
from inclusion.enums import Role
from inclusion.services.journal import write_journal

MAX_SEMAINES = 26


def _validate(*, acteur, lieu, debut, fin, capacite, animateurs, now):
    if not perms.can_create_session_at(acteur, lieu):
        raise PermissionDenied("Seuls les médiateurs de ce lieu y planifient des ateliers.")
    errors = {}
    if fin <= debut:
        errors["fin"] = "L'heure de fin doit être après l'heure de début."
    if debut <= now:
        errors["debut"] = "La session doit commencer dans le futur."
    if not 1 <= capacite <= 200:
        errors["capacite"] = "Le nombre de places va de 1 à 200."
    for user in animateurs:
        if (
            not user.memberships.actives()
            .filter(structure_id=lieu.structure_id, role=Role.MEDIATEUR)
            .exists()
        ):
            errors["animateurs"] = f"{user} n'est pas médiateur de la structure de ce lieu."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_session(
    *,
    acteur,
    theme,
    lieu,
    debut,
    fin,
    capacite,
    animateurs=(),
    public="tout_public",
    notes_accessibilite="",
    serie=None,
    now=None,
):
    now = now or timezone.now()
    animateurs = list(animateurs) or [acteur]
    _validate(
        acteur=acteur,
        lieu=lieu,
        debut=debut,
        fin=fin,
        capacite=capacite,
        animateurs=animateurs,
        now=now,
    )
    session = Session.objects.create(
        theme=theme,
        lieu=lieu,
        debut=debut,
        fin=fin,
        capacite=capacite,
        public=public,
        notes_accessibilite=notes_accessibilite,
        serie=serie,
        cree_par=acteur,
    )
    session.animateurs.set(animateurs)
    write_journal(acteur=acteur, action="session.creation", objet=session, structure=lieu.structure)
    return session


@transaction.atomic
def create_recurring(*, acteur, premier_debut, duree, nb_semaines, **kwargs):
    """Same weekday and same local time every week (across daylight-saving changes)."""
    if not 1 <= nb_semaines <= MAX_SEMAINES:
        raise ValidationError({"nb_semaines": f"Choisissez entre 1 et {MAX_SEMAINES} semaines."})
    local = timezone.localtime(premier_debut)
    serie = uuid.uuid4()
    sessions = []
    for week in range(nb_semaines):
        day = local.date() + datetime.timedelta(weeks=week)
        debut = timezone.make_aware(
            datetime.datetime.combine(day, local.time().replace(tzinfo=None))
        )
        sessions.append(
            create_session(acteur=acteur, debut=debut, fin=debut + duree, serie=serie, **kwargs)
        )
    return sessions


def update_session(*, acteur, session, now=None, **changes):
    """Change a planned session; people registered are told when the date or place moves."""
    now = now or timezone.now()
    if not perms.can_manage_session(acteur, session):
        raise PermissionDenied("Vous ne pouvez pas modifier cette session.")
    allowed = {"theme", "lieu", "debut", "fin", "capacite", "public", "notes_accessibilite"}
    unknown = set(changes) - allowed - {"animateurs"}
    if unknown:
        raise TypeError(f"Champs inconnus : {sorted(unknown)}")
    with transaction.atomic():
        locked = lock_session(session)
        if locked.statut != StatutSession.PLANIFIEE:
            raise ValidationError("Seule une session planifiée peut être modifiée.")
        before = (locked.debut, locked.fin, locked.lieu_id)
        animateurs = changes.pop("animateurs", None)
        for field, value in changes.items():
            setattr(locked, field, value)
        _validate(
            acteur=acteur,
            lieu=locked.lieu,
            debut=locked.debut,
            fin=locked.fin,
            capacite=locked.capacite,
            animateurs=list(animateurs) if animateurs is not None else [],
            now=now,
        )
        if locked.capacite < locked.nb_inscrits:
            raise ValidationError(
                {
                    "capacite": f"{locked.nb_inscrits} personnes sont déjà inscrites : "
                    "annulez des inscriptions avant de réduire les places."
                }
            )
        locked.save(update_fields=[*changes])
        if animateurs is not None:
            locked.animateurs.set(animateurs)
        moved = before != (locked.debut, locked.fin, locked.lieu_id)
        write_journal(
            acteur=acteur,
            action="session.modification",
            objet=locked,
            structure=locked.lieu.structure,
            details={"champs": sorted(changes), "deplacee": moved},
        )
        if moved:
            cancel_queued(locked.inscriptions.values_list("pk", flat=True))
            for inscription in Inscription.objects.filter(
                session=locked,
                statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE),
            ).select_related("beneficiaire"):
                transaction.on_commit(lambda i=inscription: notify(i, "changement", acteur=acteur))
        promote(locked, now, acteur=acteur)
    return locked


def cancel_session(*, acteur, session, motif="", now=None):
    """Cancel: every registered or waiting person is told, and the waiting list is cleared."""
    now = now or timezone.now()
    if not perms.can_manage_session(acteur, session):
        raise PermissionDenied("Vous ne pouvez pas annuler cette session.")
    with transaction.atomic():
        locked = lock_session(session)
        if locked.statut != StatutSession.PLANIFIEE:
            raise ValidationError("Cette session n'est plus planifiée.")
        people = list(
            Inscription.objects.filter(
                session=locked,
                statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE),
            ).select_related("beneficiaire")
        )
        cancel_queued([i.pk for i in people])
        Inscription.objects.filter(pk__in=[i.pk for i in people]).update(
            statut=StatutInscription.ANNULE, rang_attente=None, annule_le=now, annule_par=acteur
        )
        Session.objects.filter(pk=locked.pk).update(
            statut=StatutSession.ANNULEE,
            annulee_le=now,
            motif_annulation=motif[:200],
            nb_inscrits=0,
        )
        write_journal(
            acteur=acteur,
            action="session.annulation",
            objet=locked,
            structure=locked.lieu.structure,
            details={"personnes_prevenues": len(people)},
        )
        for inscription in people:
            transaction.on_commit(
                lambda i=inscription: notify(i, "annulation_session", acteur=acteur)
            )
    session.refresh_from_db()
    return len(people)
