"""Section "ateliers": the sessions held, the seats offered and filled, attendance and no-show,
the waiting lists, by theme and by month.

The rules are those of ateliers.services.stats (the attendance statistics page): a session is
held when it is not cancelled and is over (or closed); the presence rate is présents /
(présents + absents + excusés); the no-show rate is absents / people registered before the
start. The fill rate is the registrations that kept a seat (inscrit, présent, absent, excusé;
walk-ins included) over the seats offered. Six queries whatever the volume: sessions and
registrations (each reading both periods with conditional aggregates), then the same two by
theme and by month.
"""

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services.stats import ABSENT, ATTENDU, EXCUSE, NON_NOTE, PRESENT
from inclusion.enums import Role
from mediation.pilotage.agregats import (
    both_periods,
    instants,
    month_key,
    month_label,
    months,
    taux,
)
from mediation.pilotage.sections import Chiffre, Ligne, Section, Tableau

INSCRIT = PRESENT | ABSENT | EXCUSE | NON_NOTE  # kept a seat (stats.inscriptions_du_perimetre)
EN_ATTENTE = Q(statut=StatutInscription.EN_ATTENTE)

AIDE_LIEU = "commune, quartier et lieu : ceux du lieu de l'atelier."
AIDE_PERSONNE = "commune et quartier : ceux de la personne ; lieu : celui de l'atelier."


def _held(now, prefix=""):
    """Not cancelled, and over (or closed): ateliers.services.stats' sessions held."""
    return ~Q(**{f"{prefix}statut": StatutSession.ANNULEE}) & (
        Q(**{f"{prefix}statut": StatutSession.TERMINEE}) | Q(**{f"{prefix}fin__lte": now})
    )


def _place(filtres, prefix=""):
    """The place's filters (structure and lieu always; commune and quartier of the place)."""
    q = _lieu(filtres, prefix)
    if filtres.commune is not None:
        q &= Q(**{f"{prefix}lieu__commune_id": filtres.commune})
    if filtres.quartier is not None:
        q &= Q(**{f"{prefix}lieu__quartier_id": filtres.quartier})
    return q


def _lieu(filtres, prefix=""):
    q = Q()
    if filtres.structure is not None:
        q &= Q(**{f"{prefix}lieu__structure_id": filtres.structure})
    if filtres.lieu is not None:
        q &= Q(**{f"{prefix}lieu_id": filtres.lieu})
    return q


def _person(filtres):
    """Registrations by the person's commune and quartier (and the workshop's place)."""
    q = _lieu(filtres, "session__")
    if filtres.commune is not None:
        q &= Q(beneficiaire__commune_id=filtres.commune)
    if filtres.quartier is not None:
        q &= Q(beneficiaire__quartier_id=filtres.quartier)
    return q


def _sessions_scope(portee, prefix=""):
    """A médiateur: the places of their structures. Prescripteurs see the whole offer (the
    sessions are public) but only their own people's registrations."""
    if not portee.territoire and portee.role == Role.MEDIATEUR:
        return Q(**{f"{prefix}lieu__structure_id__in": portee.structures})
    return Q()


def _inscriptions_scope(portee):
    q = _sessions_scope(portee, "session__")
    if not portee.territoire and portee.role != Role.MEDIATEUR:
        q &= Q(beneficiaire__structure_id__in=portee.structures)
    return q


def _sessions(filtres, precedente, debut, fin, portee, now):
    columns = {}
    for suffix, period in {"": filtres, "_avant": precedente}.items():
        held = _held(now) & instants("debut", period)
        columns[f"sessions{suffix}"] = Count("pk", filter=held)
        columns[f"places{suffix}"] = Sum("capacite", filter=held)
    return Session.objects.filter(
        _sessions_scope(portee), _place(filtres), debut__gte=debut, debut__lt=fin
    ).aggregate(**columns)


def _inscriptions(filtres, precedente, debut, fin, portee, now):
    """Seats kept (by the place's commune and quartier, for the fill rate), presence and
    no-show (by the person's), the waiting lists of upcoming sessions (the person's)."""
    place, person = _place(filtres, "session__"), _person(filtres)
    columns = {}
    for suffix, period in {"": filtres, "_avant": precedente}.items():
        held = _held(now, "session__") & instants("session__debut", period)
        columns[f"inscrits{suffix}"] = Count("pk", filter=held & place & INSCRIT)
        for key, statut in (
            ("presents", PRESENT),
            ("absents", ABSENT),
            ("excuses", EXCUSE),
            ("attendus", ATTENDU),
        ):
            columns[f"{key}{suffix}"] = Count("pk", filter=held & person & statut)
    upcoming = Q(session__statut=StatutSession.PLANIFIEE, session__debut__gt=now)
    columns["attente"] = Count("pk", filter=upcoming & person & EN_ATTENTE)
    span = Q(session__debut__gte=debut, session__debut__lt=fin) | upcoming
    return Inscription.objects.filter(_inscriptions_scope(portee), place | person, span).aggregate(
        **columns
    )


def _breakdown(filtres, portee, now, session_key, inscription_key, labels=()):
    """(session rows, registration rows) grouped by a key: sessions held in the period at the
    filters' places, with their seats, kept seats and présents."""
    sessions = (
        Session.objects.filter(
            _sessions_scope(portee), _place(filtres), _held(now), instants("debut", filtres)
        )
        .annotate(cle=session_key)
        .order_by()
        .values("cle", *labels)
        .annotate(sessions=Count("pk"), places=Sum("capacite"))
    )
    inscriptions = (
        Inscription.objects.filter(
            _inscriptions_scope(portee),
            _place(filtres, "session__"),
            _held(now, "session__"),
            instants("session__debut", filtres),
            INSCRIT,
        )
        .annotate(cle=inscription_key)
        .order_by()
        .values("cle")
        .annotate(inscrits=Count("pk"), presents=Count("pk", filter=PRESENT))
    )
    return sessions, inscriptions


def _par_theme(filtres, portee, now):
    sessions, inscriptions = _breakdown(
        filtres, portee, now, F("theme_id"), F("session__theme_id"), labels=("theme__titre",)
    )
    counts = {row["cle"]: row for row in inscriptions}
    rows = sorted(sessions, key=lambda row: (row["theme__titre"].lower(), row["cle"]))
    return tuple(
        Ligne(
            libelle=row["theme__titre"],
            valeurs=(
                row["sessions"],
                row["places"] or 0,
                counts.get(row["cle"], {}).get("inscrits", 0),
                counts.get(row["cle"], {}).get("presents", 0),
            ),
            cle=str(row["cle"]),
        )
        for row in rows
    )


def _par_mois(filtres, portee, now):
    sessions, inscriptions = _breakdown(
        filtres, portee, now, TruncMonth("debut"), TruncMonth("session__debut")
    )
    by_sessions = {month_key(row["cle"]): row for row in sessions}
    by_inscriptions = {month_key(row["cle"]): row for row in inscriptions}
    lignes = []
    for mois in months(filtres):
        s = by_sessions.get(mois, {})
        i = by_inscriptions.get(mois, {})
        lignes.append(
            Ligne(
                libelle=month_label(mois),
                valeurs=(
                    s.get("sessions", 0),
                    s.get("places") or 0,
                    i.get("inscrits", 0),
                    i.get("presents", 0),
                ),
                cle=f"{mois:%Y-%m}",
            )
        )
    return tuple(lignes)


def section(filtres, portee):
    now = timezone.now()
    precedente, debut, fin = both_periods(filtres)
    s = _sessions(filtres, precedente, debut, fin, portee, now)
    i = _inscriptions(filtres, precedente, debut, fin, portee, now)
    # A prescripteur's people in the whole offer's seats would mean nothing.
    prescripteur = not portee.territoire and portee.role != Role.MEDIATEUR

    def remplissage(suffix):
        if prescripteur:
            return None
        return taux(i[f"inscrits{suffix}"], s[f"places{suffix}"])

    def absence(suffix):
        return taux(i[f"absents{suffix}"], i[f"attendus{suffix}"])

    # The counts of people each rate is made of: the share link masks the rate with them.
    def effectifs(numerateur, denominateur, suffix):
        n = i[f"{numerateur}{suffix}"]
        if denominateur is None:
            return (n,)
        return (n, denominateur(suffix) - n)

    def notes(suffix):
        return i[f"presents{suffix}"] + i[f"absents{suffix}"] + i[f"excuses{suffix}"]

    def attendus(suffix):
        return i[f"attendus{suffix}"]

    def presence(suffix):
        return taux(i[f"presents{suffix}"], notes(suffix))

    chiffres = (
        Chiffre(
            "Sessions tenues",
            s["sessions"],
            s["sessions_avant"],
            aide=f"Sessions commencées dans la période, terminées et non annulées ; {AIDE_LIEU}",
        ),
        Chiffre(
            "Places offertes",
            s["places"] or 0,
            s["places_avant"] or 0,
            aide=f"Places des sessions tenues ; {AIDE_LIEU}",
        ),
        Chiffre(
            "Taux de remplissage",
            remplissage(""),
            remplissage("_avant"),
            unite="%",
            effectifs=effectifs("inscrits", None, ""),
            effectifs_avant=effectifs("inscrits", None, "_avant"),
            aide="Inscriptions gardées (présents, absents, excusés, non notés, venus sans "
            f"inscription compris) sur les places offertes ; {AIDE_LIEU}",
        ),
        Chiffre(
            "Taux de présence",
            presence(""),
            presence("_avant"),
            unite="%",
            effectifs=effectifs("presents", notes, ""),
            effectifs_avant=effectifs("presents", notes, "_avant"),
            aide="Présents sur les personnes dont la présence a été notée (présents, absents, "
            f"excusés) ; {AIDE_PERSONNE}",
        ),
        Chiffre(
            "Absences sans prévenir",
            absence(""),
            absence("_avant"),
            unite="%",
            effectifs=effectifs("absents", attendus, ""),
            effectifs_avant=effectifs("absents", attendus, "_avant"),
            aide="Absents sur les personnes inscrites avant le début de la session ; "
            f"{AIDE_PERSONNE}",
        ),
        Chiffre(
            "Personnes en liste d'attente",
            i["attente"],
            None,
            personnes=True,
            aide="Personnes en liste d'attente des sessions à venir, aujourd'hui (la période "
            f"n'y change rien) ; {AIDE_PERSONNE}",
        ),
    )
    colonnes = ("Sessions", "Places offertes", "Inscrits", "Présents")
    tableaux = (
        Tableau(
            cle="ateliers_par_theme",
            titre="Ateliers par thème",
            phrase="Pour chaque thème, les sessions tenues dans la période, leurs places, les "
            "inscrits et les présents.",
            colonnes=("Thème", *colonnes),
            lignes=_par_theme(filtres, portee, now),
            graphique="barres",
            personnes=True,
            colonnes_personnes=(2, 3),
        ),
        Tableau(
            cle="ateliers_par_mois",
            titre="Ateliers par mois",
            phrase="Chaque mois de la période, les sessions tenues, leurs places, les inscrits "
            "et les présents.",
            colonnes=("Mois", *colonnes),
            chronologique=True,
            lignes=_par_mois(filtres, portee, now),
            graphique="courbe",
            personnes=True,
            colonnes_personnes=(2, 3),
        ),
    )
    note = (
        "Les sessions sont comptées par date de début ; le filtre programme ne s'applique pas "
        "aux ateliers. Dans les tableaux, commune et quartier sont ceux du lieu de l'atelier."
    )
    if prescripteur:
        note += (
            " Une structure prescriptrice voit toute l'offre d'ateliers, mais les inscriptions "
            "de ses seules personnes : le taux de remplissage ne s'applique pas."
        )
        chiffres = tuple(c for c in chiffres if c.libelle != "Taux de remplissage")
    return Section(
        cle="ateliers", titre="Ateliers", chiffres=chiffres, tableaux=tableaux, note=note
    )
