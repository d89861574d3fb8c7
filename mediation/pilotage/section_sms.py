"""Section "sms": the texts written in the period, sent, received, failed, and their estimated
cost — the same counts, failure statuses, kinds in words and price per segment as the
coordinators' SMS statistics page (inclusion.views.sms), by month and by kind.

Four queries (the period's total, by month, by kind, the previous period's total)."""

from decimal import Decimal

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, TruncMonth

from ateliers.models import Inscription
from inclusion.enums import Role
from inclusion.models import SmsMessage
from inclusion.sms import statistiques
from inclusion.sms.statistiques import price_per_segment, type_en_mots
from mediation.pilotage.agregats import instants, month_key, month_label, months
from mediation.pilotage.sections import Chiffre, Ligne, Section, Tableau

AIDE_FILTRES = (
    "Commune, quartier et structure : ceux de la personne ; lieu : les SMS des inscriptions "
    "aux ateliers de ce lieu."
)


def _about_registrations(inscriptions):
    """The `about` labels of these registrations ("ateliers.inscription#12", as
    inclusion.sms.service writes them), as a subquery."""
    label = f"{Inscription._meta.label_lower}#"
    return inscriptions.annotate(
        about_label=Concat(Value(label), Cast("pk", CharField()), output_field=CharField())
    ).values("about_label")


def messages(filtres, portee):
    """The texts counted (a queryset, not evaluated): written in the period, the filters, the
    scope (médiateur: their places' workshop texts; prescripteur: their structures' people)."""
    qs = SmsMessage.objects.filter(instants("cree_le", filtres))
    if filtres.commune is not None:
        qs = qs.filter(beneficiaire__commune_id=filtres.commune)
    if filtres.quartier is not None:
        qs = qs.filter(beneficiaire__quartier_id=filtres.quartier)
    if filtres.structure is not None:
        qs = qs.filter(beneficiaire__structure_id=filtres.structure)
    if filtres.lieu is not None:
        inscriptions = Inscription.objects.filter(session__lieu_id=filtres.lieu)
        qs = qs.filter(about__in=_about_registrations(inscriptions))
    if portee.territoire:
        return qs
    if portee.role == Role.PRESCRIPTEUR:
        return qs.filter(beneficiaire__structure_id__in=portee.structures)
    inscriptions = Inscription.objects.filter(session__lieu__structure_id__in=portee.structures)
    return qs.filter(about__in=_about_registrations(inscriptions))


def _cost(segments, prix):
    return (prix * segments).quantize(Decimal("0.01"))


def section(filtres, portee):
    prix = price_per_segment()
    qs = messages(filtres, portee)
    total = qs.aggregate(**statistiques.colonnes())
    before = messages(filtres.precedente(), portee).aggregate(**statistiques.colonnes())
    by_month = {
        month_key(row["mois"]): row
        for row in qs.annotate(mois=TruncMonth("cree_le"))
        .order_by()
        .values("mois")
        .annotate(**statistiques.colonnes())
    }
    by_kind = {}
    for row in qs.order_by().values("kind").annotate(**statistiques.colonnes()):
        # Several unknown kinds read "Autre message": one row for them.
        label = type_en_mots(row["kind"])
        current = by_kind.setdefault(label, dict.fromkeys(statistiques.colonnes(), 0))
        for key in current:
            current[key] += row[key]
    kinds = sorted(by_kind.items(), key=lambda item: -item[1]["messages"])
    empty = dict.fromkeys(statistiques.colonnes(), 0)

    def valeurs(row):
        return (row["messages"], row["envoyes"], row["recus"], row["echecs"])

    colonnes = ("Messages", "Envoyés", "Reçus", "Échecs")
    mois_de_la_periode = [(mois, month_label(mois)) for mois in months(filtres)]
    chiffres = (
        Chiffre(
            "SMS envoyés",
            total["envoyes"],
            before["envoyes"],
            aide="Messages partis vers l'opérateur, écrits pendant la période. " + AIDE_FILTRES,
        ),
        Chiffre(
            "SMS reçus",
            total["recus"],
            before["recus"],
            aide="L'opérateur a confirmé la réception.",
        ),
        Chiffre(
            "Échecs",
            total["echecs"],
            before["echecs"],
            aide="Refusés par l'opérateur ou non reçus.",
        ),
        Chiffre(
            "Devenus inutiles",
            total["expires"],
            before["expires"],
            aide="Non envoyés : l'heure où ils servaient était passée.",
        ),
        Chiffre(
            "Coût estimé",
            _cost(total["segments"], prix),
            _cost(before["segments"], prix),
            unite="€",
            aide=f"Segments envoyés × {str(prix).replace('.', ',')} € (le prix par segment "
            "configuré).",
        ),
    )
    tableaux = (
        Tableau(
            cle="sms_par_mois",
            titre="SMS par mois",
            phrase="Les SMS écrits chaque mois de la période : envoyés, reçus, en échec.",
            colonnes=("Mois", *colonnes),
            chronologique=True,
            lignes=tuple(
                Ligne(nom, valeurs(by_month.get(mois, empty)), cle=mois.strftime("%Y-%m"))
                for mois, nom in mois_de_la_periode
            ),
            graphique="courbe",
        ),
        Tableau(
            cle="sms_cout_par_mois",
            titre="Coût estimé des SMS par mois",
            phrase="Le coût estimé des SMS envoyés chaque mois de la période, en euros.",
            colonnes=("Mois", "Coût estimé"),
            chronologique=True,
            lignes=tuple(
                Ligne(
                    nom,
                    (_cost(by_month.get(mois, empty)["segments"], prix),),
                    cle=mois.strftime("%Y-%m"),
                )
                for mois, nom in mois_de_la_periode
            ),
            unite="€",
        ),
        Tableau(
            cle="sms_par_type",
            titre="SMS par type",
            phrase="Les SMS de la période selon ce qu'ils annoncent (rappel d'atelier, lien "
            "vers le pass…), du plus fréquent au moins fréquent.",
            colonnes=("Type", *colonnes),
            lignes=tuple(Ligne(label, valeurs(row), cle=label) for label, row in kinds),
        ),
        Tableau(
            cle="sms_cout_par_type",
            titre="Coût estimé des SMS par type",
            phrase="Le coût estimé des SMS envoyés de chaque type pendant la période, en euros.",
            colonnes=("Type", "Coût estimé"),
            lignes=tuple(
                Ligne(label, (_cost(row["segments"], prix),), cle=label) for label, row in kinds
            ),
            unite="€",
        ),
    )
    return Section(
        cle="sms",
        titre="SMS",
        chiffres=chiffres,
        tableaux=tableaux,
        note="Le coût est une estimation : le prix par segment configuré, appliqué aux "
        "segments envoyés. " + AIDE_FILTRES + " Pour un médiateur : les SMS des inscriptions aux "
        "ateliers de ses lieux ; pour un prescripteur : ceux envoyés aux personnes de ses "
        "structures. Le filtre programme ne s'applique pas aux SMS.",
    )
