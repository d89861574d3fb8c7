"""Section "pass": carnets issued, handed over and used, chèques cashed and reimbursed, the
euros engaged and paid, the envelopes' consumption, what expires soon, chèques by month.

The rules are those of pass_numerique.services.stats (the programme's dashboard): an issued
carnet is one the envelope consumed (cancelled carnets give their chèques back, a replacement
is not a new pass), a chèque is cashed once (one Encaissement), reimbursed when its statement
is paid. Five queries whatever the volume: carnets, chèques, redemptions (each reading the
period and the previous one with conditional aggregates), envelopes, and months.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from inclusion.enums import Role
from mediation.pilotage.agregats import (
    both_periods,
    instants,
    jours,
    month_key,
    month_label,
    months,
)
from mediation.pilotage.sections import Chiffre, Ligne, Section, Tableau
from pass_numerique.enums import CARNET_UTILISABLE, StatutCarnet, StatutCheque
from pass_numerique.models import Carnet, Cheque, Encaissement, Enveloppe
from pass_numerique.services.expiry import ALERT_DAYS

ZERO = Decimal("0.00")
EXPIRE_BIENTOT = (ALERT_DAYS, 2 * ALERT_DAYS)  # 30 and 60 days
# A pass given: not cancelled, and not the replacement of a lost carnet (counted once).
VRAI_CARNET = ~Q(statut=StatutCarnet.ANNULE) & Q(remplace__isnull=True)

# What a médiateur sees: the chèques cashed at their places (not the carnets).
POUR_MEDIATEUR = ("Carnets utilisés", "Chèques encaissés", "Chèques remboursés", "Montant payé")
AIDE_CARNETS = "commune et quartier : ceux de la personne ; le filtre lieu ne s'y applique pas."
AIDE_CHEQUES = "commune, quartier et lieu : ceux du lieu où le chèque a été encaissé."


def _carnet_filters(filtres, portee, prefix=""):
    """Carnets of the filters and the scope: a prescripteur's own structures', the person's
    commune and quartier. None for a médiateur (they see chèques at their places only)."""
    if portee.role == Role.MEDIATEUR and not portee.territoire:
        return None
    q = Q()
    if not portee.territoire:
        q &= Q(**{f"{prefix}structure_id__in": portee.structures})
    if filtres.structure is not None:
        q &= Q(**{f"{prefix}structure_id": filtres.structure})
    if filtres.programme is not None:
        q &= Q(**{f"{prefix}programme_id": filtres.programme})
    if filtres.commune is not None:
        q &= Q(**{f"{prefix}beneficiaire__commune_id": filtres.commune})
    if filtres.quartier is not None:
        q &= Q(**{f"{prefix}beneficiaire__quartier_id": filtres.quartier})
    return q


def _encaissement_filters(filtres, portee):
    """Redemptions of the filters and the scope: a médiateur's places, a prescripteur's
    carnets; commune, quartier and lieu of the place; a structure's places or carnets."""
    q = Q()
    if not portee.territoire:
        if portee.role == Role.MEDIATEUR:
            q &= Q(lieu__structure_id__in=portee.structures)
        else:
            q &= Q(cheque__carnet__structure_id__in=portee.structures)
    if filtres.structure is not None:
        q &= Q(lieu__structure_id=filtres.structure) | Q(
            cheque__carnet__structure_id=filtres.structure
        )
    if filtres.programme is not None:
        q &= Q(programme_id=filtres.programme)
    if filtres.lieu is not None:
        q &= Q(lieu_id=filtres.lieu)
    if filtres.commune is not None:
        q &= Q(lieu__commune_id=filtres.commune)
    if filtres.quartier is not None:
        q &= Q(lieu__quartier_id=filtres.quartier)
    return q


def _carnets(filtres, precedente, debut, fin, q):
    periods = {"": filtres, "_avant": precedente}
    columns = {}
    for suffix, period in periods.items():
        columns[f"emis{suffix}"] = Count("pk", filter=VRAI_CARNET & instants("emis_le", period))
        columns[f"remis{suffix}"] = Count("pk", filter=VRAI_CARNET & instants("remis_le", period))
    span = Q(emis_le__gte=debut, emis_le__lt=fin) | Q(remis_le__gte=debut, remis_le__lt=fin)
    return Carnet.objects.filter(q, span).aggregate(**columns)


def _cheques(filtres, precedente, debut, fin, q, today):
    """Euros engaged (the chèques of the carnets issued, cancelled ones excepted) and the valid
    chèques of usable carnets whose validity ends within 30 and 60 days (today on)."""
    columns = {}
    for suffix, period in {"": filtres, "_avant": precedente}.items():
        columns[f"engage{suffix}"] = Sum(
            "valeur",
            filter=~Q(statut=StatutCheque.ANNULE) & instants("carnet__emis_le", period),
        )
    valide = Q(statut=StatutCheque.VALIDE, carnet__statut__in=CARNET_UTILISABLE)
    for jours_ in EXPIRE_BIENTOT:
        columns[f"expire_{jours_}"] = Count(
            "pk",
            filter=valide
            & Q(
                carnet__fin_validite__gte=today,
                carnet__fin_validite__lte=today + datetime.timedelta(days=jours_),
            ),
        )
    span = Q(carnet__emis_le__gte=debut, carnet__emis_le__lt=fin) | (
        valide & Q(carnet__fin_validite__gte=today)
    )
    return Cheque.objects.filter(q, span).aggregate(**columns)


def _encaissements(filtres, precedente, debut, fin, q):
    """Chèques cashed (by their cash date), carnets with one of them, chèques reimbursed and
    euros paid (by the payment date of their statement)."""
    columns = {}
    for suffix, period in {"": filtres, "_avant": precedente}.items():
        encaisse = instants("encaisse_le", period)
        paye = Q(cheque__statut=StatutCheque.REMBOURSE) & jours("cheque__releve__paye_le", period)
        columns[f"encaisses{suffix}"] = Count("pk", filter=encaisse)
        columns[f"utilises{suffix}"] = Count("cheque__carnet", distinct=True, filter=encaisse)
        columns[f"rembourses{suffix}"] = Count("pk", filter=paye)
        columns[f"paye{suffix}"] = Sum("valeur", filter=paye)
    span = Q(encaisse_le__gte=debut, encaisse_le__lt=fin) | Q(
        cheque__releve__paye_le__gte=precedente.du, cheque__releve__paye_le__lte=filtres.au
    )
    return Encaissement.objects.filter(q, span).aggregate(**columns)


def _enveloppes(filtres, portee):
    """The envelopes as they are today (their allotment and what was issued from them)."""
    if portee.role == Role.MEDIATEUR and not portee.territoire:
        return ()
    qs = Enveloppe.objects.all()
    if not portee.territoire:
        qs = qs.filter(structure_id__in=portee.structures)
    if filtres.structure is not None:
        qs = qs.filter(structure_id=filtres.structure)
    if filtres.programme is not None:
        qs = qs.filter(programme_id=filtres.programme)
    rows = qs.values(
        "pk", "programme__nom", "structure__nom", "nb_cheques", "nb_cheques_emis"
    ).order_by("programme__nom", "structure__nom", "pk")
    return tuple(
        Ligne(
            libelle=row["programme__nom"],
            valeurs=(
                row["structure__nom"],
                row["nb_cheques"],
                row["nb_cheques_emis"],
                round(100 * row["nb_cheques_emis"] / row["nb_cheques"]) if row["nb_cheques"] else 0,
            ),
            cle=str(row["pk"]),
        )
        for row in rows
    )


def _par_mois(filtres, q):
    rows = (
        Encaissement.objects.filter(q, instants("encaisse_le", filtres))
        .annotate(mois=TruncMonth("encaisse_le"))
        .order_by()
        .values("mois")
        .annotate(n=Count("pk"), montant=Sum("valeur"))
    )
    """(chèques, euros) lines of each month of the period: two tables from one query (a count
    and an amount in one chart would share a scale)."""
    found = {month_key(row["mois"]): row for row in rows}
    cheques, montants = [], []
    for mois in months(filtres):
        row = found.get(mois, {"n": 0, "montant": ZERO})
        libelle, cle = month_label(mois), f"{mois:%Y-%m}"
        cheques.append(Ligne(libelle=libelle, valeurs=(row["n"],), cle=cle))
        montants.append(Ligne(libelle=libelle, valeurs=(row["montant"] or ZERO,), cle=cle))
    return tuple(cheques), tuple(montants)


def section(filtres, portee):
    precedente, debut, fin = both_periods(filtres)
    today = timezone.localdate()
    carnet_q = _carnet_filters(filtres, portee)
    if carnet_q is None:
        carnets, cheques = {}, {}
    else:
        carnets = _carnets(filtres, precedente, debut, fin, carnet_q)
        cheques = _cheques(
            filtres,
            precedente,
            debut,
            fin,
            _carnet_filters(filtres, portee, prefix="carnet__"),
            today,
        )
    enc_q = _encaissement_filters(filtres, portee)
    enc = _encaissements(filtres, precedente, debut, fin, enc_q)
    par_mois, montants_par_mois = _par_mois(filtres, enc_q)

    def carnet_figure(key):
        if carnet_q is None:
            return None, None
        return carnets[key], carnets[f"{key}_avant"]

    def euros(source, key):
        if source is None:
            return None, None
        return source[key] or ZERO, source[f"{key}_avant"] or ZERO

    emis, emis_avant = carnet_figure("emis")
    remis, remis_avant = carnet_figure("remis")
    engage, engage_avant = euros(cheques if carnet_q is not None else None, "engage")
    paye, paye_avant = euros(enc, "paye")
    chiffres = (
        Chiffre(
            "Carnets délivrés",
            emis,
            emis_avant,
            personnes=True,
            aide="Carnets émis dans la période, hors carnets annulés et remplacements d'un "
            f"carnet perdu ; {AIDE_CARNETS}",
        ),
        Chiffre(
            "Carnets remis",
            remis,
            remis_avant,
            personnes=True,
            aide=f"Carnets remis à la personne dans la période (date de remise) ; {AIDE_CARNETS}",
        ),
        Chiffre(
            "Carnets utilisés",
            enc["utilises"],
            enc["utilises_avant"],
            personnes=True,
            aide=f"Carnets dont au moins un chèque a été encaissé dans la période ; {AIDE_CHEQUES}",
        ),
        Chiffre(
            "Chèques encaissés",
            enc["encaisses"],
            enc["encaisses_avant"],
            aide=f"Chèques encaissés dans la période (date d'encaissement) ; {AIDE_CHEQUES}",
        ),
        Chiffre(
            "Chèques remboursés",
            enc["rembourses"],
            enc["rembourses_avant"],
            aide="Chèques dont le relevé a été payé dans la période (date de paiement) ; "
            f"{AIDE_CHEQUES}",
        ),
        Chiffre(
            "Montant engagé",
            engage,
            engage_avant,
            unite="€",
            aide="Valeur des chèques des carnets émis dans la période, hors chèques annulés ; "
            f"{AIDE_CARNETS}",
        ),
        Chiffre(
            "Montant payé",
            paye,
            paye_avant,
            unite="€",
            aide=f"Valeur des chèques remboursés (relevés payés dans la période) ; {AIDE_CHEQUES}",
        ),
        *(
            Chiffre(
                f"Chèques qui expirent sous {jours_} jours",
                cheques.get(f"expire_{jours_}") if carnet_q is not None else None,
                None,
                aide=f"Chèques encore valables dont la fin de validité tombe d'ici {jours_} "
                f"jours, à partir d'aujourd'hui (la période n'y change rien) ; {AIDE_CARNETS}",
            )
            for jours_ in EXPIRE_BIENTOT
        ),
    )
    tableaux = (
        Tableau(
            cle="pass_enveloppes",
            titre="Consommation des enveloppes",
            phrase="Pour chaque enveloppe, les chèques alloués à la structure et ceux déjà "
            "émis, aujourd'hui.",
            colonnes=(
                "Programme",
                "Structure",
                "Chèques alloués",
                "Chèques émis",
                "Part émise (%)",
            ),
            lignes=_enveloppes(filtres, portee),
            graphique="",
            instantane=True,
        ),
        Tableau(
            cle="pass_par_mois",
            titre="Chèques encaissés par mois",
            phrase="Le nombre de chèques encaissés chaque mois de la période.",
            colonnes=("Mois", "Chèques encaissés"),
            chronologique=True,
            lignes=par_mois,
            graphique="barres",
        ),
        Tableau(
            cle="pass_montants_par_mois",
            titre="Montant encaissé par mois",
            phrase="La valeur des chèques encaissés chaque mois de la période, en euros.",
            colonnes=("Mois", "Montant encaissé (€)"),
            chronologique=True,
            lignes=montants_par_mois,
            graphique="barres",
            unite="€",
        ),
    )
    note = (
        "Les carnets sont comptés par date d'émission ou de remise, les chèques par date "
        "d'encaissement, les remboursements par date de paiement du relevé. Les enveloppes et "
        "les chèques qui expirent bientôt sont l'état d'aujourd'hui."
    )
    if carnet_q is None:
        # Figures that never apply to a médiateur are left out rather than shown empty.
        note += " Un médiateur voit les chèques encaissés dans ses lieux, pas les carnets."
        chiffres = tuple(c for c in chiffres if c.libelle in POUR_MEDIATEUR)
        tableaux = tuple(t for t in tableaux if t.cle != "pass_enveloppes")
    return Section(
        cle="pass", titre="Pass numérique", chiffres=chiffres, tableaux=tableaux, note=note
    )
