"""Figures of a programme for its coordinators: a constant number of aggregate queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from pass_numerique.enums import StatutCarnet, StatutCheque
from pass_numerique.models import Carnet, Cheque, Encaissement, Enveloppe

REDEEMED = (StatutCheque.ENCAISSE, StatutCheque.REMBOURSE)


@dataclass
class Chiffres:
    """Chèque counts of one structure (or of the whole programme)."""

    alloues: int = 0
    emis: int = 0
    remis: int = 0
    encaisses: int = 0
    rembourses: int = 0
    valides: int = 0
    expires: int = 0
    annules: int = 0

    @property
    def solde(self):
        return self.alloues - self.emis

    def add(self, other):
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class LigneStructure:
    structure_id: int
    nom: str
    chiffres: Chiffres
    carnets: dict = field(default_factory=dict)  # statut -> count


@dataclass
class LigneLieu:
    lieu_id: int
    nom: str
    structure: str
    encaisses: int
    montant: object
    rembourses: int
    montant_rembourse: object


@dataclass
class LigneMediateur:
    """Chèques cashed by one médiateur, and how many of them without the paper chèque (the
    person's own chèque picked at attendance): a high share is worth a look."""

    mediateur_id: int | None
    nom: str
    encaisses: int = 0
    sans_papier: int = 0

    @property
    def part_sans_papier(self):
        return round(100 * self.sans_papier / self.encaisses) if self.encaisses else 0


@dataclass
class Tableau:
    programme: object
    total: Chiffres
    structures: list
    lieux: list
    carnets: list  # [(statut value, label, count)] in the order of StatutCarnet
    montant_encaisse: object = 0
    montant_rembourse: object = 0
    mediateurs: list = field(default_factory=list)
    total_mediateurs: LigneMediateur | None = None


def _carnet_counts(counts):
    return [(value, label, counts.get(value, 0)) for value, label in StatutCarnet.choices]


def programme_dashboard(*, programme):
    """Chèques allotted, issued, handed over, redeemed, reimbursed, expired and cancelled, by
    structure, by lieu and by médiateur (with those cashed without the paper chèque), and
    carnets by state. Four queries, whatever the volume.

    "Émis" is what the envelope consumed (cancelled carnets give their chèques back);
    "remis" counts the chèques of handed-over carnets that were not cancelled, so a blocked and
    replaced carnet counts once.
    """
    rows = {}
    for env in Enveloppe.objects.filter(programme=programme).values(
        "structure_id", "structure__nom", "nb_cheques", "nb_cheques_emis"
    ):
        rows[env["structure_id"]] = LigneStructure(
            structure_id=env["structure_id"],
            nom=env["structure__nom"],
            chiffres=Chiffres(alloues=env["nb_cheques"], emis=env["nb_cheques_emis"]),
        )
    per_structure = (
        Cheque.objects.filter(carnet__programme=programme)
        .values("carnet__structure_id", "carnet__structure__nom")
        .annotate(
            remis=Count(
                "pk", filter=Q(carnet__remis_le__isnull=False) & ~Q(statut=StatutCheque.ANNULE)
            ),
            encaisses=Count("pk", filter=Q(statut__in=REDEEMED)),
            rembourses=Count("pk", filter=Q(statut=StatutCheque.REMBOURSE)),
            valides=Count("pk", filter=Q(statut=StatutCheque.VALIDE)),
            expires=Count("pk", filter=Q(statut=StatutCheque.EXPIRE)),
            annules=Count("pk", filter=Q(statut=StatutCheque.ANNULE)),
        )
        .order_by()
    )
    for item in per_structure:
        sid = item.pop("carnet__structure_id")
        nom = item.pop("carnet__structure__nom")
        row = rows.setdefault(sid, LigneStructure(structure_id=sid, nom=nom, chiffres=Chiffres()))
        for key, value in item.items():
            setattr(row.chiffres, key, value)
    carnets_total = {}
    carnets_by_structure = (
        Carnet.objects.filter(programme=programme)
        .values("structure_id", "structure__nom", "statut")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for item in carnets_by_structure:
        sid = item["structure_id"]
        row = rows.setdefault(
            sid, LigneStructure(structure_id=sid, nom=item["structure__nom"], chiffres=Chiffres())
        )
        row.carnets[item["statut"]] = item["n"]
        carnets_total[item["statut"]] = carnets_total.get(item["statut"], 0) + item["n"]
    lieux, mediateurs = _encaissements(programme)
    total = Chiffres()
    structures = sorted(rows.values(), key=lambda r: r.nom.lower())
    for row in structures:
        total.add(row.chiffres)
        row.carnets_list = _carnet_counts(row.carnets)
    return Tableau(
        programme=programme,
        total=total,
        structures=structures,
        lieux=lieux,
        carnets=_carnet_counts(carnets_total),
        montant_encaisse=sum((lieu.montant for lieu in lieux), 0),
        montant_rembourse=sum((lieu.montant_rembourse for lieu in lieux), 0),
        mediateurs=mediateurs,
        total_mediateurs=LigneMediateur(
            mediateur_id=None,
            nom="Total",
            encaisses=sum(m.encaisses for m in mediateurs),
            sans_papier=sum(m.sans_papier for m in mediateurs),
        ),
    )


def _encaissements(programme):
    """Redemptions by lieu and by médiateur, from ONE query grouped by both (a handful of
    rows: lieux × their médiateurs)."""
    rows = (
        Encaissement.objects.filter(programme=programme)
        .values(
            "lieu_id",
            "lieu__nom",
            "lieu__structure__nom",
            "encaisse_par_id",
            "encaisse_par__first_name",
            "encaisse_par__last_name",
            "encaisse_par__email",
        )
        .annotate(
            n=Count("pk"),
            montant=Sum("valeur"),
            rembourses=Count("pk", filter=Q(cheque__statut=StatutCheque.REMBOURSE)),
            montant_rembourse=Sum("valeur", filter=Q(cheque__statut=StatutCheque.REMBOURSE)),
            sans_papier=Count("pk", filter=Q(sans_cheque_papier=True)),
        )
        .order_by("lieu__nom", "lieu_id", "encaisse_par_id")
    )
    lieux, mediateurs = {}, {}
    for item in rows:
        lieu = lieux.setdefault(
            item["lieu_id"],
            LigneLieu(
                lieu_id=item["lieu_id"],
                nom=item["lieu__nom"],
                structure=item["lieu__structure__nom"],
                encaisses=0,
                montant=0,
                rembourses=0,
                montant_rembourse=0,
            ),
        )
        lieu.encaisses += item["n"]
        lieu.montant += item["montant"] or 0
        lieu.rembourses += item["rembourses"]
        lieu.montant_rembourse += item["montant_rembourse"] or 0
        nom = " ".join(
            part
            for part in (item["encaisse_par__first_name"], item["encaisse_par__last_name"])
            if part
        )
        mediateur = mediateurs.setdefault(
            item["encaisse_par_id"],
            LigneMediateur(
                mediateur_id=item["encaisse_par_id"], nom=nom or item["encaisse_par__email"]
            ),
        )
        mediateur.encaisses += item["n"]
        mediateur.sans_papier += item["sans_papier"]
    # The highest share without the paper chèque first: what the coordinators look for.
    ordered = sorted(
        mediateurs.values(), key=lambda m: (-m.part_sans_papier, -m.sans_papier, m.nom.lower())
    )
    return list(lieux.values()), ordered
