"""The fields of an activity record: limits, checks and normalisation, participant rows.
Used by mediation/services/activites.py (the writes); refusals carry codes."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from inclusion import perms as socle
from inclusion.enums import Genre, Statut, TrancheAge
from inclusion.models import Structure
from mediation import perms
from mediation.vocabulaire import (
    Autonomie,
    Materiel,
    Niveau,
    StructureRedirection,
    Thematique,
    TypeActivite,
    TypeLieu,
)

DUREE_DEFAUT = 30
DUREE_MAX = 600
NOTES_MAX = 2000
TEXTE_COURT_MAX = 200
ANCIENNETE_MAX_JOURS = 365
ANONYMES_MAX = 200

# Fields a médiateur types, by type of record.
CHAMPS_COMMUNS = (
    "date",
    "duree_minutes",
    "type_lieu",
    "lieu",
    "commune",
    "thematiques",
    "materiel",
    "nom_demarche",
    "reoriente",
    "structure_redirection",
    "notes",
)
CHAMPS = {
    TypeActivite.INDIVIDUEL: (*CHAMPS_COMMUNS, "autonomie"),
    TypeActivite.COLLECTIF: (*CHAMPS_COMMUNS, "niveau", "titre_atelier"),
}

# A workshop record from a theme without any thématique gets this one.
THEMATIQUE_PAR_DEFAUT = Thematique.CULTURE_NUMERIQUE


class _Erreurs:
    """Field errors gathered, raised together (each with its code)."""

    def __init__(self):
        self.par_champ = {}

    def add(self, champ, message, code):
        self.par_champ.setdefault(champ, []).append(ValidationError(message, code=code))

    def raise_if_any(self):
        if self.par_champ:
            raise ValidationError(self.par_champ)


def _refuse(message, code):
    raise ValidationError(message, code=code)


# --- Validation ------------------------------------------------------------------------------


def _check_choice(erreurs, champ, valeur, choices, blank=True):
    if valeur == "" and blank:
        return ""
    if valeur not in choices.values:
        erreurs.add(champ, "Cette valeur n'est pas dans la liste.", "valeur_inconnue")
    return valeur


def _check_list(erreurs, champ, valeurs, choices):
    if isinstance(valeurs, str) or not isinstance(valeurs, (list, tuple, set, frozenset)):
        erreurs.add(champ, "Cette valeur n'est pas dans la liste.", "valeur_inconnue")
        return []
    propres = []
    for v in valeurs:
        if v not in choices.values:
            erreurs.add(champ, "Cette valeur n'est pas dans la liste.", "valeur_inconnue")
        elif str(v) not in propres:
            propres.append(str(v))
    return propres


def _check_text(erreurs, champ, valeur, maximum):
    valeur = (valeur or "").strip()
    if len(valeur) > maximum:
        erreurs.add(champ, f"{maximum} caractères au plus.", "texte_trop_long")
    return valeur


def _clean(acteur, type_activite, data, erreurs, lieu_libre=None):
    """Check and normalise a record's typed fields. `lieu_libre`: a lieu accepted even
    outside the acteur's structures (the workshop session's own place)."""
    today = timezone.localdate()
    propre = dict(data)

    date = data.get("date")
    if isinstance(date, datetime.datetime) or not isinstance(date, datetime.date):
        erreurs.add("date", "Indiquez une date.", "date_requise")
    elif date > today:
        erreurs.add("date", "La date ne peut pas être dans le futur.", "date_future")
    elif date < today - datetime.timedelta(days=ANCIENNETE_MAX_JOURS):
        erreurs.add("date", "La date remonte à plus d'un an.", "date_trop_ancienne")

    duree = data.get("duree_minutes")
    if isinstance(duree, bool) or not isinstance(duree, int) or not 1 <= duree <= DUREE_MAX:
        erreurs.add("duree_minutes", f"Une durée entre 1 et {DUREE_MAX} minutes.", "duree_invalide")

    type_lieu = _check_choice(erreurs, "type_lieu", data.get("type_lieu"), TypeLieu, blank=False)
    lieu = data.get("lieu")
    if type_lieu == TypeLieu.LIEU_ACTIVITE:
        if lieu is None:
            erreurs.add("lieu", "Choisissez le lieu d'activité.", "lieu_requis")
        elif not (lieu_libre is not None and lieu.pk == lieu_libre.pk) and (
            not lieu.actif or lieu.structure_id not in perms.structure_ids_auteur(acteur)
        ):
            erreurs.add(
                "lieu", "Ce lieu n'est pas un lieu de votre structure.", "lieu_hors_structure"
            )
        propre["commune"] = None
    else:
        propre["lieu"] = None

    propre["thematiques"] = _check_list(erreurs, "thematiques", data.get("thematiques"), Thematique)
    if not propre["thematiques"] and "thematiques" not in erreurs.par_champ:
        erreurs.add("thematiques", "Choisissez au moins une thématique.", "thematique_requise")
    propre["materiel"] = _check_list(erreurs, "materiel", data.get("materiel") or [], Materiel)

    if type_activite == TypeActivite.INDIVIDUEL:
        _check_choice(erreurs, "autonomie", data.get("autonomie", ""), Autonomie)
    else:
        _check_choice(erreurs, "niveau", data.get("niveau", ""), Niveau)
        propre["titre_atelier"] = _check_text(
            erreurs, "titre_atelier", data.get("titre_atelier"), TEXTE_COURT_MAX
        )

    propre["reoriente"] = bool(data.get("reoriente"))
    redirection = data.get("structure_redirection") or ""
    if propre["reoriente"]:
        if not redirection:
            erreurs.add(
                "structure_redirection",
                "Indiquez vers quelle structure la personne est réorientée.",
                "redirection_requise",
            )
        else:
            _check_choice(erreurs, "structure_redirection", redirection, StructureRedirection)
    propre["structure_redirection"] = redirection if propre["reoriente"] else ""

    propre["nom_demarche"] = _check_text(
        erreurs, "nom_demarche", data.get("nom_demarche"), TEXTE_COURT_MAX
    )
    propre["notes"] = _check_text(erreurs, "notes", data.get("notes"), NOTES_MAX)
    return propre


def _copied_from_file(beneficiaire):
    """What a named participant row copies from the person's file, at recording time."""
    return {
        "beneficiaire": beneficiaire,
        "genre": beneficiaire.genre,
        "tranche_age": beneficiaire.tranche_age,
        "statut_social": beneficiaire.statut,
        "commune": beneficiaire.commune,
    }


def _anonymous(erreurs, personne, champ="anonyme"):
    """An anonymous participant's values: genre, age band, status (and commune), each
    defaulting to non communiqué."""
    inconnus = set(personne) - {"genre", "tranche_age", "statut_social", "commune"}
    if inconnus:
        erreurs.add(champ, "Cette valeur n'est pas dans la liste.", "valeur_inconnue")
    valeurs = {
        "beneficiaire": None,
        "genre": personne.get("genre") or Genre.NON_COMMUNIQUE,
        "tranche_age": personne.get("tranche_age") or TrancheAge.NON_COMMUNIQUE,
        "statut_social": personne.get("statut_social") or Statut.NON_COMMUNIQUE,
        "commune": personne.get("commune"),
    }
    for cle, choices in (("genre", Genre), ("tranche_age", TrancheAge), ("statut_social", Statut)):
        _check_choice(erreurs, champ, valeurs[cle], choices, blank=False)
    return valeurs


def _individual_participant(acteur, beneficiaire, anonyme, erreurs):
    if (beneficiaire is None) == (anonyme is None):
        erreurs.add(
            "beneficiaire",
            "Choisissez la personne accompagnée, ou « personne anonyme ».",
            "personne_requise",
        )
        return None
    if beneficiaire is not None:
        if not socle.can_view_beneficiaire(acteur, beneficiaire):
            erreurs.add(
                "beneficiaire",
                "Vous ne pouvez pas voir le dossier de cette personne.",
                "beneficiaire_inaccessible",
            )
            return None
        return _copied_from_file(beneficiaire)
    return _anonymous(erreurs, anonyme)


def _anonymous_rows(erreurs, anonymes):
    """`anonymes`: (genre, tranche_age, statut_social, nombre) tuples → participant values."""
    rows = []
    for genre, tranche_age, statut_social, nombre in anonymes:
        if isinstance(nombre, bool) or not isinstance(nombre, int) or nombre < 0:
            erreurs.add("anonymes", "Un nombre de personnes, 0 ou plus.", "nombre_invalide")
            continue
        valeurs = _anonymous(
            erreurs,
            {"genre": genre, "tranche_age": tranche_age, "statut_social": statut_social},
            champ="anonymes",
        )
        rows += [valeurs] * nombre
    if len(rows) > ANONYMES_MAX:
        erreurs.add("anonymes", f"{ANONYMES_MAX} participants anonymes au plus.", "nombre_invalide")
    return rows


def _structure_for(acteur, lieu, structure, erreurs):
    """The structure a record belongs to: the lieu's, else the one given, else the acteur's
    only one."""
    ids = perms.structure_ids_auteur(acteur)
    if lieu is not None:
        return lieu.structure
    if structure is not None:
        if structure.pk not in ids:
            erreurs.add(
                "structure", "Ce n'est pas une de vos structures.", "structure_hors_perimetre"
            )
        return structure
    if len(ids) == 1:
        return Structure.objects.get(pk=next(iter(ids)))
    erreurs.add(
        "structure", "Choisissez la structure pour laquelle vous travailliez.", "structure_requise"
    )
    return None


def _check_keys(type_activite, champs):
    inconnus = set(champs) - set(CHAMPS[type_activite])
    if inconnus:
        raise TypeError(f"Champs inconnus pour ce type d'activité : {sorted(inconnus)}")
