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
class Tableau:
    programme: object
    total: Chiffres
    structures: list
    lieux: list
    carnets: list  # [(statut value, label, count)] in the order of StatutCarnet
    montant_encaisse: object = 0
    montant_rembourse: object = 0


def _carnet_counts(counts):
    return [(value, label, counts.get(value, 0)) for value, label in StatutCarnet.choices]


def programme_dashboard(*, programme):
    """Chèques allotted, issued, handed over, redeemed, reimbursed, expired and cancelled, by
    structure and by lieu, and carnets by state. Four queries, whatever the volume.

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
    lieux = [
        LigneLieu(
            lieu_id=item["lieu_id"],
            nom=item["lieu__nom"],
            structure=item["lieu__structure__nom"],
            encaisses=item["n"],
            montant=item["montant"] or 0,
            rembourses=item["rembourses"],
            montant_rembourse=item["montant_rembourse"] or 0,
        )
        for item in Encaissement.objects.filter(programme=programme)
        .values("lieu_id", "lieu__nom", "lieu__structure__nom")
        .annotate(
            n=Count("pk"),
            montant=Sum("valeur"),
            rembourses=Count("pk", filter=Q(cheque__statut=StatutCheque.REMBOURSE)),
            montant_rembourse=Sum("valeur", filter=Q(cheque__statut=StatutCheque.REMBOURSE)),
        )
        .order_by("lieu__nom")
    ]
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
    )
