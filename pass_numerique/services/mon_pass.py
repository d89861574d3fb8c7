"""What the holder of a carnet may see with its code: no personal data beyond the first name."""

from dataclasses import dataclass

from django.db.models import OuterRef

from inclusion.models import Lieu
from inclusion.queries import count_of
from pass_numerique import codes
from pass_numerique.enums import CARNET_UTILISABLE, StatutCheque
from pass_numerique.models import Carnet, Cheque


@dataclass
class MonPass:
    prenom: str
    restants: int
    total: int
    fin_validite: object
    date_limite: object
    utilisable: bool
    statut_label: str
    lieux: list
    programme_id: int = None  # to find the places again (e.g. from a cache)
    commune_id: int = None  # the holder's commune, for "near you": never shown


def lieux_acceptant(programme):
    """Qualified, active lieux where this programme's chèques are accepted."""
    qs = Lieu.objects.filter(qualifie_pass=True, actif=True).select_related("commune")
    if programme.lieux.exists():
        qs = qs.filter(pk__in=programme.lieux.values("pk"))
    if programme.communes.exists():
        qs = qs.filter(commune__in=programme.communes.all())
    return qs.order_by("commune__nom", "nom")


def lookup(code, avec_lieux=True):
    """MonPass for a carnet code, or None (unknown code). Raises codes.InvalidCode on typos.
    `avec_lieux=False` leaves `lieux` empty for callers that keep them per programme."""
    clean = codes.normalize(code)
    # One round trip: the carnet, its programme's dates, the first name and the chèques left.
    carnet = (
        Carnet.objects.select_related("programme", "beneficiaire")
        .only(
            "statut",
            "nb_cheques",
            "programme__fin_validite",
            "programme__tolerance_jours",
            "beneficiaire__prenom",
            "beneficiaire__commune_id",
        )
        .annotate(
            valides=count_of(
                Cheque.objects.filter(carnet=OuterRef("pk"), statut=StatutCheque.VALIDE), "carnet"
            )
        )
        .filter(code_hash=codes.digest(clean))
        .first()
    )
    if carnet is None:
        return None
    restants = carnet.valides
    return MonPass(
        prenom=carnet.beneficiaire.prenom if carnet.beneficiaire_id else "",
        restants=restants if carnet.statut in CARNET_UTILISABLE else 0,
        total=carnet.nb_cheques,
        fin_validite=carnet.programme.fin_validite,
        date_limite=carnet.programme.date_limite,
        utilisable=carnet.statut in CARNET_UTILISABLE and restants > 0,
        statut_label=carnet.get_statut_display(),
        lieux=list(lieux_acceptant(carnet.programme)) if avec_lieux else [],
        programme_id=carnet.programme_id,
        commune_id=carnet.beneficiaire.commune_id if carnet.beneficiaire_id else None,
    )
