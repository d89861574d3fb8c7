"""Section "accompagnements": the activity records (CRA) of the period by thématique, type and
canal; the people helped and the new ones; the hours.

Every figure is an aggregate computed by the database: three queries for the period and three
for the previous one, whatever the number of records."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from inclusion.enums import Role
from mediation.filters_activites import thematique_condition
from mediation.models import Activite, Participant
from mediation.pilotage.agregats import jours
from mediation.pilotage.sections import Chiffre, Ligne, Section, Tableau
from mediation.vocabulaire import Thematique, TypeActivite, TypeLieu

AIDE_LIEU = (
    "Commune et quartier : ceux du lieu d'activité, ou la commune saisie pour un "
    "accompagnement hors d'un lieu."
)


def records(filtres, portee, *, periode=True):
    """The live records counted (a queryset, not evaluated): the filters, then the scope.
    Without `periode`, every date (to tell a new person from a returning one)."""
    qs = Activite.objects.vivantes()
    if periode:
        qs = qs.filter(jours("date", filtres))
    if filtres.structure is not None:
        qs = qs.filter(structure_id=filtres.structure)
    if filtres.lieu is not None:
        qs = qs.filter(lieu_id=filtres.lieu)
    if filtres.commune is not None:
        qs = qs.filter(
            Q(lieu__commune_id=filtres.commune) | Q(lieu__isnull=True, commune_id=filtres.commune)
        )
    if filtres.quartier is not None:
        qs = qs.filter(lieu__quartier_id=filtres.quartier)
    if portee.territoire:
        return qs
    if _prescripteur(portee):
        # Their structures' people: records with one of them among the participants.
        suivis = Participant.objects.filter(
            activite=OuterRef("pk"), beneficiaire__structure_id__in=portee.structures
        )
        return qs.filter(Exists(suivis))
    return qs.filter(structure_id__in=portee.structures)


def _counts(filtres, portee):
    """Records, hours, and the counts by type, canal and thématique: one query."""
    columns = {
        "activites": Count("pk"),
        "minutes": Coalesce(Sum("duree_minutes"), 0),
        "anonymes": Coalesce(Sum("participants_anonymes"), 0),
    }
    for value in TypeActivite.values:
        columns[f"type_{value}"] = Count("pk", filter=Q(type=value))
        columns[f"minutes_{value}"] = Coalesce(Sum("duree_minutes", filter=Q(type=value)), 0)
    for value in TypeLieu.values:
        columns[f"canal_{value}"] = Count("pk", filter=Q(type_lieu=value))
    for value in Thematique.values:
        columns[f"them_{value}"] = Count("pk", filter=thematique_condition(value))
    return records(filtres, portee).aggregate(**columns)


def _prescripteur(portee):
    return not portee.territoire and portee.role == Role.PRESCRIPTEUR


def _people(filtres, portee):
    """Distinct named people of the period, and those among them with no earlier record in
    the same scope and filters: two queries. A prescripteur counts only their own people."""
    participants = Participant.objects.filter(
        activite__in=records(filtres, portee).values("pk"), beneficiaire__isnull=False
    )
    if _prescripteur(portee):
        participants = participants.filter(beneficiaire__structure_id__in=portee.structures)
    nommees = participants.aggregate(n=Count("beneficiaire", distinct=True))["n"]
    avant = Participant.objects.filter(
        beneficiaire=OuterRef("beneficiaire"),
        activite__in=records(filtres, portee, periode=False)
        .filter(date__lt=filtres.du)
        .values("pk"),
    )
    nouvelles = participants.filter(~Exists(avant)).aggregate(
        n=Count("beneficiaire", distinct=True)
    )["n"]
    return nommees, nouvelles


def _hours(minutes):
    """Hours with one decimal, as a float (the dashboards write floats with one decimal)."""
    return float((Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def figures(filtres, portee):
    """The raw figures of one period (a dict), three queries."""
    counts = _counts(filtres, portee)
    nommees, nouvelles = _people(filtres, portee)
    # Anonymous participants have no file: never a prescripteur's people.
    anonymes = 0 if _prescripteur(portee) else counts["anonymes"]
    counts.update(nommees=nommees, nouvelles=nouvelles, personnes=nommees + anonymes)
    return counts


def _table(cle, titre, phrase, colonnes, lignes, **kwargs):
    return Tableau(cle=cle, titre=titre, phrase=phrase, colonnes=colonnes, lignes=lignes, **kwargs)


def section(filtres, portee):
    now = figures(filtres, portee)
    before = figures(filtres.precedente(), portee)
    chiffres = (
        Chiffre(
            "Activités enregistrées",
            now["activites"],
            before["activites"],
            aide="Accompagnements individuels et ateliers collectifs datés de la période. "
            + AIDE_LIEU,
        ),
        Chiffre(
            "Accompagnements individuels",
            now[f"type_{TypeActivite.INDIVIDUEL}"],
            before[f"type_{TypeActivite.INDIVIDUEL}"],
        ),
        Chiffre(
            "Ateliers collectifs",
            now[f"type_{TypeActivite.COLLECTIF}"],
            before[f"type_{TypeActivite.COLLECTIF}"],
        ),
        Chiffre(
            "Personnes accompagnées",
            now["personnes"],
            before["personnes"],
            personnes=True,
            aide="Chaque personne connue une fois, plus chaque participant anonyme de chaque "
            "activité (on ne peut pas savoir s'il est venu deux fois). Pour un prescripteur : "
            "les personnes de ses structures seulement.",
        ),
        Chiffre(
            "Nouvelles personnes",
            now["nouvelles"],
            before["nouvelles"],
            personnes=True,
            aide="Personnes connues dont la première activité enregistrée (mêmes filtres) "
            "date de la période ; les participants anonymes n'y sont pas.",
        ),
        Chiffre(
            "Heures d'accompagnement",
            _hours(now["minutes"]),
            _hours(before["minutes"]),
            aide="Somme des durées des activités (un atelier compte sa durée une fois).",
        ),
    )
    # Most frequent first (a stable sort: ties keep La Coop's order).
    thematiques = tuple(
        Ligne(t.label, (now[f"them_{t.value}"],), cle=t.value)
        for t in sorted(Thematique, key=lambda t: -now[f"them_{t.value}"])
        if now[f"them_{t.value}"]
    )
    tableaux = (
        _table(
            "accompagnements_par_thematique",
            "Activités par thématique",
            "Le nombre d'activités qui ont abordé chaque thématique, de la plus fréquente à la "
            "moins fréquente ; une activité peut en aborder plusieurs.",
            ("Thématique", "Activités"),
            thematiques,
        ),
        _table(
            "accompagnements_par_type",
            "Activités par type",
            "Le nombre d'accompagnements individuels et d'ateliers collectifs, et leurs heures.",
            ("Type", "Activités", "Heures"),
            tuple(
                Ligne(t.label, (now[f"type_{t.value}"], _hours(now[f"minutes_{t.value}"])), t.value)
                for t in TypeActivite
            ),
        ),
        _table(
            "accompagnements_par_canal",
            "Activités par canal",
            "Où les activités ont eu lieu : dans un lieu, à domicile, à distance ou ailleurs.",
            ("Canal", "Activités"),
            tuple(Ligne(t.label, (now[f"canal_{t.value}"],), t.value) for t in TypeLieu),
        ),
    )
    return Section(
        cle="accompagnements",
        titre="Accompagnements",
        chiffres=chiffres,
        tableaux=tableaux,
        note="Les comptes rendus d'activité supprimés ne sont pas comptés. Le filtre programme "
        "ne s'applique pas aux accompagnements. " + AIDE_LIEU,
    )
