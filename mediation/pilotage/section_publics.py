"""Section "publics": the people reached in the period — a person's file with a workshop
registration made, an activity record dated, or a carnet issued in the period — by commune,
by quartier (the priority neighbourhoods apart), by age band and by genre.

These count people: every Chiffre and Tableau says so (the "< 5" rule outside the espace
pro). Four queries for the period, one for the previous one, whatever the numbers."""

from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q

from ateliers.models import Inscription
from inclusion.enums import Genre, Role, TrancheAge
from inclusion.models import Beneficiaire, Quartier
from inclusion.queries import count_of
from mediation.models import Participant
from mediation.pilotage.agregats import instants, jours
from mediation.pilotage.sections import Chiffre, Ligne, Section, Tableau
from pass_numerique.models import Carnet

NON_RENSEIGNE = "Non renseigné"
AIDE = (
    "Une personne est comptée une fois si, pendant la période, elle a été inscrite à un "
    "atelier, a eu une activité enregistrée ou a reçu un carnet. Commune et quartier : ceux de "
    "la personne ; structure et lieu : ceux de l'atelier, de l'activité ou du carnet."
)


def _contacts(filtres, portee):
    """The three kinds of contact of the period, each filtered by structure and place, and
    for a médiateur by their structures (the places, records and carnets)."""
    inscriptions = Inscription.objects.filter(instants("inscrit_le", filtres))
    participations = Participant.objects.filter(
        jours("activite__date", filtres), activite__supprime_le__isnull=True
    )
    carnets = Carnet.objects.filter(instants("emis_le", filtres))
    if filtres.structure is not None:
        inscriptions = inscriptions.filter(session__lieu__structure_id=filtres.structure)
        participations = participations.filter(activite__structure_id=filtres.structure)
        carnets = carnets.filter(structure_id=filtres.structure)
    if filtres.lieu is not None:
        inscriptions = inscriptions.filter(session__lieu_id=filtres.lieu)
        participations = participations.filter(activite__lieu_id=filtres.lieu)
        carnets = None  # a carnet is issued by a structure, at no place
    if not portee.territoire and portee.role != Role.PRESCRIPTEUR:
        inscriptions = inscriptions.filter(session__lieu__structure_id__in=portee.structures)
        participations = participations.filter(activite__structure_id__in=portee.structures)
        if carnets is not None:
            carnets = carnets.filter(structure_id__in=portee.structures)
    return inscriptions, participations, carnets


def reached(filtres, portee):
    """The people reached (a queryset of files, not evaluated). A prescripteur's are their
    structures' own files, a few hundred: each is checked for a contact. Elsewhere the ids come
    from one UNION of the three contacts, read through their indexes, then the files by id (an
    OR of three EXISTS made the database read every file of the territory, bench/national)."""
    contacts = [c for c in _contacts(filtres, portee) if c is not None]
    if portee.role == Role.PRESCRIPTEUR and not portee.territoire:
        contact = reduce(or_, (Exists(c.filter(beneficiaire=OuterRef("pk"))) for c in contacts))
        qs = Beneficiaire.objects.filter(contact, structure_id__in=portee.structures)
    else:
        first, *others = [c.order_by().values("beneficiaire_id") for c in contacts]
        qs = Beneficiaire.objects.filter(pk__in=first.union(*others, all=True))
    if filtres.commune is not None:
        qs = qs.filter(commune_id=filtres.commune)
    if filtres.quartier is not None:
        qs = qs.filter(quartier_id=filtres.quartier)
    return qs


def _totals(qs):
    """Total, priority neighbourhoods, age bands and genres: one query."""
    columns = {
        "total": Count("pk"),
        "qpv": Count("pk", filter=Q(quartier__prioritaire=True)),
    }
    for value in TrancheAge.values:
        columns[f"age_{value}"] = Count("pk", filter=Q(tranche_age=value))
    for value in Genre.values:
        columns[f"genre_{value}"] = Count("pk", filter=Q(genre=value))
    return qs.aggregate(**columns)


def _by_commune(qs):
    rows = (
        qs.order_by()
        .values("commune_id", "commune__nom", "commune__code_insee")
        .annotate(n=Count("pk"))
        .order_by("commune__nom", "commune_id")
    )
    lignes, inconnue = [], 0
    for row in rows:
        if row["commune_id"] is None:
            inconnue = row["n"]
        else:
            lignes.append(Ligne(row["commune__nom"], (row["n"],), cle=row["commune__code_insee"]))
    if inconnue:
        lignes.append(Ligne("Commune non renseignée", (inconnue,), cle="non_renseignee"))
    return tuple(lignes)


def _quartiers(filtres, qs):
    """Every quartier with someone reached, and every priority one even with no one (the
    council asks who did not come): one query, counts as subqueries."""
    quartiers = Quartier.objects.select_related("commune")
    if filtres.commune is not None:
        quartiers = quartiers.filter(commune_id=filtres.commune)
    if filtres.quartier is not None:
        quartiers = quartiers.filter(pk=filtres.quartier)
    rows = quartiers.annotate(n=count_of(qs.filter(quartier=OuterRef("pk")), "quartier")).filter(
        Q(n__gt=0) | Q(prioritaire=True)
    )
    return [
        Ligne(
            f"{q.nom} ({q.commune.nom})",
            (q.n,),
            cle=q.code_qpv or str(q.pk),
            mise_en_avant=q.prioritaire,
        )
        for q in rows.order_by("-prioritaire", "commune__nom", "nom")
    ]


def _table(cle, titre, phrase, premiere, lignes, graphique="barres", **options):
    return Tableau(
        cle=cle,
        titre=titre,
        phrase=phrase,
        colonnes=(premiere, "Personnes"),
        lignes=tuple(lignes),
        graphique=graphique,
        personnes=True,
        **options,
    )


def section(filtres, portee):
    qs = reached(filtres, portee)
    now = _totals(qs)
    before = reached(filtres.precedente(), portee).aggregate(
        total=Count("pk"), qpv=Count("pk", filter=Q(quartier__prioritaire=True))
    )
    quartiers = _quartiers(filtres, qs)
    sans_quartier = now["total"] - sum(ligne.valeurs[0] for ligne in quartiers)
    lignes_quartiers = list(quartiers)
    if sans_quartier:
        lignes_quartiers.append(
            Ligne("Quartier non renseigné", (sans_quartier,), cle="non_renseigne")
        )
    chiffres = (
        Chiffre("Personnes atteintes", now["total"], before["total"], personnes=True, aide=AIDE),
        Chiffre(
            "Dont en quartier prioritaire",
            now["qpv"],
            before["qpv"],
            personnes=True,
            aide="Personnes dont le quartier est un quartier prioritaire de la politique de "
            "la ville (QPV).",
        ),
    )
    tableaux = (
        _table(
            "publics_par_commune",
            "Personnes atteintes par commune",
            "Le nombre de personnes atteintes selon la commune où elles habitent.",
            "Commune",
            _by_commune(qs),
        ),
        _table(
            "publics_quartiers_prioritaires",
            "Quartiers prioritaires",
            "Le nombre de personnes atteintes dans chaque quartier prioritaire de la politique "
            "de la ville, même quand il n'y en a aucune.",
            "Quartier prioritaire",
            [ligne for ligne in quartiers if ligne.mise_en_avant],
            # The same rows as the next table: masked there once, consistently.
            public=False,
        ),
        _table(
            "publics_par_quartier",
            "Personnes atteintes par quartier",
            "Le nombre de personnes atteintes selon leur quartier ; les quartiers prioritaires "
            "d'abord, mis en avant.",
            "Quartier",
            lignes_quartiers,
            sous_total="Dont en quartier prioritaire",
        ),
        _table(
            "publics_par_age",
            "Personnes atteintes par tranche d'âge",
            "Le nombre de personnes atteintes dans chaque tranche d'âge.",
            "Tranche d'âge",
            [Ligne(t.label, (now[f"age_{t.value}"],), cle=t.value) for t in TrancheAge],
        ),
        _table(
            "publics_par_genre",
            "Personnes atteintes par genre",
            "Le nombre de personnes atteintes selon leur genre.",
            "Genre",
            [Ligne(g.label, (now[f"genre_{g.value}"],), cle=g.value) for g in Genre],
        ),
    )
    return Section(
        cle="publics",
        titre="Publics atteints",
        chiffres=chiffres,
        tableaux=tableaux,
        note=AIDE + " Le filtre programme ne s'applique pas aux publics.",
    )
