"""La Coop de la médiation numérique's vocabularies for activity records (CRA).

The stored values are La Coop's keys (../shared/reference/CRA_ORIENTATION_OPENDATA.md, part 1),
so that records go to La Coop and come back without a mapping table; labels are for people.
Genre, tranche d'âge and statut social are the socle's (inclusion.enums), same keys.
"""

from django.db import models


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


class Niveau(models.TextChoices):
    DEBUTANT = "debutant", "Débutant"
    INTERMEDIAIRE = "intermediaire", "Intermédiaire"
    AVANCE = "avance", "Avancé"


class StructureRedirection(models.TextChoices):
    ADMINISTRATION = "administration", "Administration"
    MEDIATION_NUMERIQUE = "mediation_numerique", "Médiation numérique"
    OPERATEUR = "operateur_ou_organisme_en_charge", "Opérateur ou organisme en charge"
    AIDE_SOCIALE = "aide_sociale", "Aide sociale"
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", "Insertion professionnelle"
    AIDE_DEMARCHES = "aide_aux_demarches_administratives", "Aide aux démarches administratives"
    AUTRE = "autre", "Autre"


class Thematique(models.TextChoices):
    # Médiation numérique
    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", "Diagnostic numérique"
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", "Prendre en main du matériel"
    MAINTENANCE_DE_MATERIEL = "maintenance_de_materiel", "Entretenir son matériel"
    GERE_SES_CONTENUS_NUMERIQUES = "gere_ses_contenus_numeriques", "Gérer ses contenus numériques"
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", "Naviguer sur internet"
    EMAIL = "email", "E-mail"
    BUREAUTIQUE = "bureautique", "Bureautique"
    RESEAUX_SOCIAUX = "reseaux_sociaux", "Réseaux sociaux"
    SANTE = "sante", "Santé"
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", "Banque et achats en ligne"
    ENTREPRENEURIAT = "entrepreneuriat", "Entrepreneuriat"
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", "Insertion professionnelle"
    SECURITE_NUMERIQUE = "securite_numerique", "Sécurité numérique"
    PARENTALITE = "parentalite", "Parentalité"
    SCOLARITE_ET_NUMERIQUE = "scolarite_et_numerique", "Scolarité et numérique"
    CREER_AVEC_LE_NUMERIQUE = "creer_avec_le_numerique", "Créer avec le numérique"
    CULTURE_NUMERIQUE = "culture_numerique", "Culture numérique"
    INTELLIGENCE_ARTIFICIELLE = "intelligence_artificielle", "Intelligence artificielle"
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = (
        "aide_aux_demarches_administratives",
        "Aide aux démarches administratives",
    )
    # Administrative families
    PAPIERS_ELECTIONS_CITOYENNETE = (
        "papiers_elections_citoyennete",
        "Papiers, élections, citoyenneté",
    )
    FAMILLE_SCOLARITE = "famille_scolarite", "Famille, scolarité"
    SOCIAL_SANTE = "social_sante", "Social, santé"
    TRAVAIL_FORMATION = "travail_formation", "Travail, formation"
    LOGEMENT = "logement", "Logement"
    TRANSPORTS_MOBILITE = "transports_mobilite", "Transports, mobilité"
    ARGENT_IMPOTS = "argent_impots", "Argent, impôts"
    JUSTICE = "justice", "Justice"
    ETRANGERS_EUROPE = "etrangers_europe", "Étrangers, Europe"
    LOISIRS_SPORTS_CULTURE = "loisirs_sports_culture", "Loisirs, sports, culture"
    ASSOCIATIONS = "associations", "Associations"


THEMATIQUES_ADMINISTRATIVES = frozenset(
    {
        Thematique.PAPIERS_ELECTIONS_CITOYENNETE,
        Thematique.FAMILLE_SCOLARITE,
        Thematique.SOCIAL_SANTE,
        Thematique.TRAVAIL_FORMATION,
        Thematique.LOGEMENT,
        Thematique.TRANSPORTS_MOBILITE,
        Thematique.ARGENT_IMPOTS,
        Thematique.JUSTICE,
        Thematique.ETRANGERS_EUROPE,
        Thematique.LOISIRS_SPORTS_CULTURE,
        Thematique.ASSOCIATIONS,
    }
)
THEMATIQUES_MEDIATION = frozenset(set(Thematique) - THEMATIQUES_ADMINISTRATIVES)
