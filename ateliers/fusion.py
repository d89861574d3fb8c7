"""What this layer moves when two files of one person are merged
(inclusion.registry.register_file_merger)."""

from django.db.models import F
from django.utils import timezone

from ateliers.enums import ACTIVE, OCCUPE_UNE_PLACE, StatutInscription
from ateliers.models import Inscription, Session
from ateliers.services.rappels import cancel_queued
from ateliers.services.registrations import lock_session, promote
from inclusion.registry import register_file_merger
from inclusion.services.journal import write_journal

# Which of two live registrations of one person to a session is kept: the one that says the
# most (a redeemed chèque first, then présent, inscrit, absent, excusé, waiting).
RANG = {
    StatutInscription.PRESENT: 0,
    StatutInscription.INSCRIT: 1,
    StatutInscription.ABSENT: 2,
    StatutInscription.EXCUSE: 3,
    StatutInscription.EN_ATTENTE: 4,
}


def _strength(inscription, kept):
    return (
        inscription.encaissement_id is None,
        RANG[inscription.statut],
        inscription.beneficiaire_id != kept.pk,
        inscription.pk,
    )


def _drop_double(session, inscription, acteur, now):
    """Under the session lock: the weaker of two registrations is cancelled (its row stays,
    for the history); a seat it held goes to the first in line."""
    Inscription.objects.filter(pk=inscription.pk).update(
        statut=StatutInscription.ANNULE, rang_attente=None, annule_le=now, annule_par=acteur
    )
    cancel_queued([inscription.pk])
    if inscription.statut in OCCUPE_UNE_PLACE:
        Session.objects.filter(pk=session.pk).update(nb_inscrits=F("nb_inscrits") - 1)
        session.nb_inscrits -= 1
    write_journal(
        acteur=acteur,
        action="inscription.annulation",
        objet=inscription,
        structure=session.lieu.structure,
        details={"session": session.pk, "fusion": True},
    )
    promote(session, now, acteur=acteur)


def merge_inscriptions(kept, removed, acteur):
    """The removed file's registrations move to the kept one. When both files hold a live
    registration to the same session, one is kept (one seat per person)."""
    now = timezone.now()
    doubles = 0
    shared = (
        Inscription.objects.filter(beneficiaire=removed, statut__in=ACTIVE)
        .filter(
            session__in=Inscription.objects.filter(beneficiaire=kept, statut__in=ACTIVE).values(
                "session"
            )
        )
        .values_list("session_id", flat=True)
    )
    for session_id in sorted(set(shared)):
        session = lock_session(Session(pk=session_id))
        pair = sorted(
            Inscription.objects.select_for_update()
            .filter(session=session, beneficiaire__in=[kept, removed], statut__in=ACTIVE)
            .order_by("pk"),
            key=lambda i: _strength(i, kept),
        )
        for weaker in pair[1:]:
            _drop_double(session, weaker, acteur, now)
            doubles += 1
    moved = Inscription.objects.filter(beneficiaire=removed).update(beneficiaire=kept)
    return {"inscriptions": moved, "inscriptions_en_double": doubles}


merge_inscriptions.relations = frozenset({("ateliers.Inscription", "beneficiaire")})

register_file_merger("ateliers", merge_inscriptions)
