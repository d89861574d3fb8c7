"""The activity records export: La Coop's columns and order, XLSX and CSV, one row per
participant (registered as a worker-built export).

Columns are La Coop de la médiation numérique's own headers, in its order
(features/activites/use-cases/list/export/buildAccompagnementsWorksheet.ts, summarised in
../shared/reference/CRA_ORIENTATION_OPENDATA.md part 1), less what this system does not have
(La Coop's "ID - Conum" and "Source de la donnée"). One's own export ("Mes activités", portée
"miennes") has the person's name and the notes; any wider export has the médiateur's first
name, name and role instead, and neither names nor notes: a note is only ever read by its
author. The rows are the list's (mediation.filters_activites), so deleted records (tombstones)
are never exported.
"""

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from inclusion import perms as socle
from inclusion.enums import Genre, Role, Statut, TrancheAge
from inclusion.models import Membership
from inclusion.registry import register_export
from inclusion.services.exports_fichiers import ExportBuilder, Tableau
from mediation import perms
from mediation.filters_activites import PORTEE_MIENNES, filtrer_activites, parametres_valides
from mediation.models import Participant
from mediation.vocabulaire import (
    Autonomie,
    Materiel,
    Niveau,
    StructureRedirection,
    Thematique,
    TypeActivite,
    TypeLieu,
)

NATURE = "activites"
CHUNK = 2000  # records per round trip (and per prefetch of their participants)
SAUT = "\n"  # multi-values in one cell, one a line (as La Coop does)

DEBUT = ["Date", "Enregistré le", "Dernière modification le"]
MEDIATEUR = ["Prénom du médiateur", "Nom du médiateur", "Rôle"]
ACTIVITE = [
    "Canaux d’accompagnement",
    "Nom du lieu",
    "Adresse",
    "Commune",
    "Code postal",
    "Code Insee",
    "Durée (min)",
    "Nom de l’atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune du bénéficiaire",
    "Code postal du bénéficiaire",
    "Code Insee du bénéficiaire",
    "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire",
    "Statut du bénéficiaire",
]


def colonnes(propre):
    """The headers of one's own export (propre) or of a wider one."""
    return [
        *DEBUT,
        *([] if propre else MEDIATEUR),
        "Type",
        "Participants",
        *(["Bénéficiaire"] if propre else []),
        *ACTIVITE,
        *(["Notes supplémentaires"] if propre else []),
        "ID CRA",
    ]


def _labels(choices):
    return dict(choices)


TYPES = _labels(TypeActivite.choices)
CANAUX = _labels(TypeLieu.choices)
MATERIELS = _labels(Materiel.choices)
THEMATIQUES = _labels(Thematique.choices)
NIVEAUX = {**_labels(Autonomie.choices), **_labels(Niveau.choices)}
REDIRECTIONS = _labels(StructureRedirection.choices)
GENRES = _labels(Genre.choices)
TRANCHES = _labels(TrancheAge.choices)
STATUTS = _labels(Statut.choices)


def _lines(labels, keys):
    return SAUT.join(labels.get(k, k) for k in keys or ())


def _moment(value):
    return f"{timezone.localtime(value):%d/%m/%Y à %H:%M}"


def _commune(commune):
    if commune is None:
        return ["", "", ""]
    return [commune.nom, commune.code_postal_principal, commune.code_insee]


def _lieu(activite):
    lieu = activite.lieu
    if lieu is not None:
        return [lieu.nom, lieu.adresse, lieu.commune.nom, lieu.code_postal, lieu.commune.code_insee]
    return ["", "", *_commune(activite.commune)]


def _roles(qs):
    """{user id: {structure id: {roles}}} of the records' authors, in one query."""
    roles = {}
    memberships = Membership.objects.filter(user_id__in=qs.values("mediateur_id")).values_list(
        "user_id", "structure_id", "role"
    )
    for user_id, structure_id, role in memberships:
        roles.setdefault(user_id, {}).setdefault(structure_id, set()).add(role)
    return roles


def _role(roles, activite):
    """The author's role: médiateur of the record's structure, else coordinateur if so."""
    du_mediateur = roles.get(activite.mediateur_id, {})
    if Role.MEDIATEUR in du_mediateur.get(activite.structure_id, ()):
        return Role.MEDIATEUR.label
    if any(Role.COORDINATEUR in r for r in du_mediateur.values()):
        return Role.COORDINATEUR.label
    return Role.MEDIATEUR.label


def _rows(user, qs, propre):
    """One list of cells per participant (a record without any still gets one row)."""
    qs = qs.select_related("lieu__commune", "commune").prefetch_related(
        Prefetch(
            "participants",
            queryset=Participant.objects.select_related("beneficiaire", "commune").order_by("pk"),
        )
    )
    if not propre:
        qs = qs.select_related("mediateur")
        roles = _roles(qs)
    for a in qs.iterator(chunk_size=CHUNK):
        modifiee = (a.modifie_le - a.cree_le).total_seconds() >= 1
        debut = [a.date, _moment(a.cree_le), _moment(a.modifie_le) if modifiee else ""]
        if not propre:
            m = a.mediateur
            debut += [m.first_name, m.last_name, _role(roles, a)]
        individuel = a.type == TypeActivite.INDIVIDUEL
        commun = [
            CANAUX.get(a.type_lieu, a.type_lieu),
            *_lieu(a),
            a.duree_minutes,
            a.titre_atelier,
            _lines(MATERIELS, a.materiel),
            _lines(THEMATIQUES, a.thematiques),
            "",  # tags: none in this system
            a.nom_demarche,
            NIVEAUX.get(a.autonomie or a.niveau, "") if (a.autonomie or a.niveau) else "",
            ("Oui" if a.reoriente else "Non") if individuel else "",
            REDIRECTIONS.get(a.structure_redirection, a.structure_redirection),
        ]
        participants = list(a.participants.all())
        n = len(participants)
        notes = a.notes if propre and perms.can_see_notes(user, a) else ""
        for i, p in enumerate(participants or [None]):
            rang = 1 if n == 1 else (f"{i + 1}/{n}" if n else 0)
            ligne = [*debut, TYPES.get(a.type, a.type), rang]
            if propre:
                b = p.beneficiaire if p is not None else None
                ligne.append(f"{b.prenom} {b.nom}".strip() if b is not None else "Anonyme")
            ligne += commun
            if p is None:
                ligne += ["", "", "", "", "", ""]
            else:
                ligne += [
                    *_commune(p.commune),
                    GENRES.get(p.genre, p.genre),
                    TRANCHES.get(p.tranche_age, p.tranche_age),
                    STATUTS.get(p.statut_social, p.statut_social),
                ]
            if propre:
                ligne.append(notes if i == 0 else "")
            ligne.append(str(a.uuid))
            yield ligne


def count_rows(qs):
    """Rows of the export: participants, plus one per record without any (two counts)."""
    avec = Participant.objects.filter(activite__in=qs.values("pk")).count()
    sans = qs.filter(~Exists(Participant.objects.filter(activite=OuterRef("pk")))).count()
    return avec + sans


def allowed(user):
    """Who records activities exports them: médiateurs and coordinators."""
    return perms.can_record_activite(user)


def build(user, parametres):
    qs, filtres = filtrer_activites(user, parametres)
    propre = parametres.get("portee") == PORTEE_MIENNES
    if not propre:
        # A wider export shows no person's name, not even the one filtered on.
        filtres = [(k, "(masqué dans cet export)" if k == "Personne" else v) for k, v in filtres]
    return Tableau(
        titre="Activités",
        nom_fichier="activites" if propre else "activites_structure",
        colonnes=colonnes(propre),
        total=count_rows(qs),
        lignes=_rows(user, qs, propre),
        filtres=filtres,
        role_demandeur=(
            Role.COORDINATEUR.label if socle.is_coordinateur(user) else Role.MEDIATEUR.label
        ),
    )


register_export(
    NATURE,
    ExportBuilder(
        label="Activités",
        allowed=allowed,
        clean=parametres_valides,
        build=build,
        retour_url_name="activites:liste",
    ),
)
