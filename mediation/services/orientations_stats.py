"""Orientation figures for the dashboards: how many were sent, what became of them, why they
were refused, and how long the receiving places took to open and to answer them — for the
whole of what the user may see, by sending structure and by receiving place.

Everything is computed by the database (conditional counts, and medians by window functions:
the middle one or two rows of each group, ranked by delay, are the only rows read), in a
fixed number of queries whatever the number of orientations, the same on SQLite and
PostgreSQL.

Scope (Orientation.objects.visibles_par): coordinators see every orientation; anyone else
those their structures sent (prescripteurs, médiateurs who orient) and those their places
received (médiateurs). By receiving place, a non-coordinator sees the places of their own
structures, and the places their structures' orientations were sent to.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from inclusion import perms as socle
from inclusion.jours import debut_du_jour, debut_du_lendemain
from mediation import perms
from mediation.enums_orientations import MotifRefus, StatutOrientation
from mediation.models import Destinataire, Orientation

ACCEPTEES = (StatutOrientation.ACCEPTEE, StatutOrientation.TERMINEE)
# A place's own status of a theme orientation another place took.
PRISE_AILLEURS = "prise_ailleurs"


@dataclass
class Chiffres:
    """The figures of one group of orientations (all of them, a structure, a place). For a
    place, `envoyees` counts what it received, the statuses and reasons are its own (its
    refusal, PRISE_AILLEURS when another place took a theme orientation), and the delays run
    to its own opening and answer."""

    envoyees: int = 0
    par_statut: dict = field(default_factory=dict)  # {StatutOrientation value: n}
    acceptees: int = 0  # accepted, including those since ended (terminée)
    refusees: int = 0
    refus_par_motif: dict = field(default_factory=dict)  # {MotifRefus label: n}, every reason
    expirees: int = 0
    annulees: int = 0
    mediane_prise_en_compte: datetime.timedelta | None = None  # None: nothing opened yet
    mediane_decision: datetime.timedelta | None = None


@dataclass
class Groupe:
    pk: int
    nom: str
    chiffres: Chiffres


@dataclass
class Bilan:
    total: Chiffres
    par_structure: list  # [Groupe] by sending structure, by name
    par_lieu: list  # [Groupe] by receiving place, by name


def _delay(end, start="cree_le"):
    return ExpressionWrapper(
        F(end) - F(start) if isinstance(end, str) else end - F(start),
        output_field=DurationField(),
    )


def _bounds(debut, fin):
    """Local days, both included, as aware instants (the index on cree_le stays usable)."""
    conditions = {}
    if debut is not None:
        day = debut.date() if isinstance(debut, datetime.datetime) else debut
        conditions["cree_le__gte"] = debut_du_jour(day)
    if fin is not None:
        day = fin.date() if isinstance(fin, datetime.datetime) else fin
        conditions["cree_le__lt"] = debut_du_lendemain(day)
    return conditions


def scoped(user, *, debut=None, fin=None, structure=None, lieu=None):
    """The orientations the figures are made of (a queryset, not evaluated)."""
    qs = Orientation.objects.visibles_par(user).filter(**_bounds(debut, fin))
    if structure is not None:
        qs = qs.filter(structure=structure)
    if lieu is not None:
        qs = qs.filter(pk__in=Destinataire.objects.filter(lieu=lieu).values("orientation_id"))
    return qs


def _motif_condition(motif, prefix=""):
    # The reasons are a JSON list stored as text: searching the key with its quotes matches
    # whole keys, the same on SQLite and PostgreSQL (as mediation.filters_activites does).
    return Q(**{f"{prefix}motifs_refus__icontains": f'"{motif}"'})


def _aggregates(statut, refus, prefix=""):
    """Conditional counts of one group: one column per status and per reason."""
    columns = {"n": Count("pk")}
    for value in [*StatutOrientation.values, PRISE_AILLEURS]:
        columns[f"statut_{value}"] = Count("pk", filter=Q(**{statut: value}))
    for motif in MotifRefus.values:
        columns[f"motif_{motif}"] = Count("pk", filter=refus & _motif_condition(motif, prefix))
    return columns


def _chiffres(row):
    par_statut = {s: row[f"statut_{s}"] for s in StatutOrientation.values}
    if row.get(f"statut_{PRISE_AILLEURS}"):
        par_statut[PRISE_AILLEURS] = row[f"statut_{PRISE_AILLEURS}"]
    return Chiffres(
        envoyees=row["n"],
        par_statut=par_statut,
        acceptees=sum(par_statut[s] for s in ACCEPTEES),
        refusees=par_statut[StatutOrientation.REFUSEE],
        refus_par_motif={m.label: row[f"motif_{m.value}"] for m in MotifRefus},
        expirees=par_statut[StatutOrientation.EXPIREE],
        annulees=par_statut[StatutOrientation.ANNULEE],
    )


def _sum(chiffres):
    """The total of disjoint groups (each orientation has one sending structure)."""
    total = Chiffres(
        par_statut=dict.fromkeys(StatutOrientation.values, 0),
        refus_par_motif=dict.fromkeys(MotifRefus.labels, 0),
    )
    for c in chiffres:
        total.envoyees += c.envoyees
        total.acceptees += c.acceptees
        total.refusees += c.refusees
        total.expirees += c.expirees
        total.annulees += c.annulees
        for s in StatutOrientation.values:
            total.par_statut[s] += c.par_statut[s]
        for label, n in c.refus_par_motif.items():
            total.refus_par_motif[label] += n
    return total


def medians(qs, delay, group=None):
    """{group value (None for the whole): median of `delay`} over the rows where it is set.

    The rows are ranked by delay within their group (RowNumber) and counted (Count over the
    group); only the middle row (odd count) or the two middle rows (even count) are read,
    and the two averaged. One query."""
    partition = [F(group)] if group else []
    ranked = (
        qs.annotate(delai=delay)
        .filter(delai__isnull=False)
        .annotate(
            rang=Window(RowNumber(), partition_by=partition, order_by=[F("delai").asc(), "pk"]),
            nombre=Window(Count("pk"), partition_by=partition),
        )
        # 2·rang within [nombre, nombre + 2]: the middle row(s), without integer division.
        .annotate(double=F("rang") * 2)
        .filter(double__gte=F("nombre"), double__lte=F("nombre") + 2)
        .order_by()
    )
    rows = ranked.values_list(group, "delai") if group else ranked.values_list(Value(0), "delai")
    middles = {}
    for key, delai in rows:
        middles.setdefault(key if group else None, []).append(delai)
    return {key: sum(values, datetime.timedelta()) / len(values) for key, values in middles.items()}


def _by_structure(qs):
    refus = Q(statut=StatutOrientation.REFUSEE)
    rows = (
        qs.order_by()
        .values("structure_id", "structure__nom")
        .annotate(**_aggregates("statut", refus))
        .order_by("structure__nom", "structure_id")
    )
    ouverture = medians(qs, _delay("prise_en_compte_le"), "structure_id")
    decision = medians(qs, _delay("decide_le"), "structure_id")
    return _groupes(rows, "structure", ouverture, decision)


def _groupes(rows, cle, ouverture, decision):
    """One Groupe a row of counts by `cle` (its `<cle>_id` and `<cle>__nom`), with the
    medians of that key."""
    groupes = []
    for row in rows:
        pk = row[f"{cle}_id"]
        chiffres = _chiffres(row)
        chiffres.mediane_prise_en_compte = ouverture.get(pk)
        chiffres.mediane_decision = decision.get(pk)
        groupes.append(Groupe(pk, row[f"{cle}__nom"], chiffres))
    return groupes


def _destinataires(user, qs, lieu):
    """The receiving places' rows the user may count (see the module's docstring)."""
    rows = Destinataire.objects.filter(orientation__in=qs.values("pk"))
    if lieu is not None:
        rows = rows.filter(lieu=lieu)
    if not socle.is_coordinateur(user):
        envoi = socle.beneficiaire_structure_ids_for(user) or set()
        reception = perms.structure_ids_reception(user)
        rows = rows.filter(
            Q(lieu__structure_id__in=reception) | Q(orientation__structure_id__in=envoi)
        )
    return rows


def _by_lieu(user, qs, lieu):
    """A place's own view of each orientation it received: refused by it (its reasons),
    accepted by it, taken by another place (a theme), or the orientation's status."""
    rows = _destinataires(user, qs, lieu)
    ici = Q(orientation__lieu_id=F("lieu_id"), orientation__statut__in=ACCEPTEES)
    rows = rows.annotate(
        statut_ici=Case(
            When(decline_le__isnull=False, then=Value(StatutOrientation.REFUSEE.value)),
            When(ici, then=F("orientation__statut")),
            When(orientation__statut__in=ACCEPTEES, then=Value(PRISE_AILLEURS)),
            default=F("orientation__statut"),
            output_field=CharField(),
        ),
        decide_ici=Case(
            When(decline_le__isnull=False, then=F("decline_le")),
            When(ici, then=F("orientation__decide_le")),
            default=None,
            output_field=DateTimeField(),
        ),
    )
    counts = (
        rows.order_by()
        .values("lieu_id", "lieu__nom")
        .annotate(**_aggregates("statut_ici", Q(decline_le__isnull=False)))
        .order_by("lieu__nom", "lieu_id")
    )
    ouverture = medians(
        rows, _delay(Coalesce("ouvert_le", "decide_ici"), "orientation__cree_le"), "lieu_id"
    )
    decision = medians(rows, _delay("decide_ici", "orientation__cree_le"), "lieu_id")
    return _groupes(counts, "lieu", ouverture, decision)


def counts(*, user, debut=None, fin=None, structure=None, lieu=None):
    """The figures of the orientations `user` may see, sent from `debut` to `fin` (local days,
    both included), from `structure` (sending) or to `lieu` (receiving) when given: a Bilan
    (total, par_structure, par_lieu). Eight queries, whatever the numbers."""
    qs = scoped(user, debut=debut, fin=fin, structure=structure, lieu=lieu)
    par_structure = _by_structure(qs)
    total = _sum(g.chiffres for g in par_structure)
    total.mediane_prise_en_compte = medians(qs, _delay("prise_en_compte_le")).get(None)
    total.mediane_decision = medians(qs, _delay("decide_le")).get(None)
    return Bilan(total=total, par_structure=par_structure, par_lieu=_by_lieu(user, qs, lieu))
