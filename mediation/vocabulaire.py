"""La Coop de la médiation numérique's vocabularies for activity records (CRA).

The stored values are La Coop's keys (../shared/reference/CRA_ORIENTATION_OPENDATA.md, part 1),
so that records go to La Coop and come back without a mapping table; labels are for people.
Genre, tranche d'âge and statut social are the socle's (inclusion.enums), same keys.
"""

from django.db import models

# Niveau and the thématiques live in ateliers.enums (the lowest layer that needs them: the
# workshop catalogue stores them too); re-exported here for the activity records.
from ateliers.enums import (  # noqa: F401
    THEMATIQUES_ADMINISTRATIVES,
    THEMATIQUES_MEDIATION,
    Niveau,
    Thematique,
)


class TypeActivite(models.TextChoices):
    INDIVIDUEL = "individuel", "Accompagnement individuel"
    COLLECTIF = "collectif", "Atelier collectif"


class TypeLieu(models.TextChoices):
    """The canal of an accompaniment."""

    LIEU_ACTIVITE = "lieu_activite", "Dans un lieu d'activité"
    DOMICILE = "domicile", "À domicile"
    A_DISTANCE = "a_distance", "À distance (téléphone, visio)"
    AUTRE = "autre", "Autre lieu"


class Materiel(models.TextChoices):
    ORDINATEUR = "ordinateur", "Ordinateur"
    TELEPHONE = "telephone", "Téléphone"
    TABLETTE = "tablette", "Tablette"
    AUTRE = "autre", "Autre matériel"
    AUCUN = "aucun", "Pas de matériel"


class Autonomie(models.TextChoices):
    ENTIEREMENT_ACCOMPAGNE = "entierement_accompagne", "Entièrement accompagné"
    PARTIELLEMENT_AUTONOME = "partiellement_autonome", "Partiellement autonome"
    AUTONOME = "autonome", "Autonome"


class StructureRedirection(models.TextChoices):
    ADMINISTRATION = "administration", "Administration"
    MEDIATION_NUMERIQUE = "mediation_numerique", "Médiation numérique"
    OPERATEUR = "operateur_ou_organisme_en_charge", "Opérateur ou organisme en charge"
    AIDE_SOCIALE = "aide_sociale", "Aide sociale"
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", "Insertion professionnelle"
    AIDE_DEMARCHES = "aide_aux_demarches_administratives", "Aide aux démarches administratives"
    AUTRE = "autre", "Autre"


class OutilDiagnostic(models.TextChoices):
    """Who produced a diagnostic of digital skills: ours, or a result typed from another tool."""

    INCLUSION = "inclusion", "Diagnostic de la plateforme"
    PIX = "pix", "Pix"
    ABC_DIAG = "abc_diag", "ABC Diag"
