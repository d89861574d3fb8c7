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

import functools

from django.db.models import Exists, OuterRef
from django.utils import timezone

from inclusion import perms as socle
from inclusion.enums import Genre, Role, Statut, TrancheAge
from inclusion.models import Membership
from inclusion.registry import register_export
from inclusion.services.exports_fichiers import ExportBuilder, Tableau
from inclusion.validators import parse_codes_postaux
from mediation import perms
from mediation.filters_activites import PORTEE_MIENNES, filter_activites, parametres_valides
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


@functools.lru_cache(maxsize=1024)
def _code_postal(codes_postaux):
    codes = parse_codes_postaux(codes_postaux)
    return codes[0] if codes else ""


def _commune(nom, codes_postaux, code_insee):
    if nom is None:
        return ["", "", ""]
    return [nom, _code_postal(codes_postaux), code_insee]


def _roles(qs):
    """{user id: {structure id: {roles}}} of the records' authors, in one query."""
    roles = {}
    memberships = Membership.objects.filter(user_id__in=qs.values("mediateur_id")).values_list(
        "user_id", "structure_id", "role"
    )
    for user_id, structure_id, role in memberships:
        roles.setdefault(user_id, {}).setdefault(structure_id, set()).add(role)
    return roles


def _role(roles, a):
    """The author's role: médiateur of the record's structure, else coordinateur if so."""
    du_mediateur = roles.get(a["mediateur_id"], {})
    if Role.MEDIATEUR in du_mediateur.get(a["structure_id"], ()):
        return Role.MEDIATEUR.label
    if any(Role.COORDINATEUR in r for r in du_mediateur.values()):
        return Role.COORDINATEUR.label
    return Role.MEDIATEUR.label


# Plain values, not model instances: Lieu, User and Beneficiaire are wide models, and building
# them cost more than writing the file. The participants of each chunk of records come in one
# query (the prefetch, by hand), so queries grow with chunks, never with rows.
CHAMPS = (
    "pk", "uuid", "date", "cree_le", "modifie_le", "type", "type_lieu", "duree_minutes",
    "titre_atelier", "materiel", "thematiques", "nom_demarche", "autonomie", "niveau",
    "reoriente", "structure_redirection", "notes", "mediateur_id", "structure_id",
    "lieu_id", "lieu__nom", "lieu__adresse", "lieu__code_postal", "lieu__commune__nom",
    "lieu__commune__code_insee", "commune__nom", "commune__codes_postaux", "commune__code_insee",
)  # fmt: skip
CHAMPS_MEDIATEUR = ("mediateur__first_name", "mediateur__last_name")
CHAMPS_PARTICIPANT = (
    "activite_id", "beneficiaire_id", "beneficiaire__prenom", "beneficiaire__nom", "genre",
    "tranche_age", "statut_social", "commune__nom", "commune__codes_postaux",
    "commune__code_insee",
)  # fmt: skip


def _chunks(qs, champs):
    chunk = []
    for a in qs.values(*champs).iterator(chunk_size=CHUNK):
        chunk.append(a)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _participants_of(chunk):
    """{record pk: [participant values, in their order]} for one chunk of records."""
    par_activite = {}
    rows = (
        Participant.objects.filter(activite_id__in=[a["pk"] for a in chunk])
        .order_by("activite_id", "pk")
        .values_list(*CHAMPS_PARTICIPANT)
    )
    for row in rows:
        par_activite.setdefault(row[0], []).append(row)
    return par_activite


def _lieu(a):
    if a["lieu_id"] is not None:
        return [
            a["lieu__nom"],
            a["lieu__adresse"],
            a["lieu__commune__nom"],
            a["lieu__code_postal"],
            a["lieu__commune__code_insee"],
        ]
    return [
        "",
        "",
        *_commune(a["commune__nom"], a["commune__codes_postaux"], a["commune__code_insee"]),
    ]


def _activite_cells(a):
    individuel = a["type"] == TypeActivite.INDIVIDUEL
    niveau = a["autonomie"] or a["niveau"]
    return [
        CANAUX.get(a["type_lieu"], a["type_lieu"]),
        *_lieu(a),
        a["duree_minutes"],
        a["titre_atelier"],
        _lines(MATERIELS, a["materiel"]),
        _lines(THEMATIQUES, a["thematiques"]),
        "",  # tags: none in this system
        a["nom_demarche"],
        NIVEAUX.get(niveau, niveau),
        ("Oui" if a["reoriente"] else "Non") if individuel else "",
        REDIRECTIONS.get(a["structure_redirection"], a["structure_redirection"]),
    ]


def _rows(user, qs, propre):
    """One list of cells per participant (a record without any still gets one row)."""
    roles = {} if propre else _roles(qs)
    champs = CHAMPS if propre else CHAMPS + CHAMPS_MEDIATEUR
    for chunk in _chunks(qs, champs):
        participants = _participants_of(chunk)
        for a in chunk:
            modifiee = (a["modifie_le"] - a["cree_le"]).total_seconds() >= 1
            debut = [a["date"], _moment(a["cree_le"]), _moment(a["modifie_le"]) if modifiee else ""]
            if not propre:
                debut += [a["mediateur__first_name"], a["mediateur__last_name"], _role(roles, a)]
            commun = _activite_cells(a)
            type_label = TYPES.get(a["type"], a["type"])
            # Notes are their author's only (mediation.perms.can_see_notes).
            notes = a["notes"] if propre and a["mediateur_id"] == user.pk else ""
            lignes = participants.get(a["pk"]) or [None]
            n = len(lignes) if lignes[0] is not None else 0
            for i, p in enumerate(lignes):
                rang = 1 if n == 1 else (f"{i + 1}/{n}" if n else 0)
                ligne = [*debut, type_label, rang]
                if propre:
                    nom = f"{p[2]} {p[3]}".strip() if p is not None and p[1] is not None else ""
                    ligne.append(nom or "Anonyme")
                ligne += commun
                if p is None:
                    ligne += ["", "", "", "", "", ""]
                else:
                    ligne += [
                        *_commune(p[7], p[8], p[9]),
                        GENRES.get(p[4], p[4]),
                        TRANCHES.get(p[5], p[5]),
                        STATUTS.get(p[6], p[6]),
                    ]
                if propre:
                    ligne.append(notes if i == 0 else "")
                ligne.append(str(a["uuid"]))
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
    qs, filtres = filter_activites(user, parametres)
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
