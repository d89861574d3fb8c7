"""Attendance statistics of past workshops: one aggregate query per breakdown.

For the sessions held in the period (not cancelled, already over):
- taux de présence = présents / (présents + absents + excusés);
- taux d'absence sans prévenir = absents / inscrits attendus, where the inscrits attendus are
  the people registered before the session started (walk-ins are present but not expected).
Whatever the number of sessions or people, the page costs four queries.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import Inscription
from inclusion import perms as socle
from inclusion.enums import Role
from inclusion.jours import debut_du_jour, debut_du_lendemain

PRESENT = Q(statut=StatutInscription.PRESENT)
ABSENT = Q(statut=StatutInscription.ABSENT)
EXCUSE = Q(statut=StatutInscription.EXCUSE)
NON_NOTE = Q(statut=StatutInscription.INSCRIT)
SUR_PLACE = PRESENT & Q(inscrit_le__gte=F("session__debut"))
ATTENDU = (PRESENT | ABSENT | EXCUSE | NON_NOTE) & Q(inscrit_le__lt=F("session__debut"))

COMPTEURS = {
    "sessions": Count("session", distinct=True),
    "presents": Count("pk", filter=PRESENT),
    "absents": Count("pk", filter=ABSENT),
    "excuses": Count("pk", filter=EXCUSE),
    "non_notes": Count("pk", filter=NON_NOTE),
    "sur_place": Count("pk", filter=SUR_PLACE),
    "attendus": Count("pk", filter=ATTENDU),
}


def _taux(numerateur, denominateur):
    if not denominateur:
        return None
    return round(100 * numerateur / denominateur)


@dataclass
class Ligne:
    libelle: str
    sessions: int = 0
    presents: int = 0
    absents: int = 0
    excuses: int = 0
    non_notes: int = 0
    sur_place: int = 0
    attendus: int = 0
    detail: str = ""

    @property
    def notes(self):
        return self.presents + self.absents + self.excuses

    @property
    def taux_presence(self):
        return _taux(self.presents, self.notes)

    @property
    def taux_absence(self):
        return _taux(self.absents, self.attendus)


@dataclass
class Statistiques:
    du: datetime.date
    au: datetime.date
    total: Ligne
    par_theme: list
    par_lieu: list
    par_quartier: list


def periode_par_defaut(today=None):
    """The last three months, today included."""
    today = today or timezone.localdate()
    mois, annee = today.month - 3, today.year
    if mois < 1:
        mois, annee = mois + 12, annee - 1
    jour = min(today.day, 28)
    return datetime.date(annee, mois, jour), today


def can_view_statistiques(user):
    """Coordinators (the whole territory) and médiateurs (the lieux of their structures)."""
    return socle.is_coordinateur(user) or socle.has_role(user, Role.MEDIATEUR)


def structures_visibles(user):
    """None means every structure (coordinators)."""
    if socle.is_coordinateur(user):
        return None
    return {sid for sid, role in socle.roles_of(user) if role == Role.MEDIATEUR}


def inscriptions_du_perimetre(user, du, au, now=None):
    """Registrations (not cancelled, not on the waiting list) of the sessions held between `du`
    and `au` (local dates, inclusive) that are over, in the lieux the user may see."""
    now = now or timezone.now()
    qs = Inscription.objects.filter(
        ~Q(session__statut=StatutSession.ANNULEE),
        Q(session__statut=StatutSession.TERMINEE) | Q(session__fin__lte=now),
        session__debut__gte=debut_du_jour(du),
        session__debut__lt=debut_du_lendemain(au),
        statut__in=(
            StatutInscription.PRESENT,
            StatutInscription.ABSENT,
            StatutInscription.EXCUSE,
            StatutInscription.INSCRIT,
        ),
    )
    ids = structures_visibles(user)
    if ids is not None:
        qs = qs.filter(session__lieu__structure_id__in=ids)
    return qs


def _lignes(qs, cles, libelle, detail=lambda row: ""):
    rows = qs.values(*cles).annotate(**COMPTEURS).order_by(*cles)
    lignes = [
        Ligne(
            libelle=libelle(row),
            detail=detail(row),
            **{k: row[k] for k in COMPTEURS},
        )
        for row in rows
    ]
    return sorted(lignes, key=lambda ligne: ligne.libelle.lower())


def statistiques(*, user, du, au, now=None):
    """Totals and breakdowns by theme, lieu and quartier (of the person): four queries."""
    qs = inscriptions_du_perimetre(user, du, au, now=now)
    total = Ligne(libelle="Total", **qs.aggregate(**COMPTEURS))
    par_theme = _lignes(
        qs,
        ["session__theme_id", "session__theme__titre"],
        lambda r: r["session__theme__titre"],
    )
    par_lieu = _lignes(
        qs,
        ["session__lieu_id", "session__lieu__nom", "session__lieu__structure__nom"],
        lambda r: r["session__lieu__nom"],
        lambda r: r["session__lieu__structure__nom"],
    )
    par_quartier = _lignes(
        qs,
        [
            "beneficiaire__quartier_id",
            "beneficiaire__quartier__nom",
            "beneficiaire__quartier__commune__nom",
        ],
        lambda r: r["beneficiaire__quartier__nom"] or "Quartier non renseigné",
        lambda r: r["beneficiaire__quartier__commune__nom"] or "",
    )
    return Statistiques(
        du=du,
        au=au,
        total=total,
        par_theme=par_theme,
        par_lieu=par_lieu,
        par_quartier=par_quartier,
    )
