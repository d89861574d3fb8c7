"""Section "orientations": the figures mediation.services.orientations_stats computes (never
recomputed here), laid out as key figures and tables.

That service scopes by a user; a dashboard has a Portee (also behind a share link, with no
user). `ScopeViewer` is the thin adapter: it answers the role questions the service asks
(inclusion.perms.roles_of reads its cached roles) from the Portee alone."""

from mediation.enums_orientations import MotifRefus, StatutOrientation
from mediation.pilotage.sections import Chiffre, Ligne, Section, Tableau
from mediation.services import orientations_stats

CLES_MOTIFS = {m.label: m.value for m in MotifRefus}  # the service keys reasons by label
EN_COURS = (StatutOrientation.OUVERTE, StatutOrientation.PRISE_EN_COMPTE)


class ScopeViewer:
    """Stands for the viewer of a Portee: the territory is a superuser (everything), a scope
    holds its role in each of its structures. Never saved nor logged in."""

    is_authenticated = True
    is_anonymous = False
    pk = None

    def __init__(self, portee):
        self.is_superuser = portee.territoire
        roles = () if portee.territoire else ((sid, portee.role) for sid in portee.structures)
        self._inclusion_roles = frozenset(roles)


def bilan(filtres, portee):
    """The service's Bilan for these filters and scope (eight queries)."""
    return orientations_stats.counts(
        user=ScopeViewer(portee),
        debut=filtres.du,
        fin=filtres.au,
        structure=filtres.structure,
        lieu=filtres.lieu,
    )


def _days(delay):
    """A timedelta in days, one decimal (None stays None: nothing to measure)."""
    if delay is None:
        return None
    return round(delay.total_seconds() / 86400, 1)


def _en_cours(chiffres):
    return sum(chiffres.par_statut.get(s, 0) for s in EN_COURS)


def _groupes(cle, titre, phrase, groupes, premiere, ailleurs=False):
    colonnes = [premiere, "Acceptées", "Refusées", "Expirées", "En attente de réponse"]
    if ailleurs:
        colonnes.append("Prises par un autre lieu")
    colonnes.append("Annulées")
    lignes = []
    for groupe in groupes:
        c = groupe.chiffres
        valeurs = [c.acceptees, c.refusees, c.expirees, _en_cours(c)]
        if ailleurs:
            valeurs.append(c.par_statut.get(orientations_stats.PRISE_AILLEURS, 0))
        valeurs.append(c.annulees)
        lignes.append(Ligne(groupe.nom, tuple(valeurs), cle=str(groupe.pk)))
    return Tableau(
        cle=cle,
        titre=titre,
        phrase=phrase,
        colonnes=tuple(colonnes),
        lignes=tuple(lignes),
        graphique="barres_empilees",
        personnes=True,  # one orientation, one person
    )


def _delais(groupes):
    return Tableau(
        cle="orientations_delais_par_lieu",
        titre="Délais de réponse par lieu",
        phrase="Pour chaque lieu, la durée médiane entre l'envoi et l'ouverture de "
        "l'orientation, puis entre l'envoi et la décision, en jours.",
        colonnes=("Lieu", "Prise en compte (médiane)", "Décision (médiane)"),
        lignes=tuple(
            Ligne(
                g.nom,
                (
                    _days(g.chiffres.mediane_prise_en_compte),
                    _days(g.chiffres.mediane_decision),
                ),
                cle=str(g.pk),
            )
            for g in groupes
        ),
        graphique="",
        unite="jours",
        public=False,  # a place's median over one or two orientations is theirs
    )


def section(filtres, portee):
    now = bilan(filtres, portee)
    before = bilan(filtres.precedente(), portee).total
    total = now.total
    chiffres = (
        Chiffre(
            "Orientations envoyées",
            total.envoyees,
            before.envoyees,
            personnes=True,
            aide="Orientations créées pendant la période, quel que soit leur sort.",
        ),
        Chiffre(
            "Acceptées",
            total.acceptees,
            before.acceptees,
            personnes=True,
            aide="Y compris celles terminées depuis.",
        ),
        Chiffre("Refusées", total.refusees, before.refusees, personnes=True),
        Chiffre(
            "Expirées",
            total.expirees,
            before.expirees,
            personnes=True,
            aide="Sans réponse du lieu dans le délai.",
        ),
        Chiffre("En attente de réponse", _en_cours(total), _en_cours(before), personnes=True),
        Chiffre(
            "Délai médian de prise en compte",
            _days(total.mediane_prise_en_compte),
            _days(before.mediane_prise_en_compte),
            unite="jours",
            effectifs=(total.envoyees,),
            effectifs_avant=(before.envoyees,),
            aide="Entre l'envoi et la première ouverture par le lieu.",
        ),
        Chiffre(
            "Délai médian de décision",
            _days(total.mediane_decision),
            _days(before.mediane_decision),
            unite="jours",
            effectifs=(total.envoyees,),
            effectifs_avant=(before.envoyees,),
            aide="Entre l'envoi et l'acceptation ou le refus.",
        ),
    )
    tableaux = (
        Tableau(
            cle="orientations_refus_par_motif",
            titre="Refus par motif",
            phrase="Pourquoi les lieux ont refusé des orientations, du motif le plus donné au "
            "moins donné ; un refus peut en donner plusieurs.",
            colonnes=("Motif", "Refus"),
            personnes=True,
            # The reasons given, most frequent first (ties in the service's order).
            lignes=tuple(
                Ligne(m, (n,), cle=CLES_MOTIFS.get(m, ""))
                for m, n in sorted(total.refus_par_motif.items(), key=lambda item: -item[1])
                if n
            ),
        ),
        _groupes(
            "orientations_par_structure",
            "Orientations par structure qui oriente",
            "Ce que sont devenues les orientations envoyées par chaque structure.",
            now.par_structure,
            "Structure",
        ),
        _groupes(
            "orientations_par_lieu",
            "Orientations par lieu qui les reçoit",
            "La réponse de chaque lieu aux orientations qu'il a reçues ; une orientation vers "
            "une thématique est reçue par plusieurs lieux.",
            now.par_lieu,
            "Lieu",
            ailleurs=True,
        ),
        _delais(now.par_lieu),
    )
    return Section(
        cle="orientations",
        titre="Orientations",
        chiffres=chiffres,
        tableaux=tableaux,
        note="Filtres appliqués : la période (date d'envoi), la structure qui oriente et le "
        "lieu qui reçoit. Les filtres commune, quartier et programme ne s'appliquent pas aux "
        "orientations.",
    )
