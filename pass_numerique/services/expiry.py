"""End of validity: the J-30 alert list and the expiry after the tolerance (run daily).

Issuance is already refused from J-15 (services/issuance.py).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from inclusion.services.journal import write_journal
from pass_numerique.enums import CARNET_UTILISABLE, StatutCarnet, StatutCheque
from pass_numerique.models import Carnet, Cheque, Programme

ALERT_DAYS = 30


@dataclass
class AlerteStructure:
    structure_id: int
    nom: str
    carnets: int
    cheques: int


@dataclass
class Alerte:
    """A programme near its end, with the carnets still holding valid chèques."""

    programme: Programme
    jours_restants: int
    structures: list = field(default_factory=list)

    @property
    def carnets(self):
        return sum(s.carnets for s in self.structures)

    @property
    def cheques(self):
        return sum(s.cheques for s in self.structures)


@dataclass
class Expiration:
    programme: Programme
    cheques: int
    carnets: int


def alerts(*, today=None, programme=None):
    """Programmes whose end of validity is within 30 days (or passed, tolerance still running),
    with per structure the usable carnets that still hold valid chèques. Two queries."""
    today = today or timezone.localdate()
    programmes = Programme.objects.filter(
        fin_validite__lte=today + datetime.timedelta(days=ALERT_DAYS)
    ).select_related("financeur")
    if programme is not None:
        programmes = programmes.filter(pk=programme.pk)
    found = {
        p.pk: Alerte(p, (p.fin_validite - today).days) for p in programmes if today <= p.date_limite
    }
    if not found:
        return []
    rows = (
        Cheque.objects.filter(
            statut=StatutCheque.VALIDE,
            carnet__programme_id__in=found,
            carnet__statut__in=CARNET_UTILISABLE,
        )
        .values("carnet__programme_id", "carnet__structure_id", "carnet__structure__nom")
        .annotate(carnets=Count("carnet", distinct=True), cheques=Count("pk"))
        .order_by("carnet__structure__nom")
    )
    for row in rows:
        found[row["carnet__programme_id"]].structures.append(
            AlerteStructure(
                structure_id=row["carnet__structure_id"],
                nom=row["carnet__structure__nom"],
                carnets=row["carnets"],
                cheques=row["cheques"],
            )
        )
    return sorted(found.values(), key=lambda a: (a.programme.fin_validite, a.programme.nom))


def programmes_to_expire(*, today=None):
    """Programmes past their end of validity plus tolerance that still have valid chèques or
    usable carnets."""
    today = today or timezone.localdate()
    candidates = Programme.objects.filter(fin_validite__lt=today).order_by("fin_validite", "pk")
    result = []
    for programme in candidates:
        if today <= programme.date_limite:
            continue
        cheques = Cheque.objects.filter(
            carnet__programme=programme, statut=StatutCheque.VALIDE
        ).count()
        carnets = Carnet.objects.filter(programme=programme, statut__in=CARNET_UTILISABLE).count()
        if cheques or carnets:
            result.append(Expiration(programme=programme, cheques=cheques, carnets=carnets))
    return result


@transaction.atomic
def expire_programme(*, programme, today=None, acteur=None):
    """After fin_validite + tolerance: valid chèques → expiré, usable carnets → expiré.

    Conditional updates only touch what is still valid, so a second run changes nothing and
    writes no journal line. Redeemed chèques are left alone (they are still reimbursed).
    """
    today = today or timezone.localdate()
    if today <= programme.date_limite:
        raise ValidationError(
            f"Les chèques de « {programme.nom} » sont acceptés jusqu'au "
            f"{programme.date_limite:%d/%m/%Y} : ils ne peuvent pas encore expirer."
        )
    now = timezone.now()
    cheques = Cheque.objects.filter(carnet__programme=programme, statut=StatutCheque.VALIDE).update(
        statut=StatutCheque.EXPIRE, change_le=now
    )
    carnets = Carnet.objects.filter(programme=programme, statut__in=CARNET_UTILISABLE).update(
        statut=StatutCarnet.EXPIRE, change_le=now
    )
    if cheques or carnets:
        write_journal(
            acteur=acteur,
            action="programme.expiration",
            objet=programme,
            structure=programme.financeur,
            details={"cheques_expires": cheques, "carnets_expires": carnets},
        )
    return Expiration(programme=programme, cheques=cheques, carnets=carnets)


def expire_all(*, today=None, acteur=None):
    """Expire every programme past its tolerance; one transaction per programme."""
    today = today or timezone.localdate()
    done = []
    for item in programmes_to_expire(today=today):
        result = expire_programme(programme=item.programme, today=today, acteur=acteur)
        if result.cheques or result.carnets:
            done.append(result)
    return done
