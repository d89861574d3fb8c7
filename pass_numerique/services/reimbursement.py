"""Monthly reimbursement statements: one per lieu, programme and month; à payer → payé."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from inclusion.models import Lieu
from inclusion.services.journal import write_journal
from pass_numerique import perms
from pass_numerique.enums import StatutCheque, StatutReleve
from pass_numerique.models import Cheque, Encaissement, Releve

PARIS = ZoneInfo("Europe/Paris")


def first_of_month(day):
    return day.replace(day=1)


def next_month(mois):
    return (mois.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_bounds(mois):
    """[start, end) of the month in Europe/Paris, as aware datetimes."""
    start = datetime.datetime(mois.year, mois.month, 1, tzinfo=PARIS)
    nxt = next_month(mois)
    return start, datetime.datetime(nxt.year, nxt.month, 1, tzinfo=PARIS)


def releves_for_user(user):
    """Coordinators see every statement; prescripteurs and médiateurs those of their
    structures' lieux."""
    ids = perms.structure_ids_pass(user)
    qs = Releve.objects.all()
    return qs if ids is None else qs.filter(lieu__structure_id__in=ids)


@dataclass
class Resultat:
    releve: Releve
    ajoutes: int
    nouveau: bool


def _month_cheques(*, lieu_id, programme_id, start, end):
    return Cheque.objects.filter(
        releve__isnull=True,
        statut=StatutCheque.ENCAISSE,
        encaissement__lieu_id=lieu_id,
        encaissement__programme_id=programme_id,
        encaissement__encaisse_le__gte=start,
        encaissement__encaisse_le__lt=end,
    )


@transaction.atomic
def build_statements(*, acteur, mois, today=None):
    """For each lieu and programme with chèques redeemed in `mois` (Europe/Paris) and not yet
    on a statement, create the statement and link those chèques to it.

    Linking is a conditional UPDATE (`releve IS NULL AND statut = encaissé`): a chèque is on one
    statement only, and a second run creates nothing. Chèques redeemed late with an earlier
    date (there should be none once the month is over) join the month's statement while it is
    still à payer. Returns the statements created or completed.
    """
    if not perms.can_manage_programmes(acteur):
        raise PermissionDenied("Seuls les coordinateurs établissent les relevés.")
    today = today or timezone.localdate()
    mois = first_of_month(mois)
    if mois >= first_of_month(today):
        raise ValidationError(
            f"Le mois de {mois:%m/%Y} n'est pas terminé : établissez ses relevés à partir du "
            f"{next_month(mois):%d/%m/%Y}."
        )
    start, end = month_bounds(mois)
    groups = list(
        Encaissement.objects.filter(
            encaisse_le__gte=start,
            encaisse_le__lt=end,
            cheque__releve__isnull=True,
            cheque__statut=StatutCheque.ENCAISSE,
        )
        .values("lieu_id", "programme_id")
        .annotate(n=Count("pk"))
        .order_by("lieu_id", "programme_id")
    )
    lieux = Lieu.objects.select_related("structure").in_bulk(g["lieu_id"] for g in groups)
    results = []
    for group in groups:
        lieu_id, programme_id = group["lieu_id"], group["programme_id"]
        releve = Releve.objects.filter(
            lieu_id=lieu_id, programme_id=programme_id, mois=mois
        ).first()
        nouveau = releve is None
        if nouveau:
            try:
                with transaction.atomic():
                    releve = Releve.objects.create(
                        lieu_id=lieu_id,
                        programme_id=programme_id,
                        mois=mois,
                        nb_cheques=0,
                        montant=0,
                        genere_par=acteur,
                    )
            except IntegrityError:
                # Built at the same time by someone else: add to theirs.
                releve = Releve.objects.get(lieu_id=lieu_id, programme_id=programme_id, mois=mois)
                nouveau = False
        if releve.statut != StatutReleve.A_PAYER:
            continue  # a paid statement never changes; reported by unlisted_cheques()
        ajoutes = _month_cheques(
            lieu_id=lieu_id, programme_id=programme_id, start=start, end=end
        ).update(releve=releve, change_le=timezone.now())
        if not ajoutes:
            if nouveau:
                releve.delete()
            continue
        totals = Encaissement.objects.filter(cheque__releve=releve).aggregate(
            n=Count("pk"), montant=Sum("valeur")
        )
        Releve.objects.filter(pk=releve.pk, statut=StatutReleve.A_PAYER).update(
            nb_cheques=totals["n"], montant=totals["montant"] or 0
        )
        releve.refresh_from_db()
        write_journal(
            acteur=acteur,
            action="releve.creation" if nouveau else "releve.complement",
            objet=releve,
            structure=lieux[lieu_id].structure,
            details={"mois": f"{mois:%Y-%m}", "cheques": ajoutes, "montant": str(releve.montant)},
        )
        results.append(Resultat(releve=releve, ajoutes=ajoutes, nouveau=nouveau))
    return results


def unlisted_cheques(*, mois):
    """Redeemed chèques of a month that are on no statement (should be zero once built)."""
    start, end = month_bounds(first_of_month(mois))
    return Encaissement.objects.filter(
        encaisse_le__gte=start,
        encaisse_le__lt=end,
        cheque__releve__isnull=True,
        cheque__statut=StatutCheque.ENCAISSE,
    ).count()


@transaction.atomic
def mark_paid(*, acteur, releve, paye_le, today=None):
    """à payer → payé (conditional), and its chèques encaissé → remboursé."""
    if not perms.can_manage_programmes(acteur):
        raise PermissionDenied("Seuls les coordinateurs enregistrent les paiements.")
    today = today or timezone.localdate()
    if paye_le > today:
        raise ValidationError("La date de paiement ne peut pas être dans le futur.")
    if paye_le < next_month(releve.mois):
        raise ValidationError(
            f"La date de paiement doit suivre la fin du mois du relevé "
            f"(à partir du {next_month(releve.mois):%d/%m/%Y})."
        )
    if not Releve.objects.filter(pk=releve.pk, statut=StatutReleve.A_PAYER).update(
        statut=StatutReleve.PAYE, paye_le=paye_le, paye_par=acteur
    ):
        raise ValidationError("Ce relevé est déjà payé.")
    rembourses = Cheque.objects.filter(releve=releve, statut=StatutCheque.ENCAISSE).update(
        statut=StatutCheque.REMBOURSE, change_le=timezone.now()
    )
    releve.refresh_from_db()
    write_journal(
        acteur=acteur,
        action="releve.paiement",
        objet=releve,
        structure=releve.lieu.structure,
        details={"cheques": rembourses, "montant": str(releve.montant)},
    )
    return releve


def statement_lines(releve):
    """The redemptions of a statement, in date order, for the PDF, the CSV and the page."""
    return (
        Encaissement.objects.filter(cheque__releve=releve)
        .select_related("cheque__carnet")
        .order_by("encaisse_le", "pk")
    )
