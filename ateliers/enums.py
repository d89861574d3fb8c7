from django.db import models


class Niveau(models.TextChoices):
    """A workshop's level, La Coop's keys (also the activity records' niveau)."""

    DEBUTANT = "debutant", "Débutant"
    INTERMEDIAIRE = "intermediaire", "Intermédiaire"
    AVANCE = "avance", "Avancé"


class Thematique(models.TextChoices):
    """La Coop de la médiation numérique's 30 thématiques, stored as La Coop's keys
    (../shared/reference/CRA_ORIENTATION_OPENDATA.md, part 1): the workshop catalogue's and
    the activity records' (mediation), one copy. Labels are La Coop's wording."""

    # Médiation numérique
    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", "Diagnostic numérique"
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", "Prendre en main du matériel"
    MAINTENANCE_DE_MATERIEL = "maintenance_de_materiel", "Maintenance de matériel"
    GERE_SES_CONTENUS_NUMERIQUES = "gere_ses_contenus_numeriques", "Gérer ses contenus numériques"
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", "Navigation sur internet"
    EMAIL = "email", "E-mail"
    BUREAUTIQUE = "bureautique", "Bureautique"
    RESEAUX_SOCIAUX = "reseaux_sociaux", "Réseaux sociaux et communication"
    SANTE = "sante", "Santé"
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", "Banque et achats en ligne"
    ENTREPRENEURIAT = "entrepreneuriat", "Accompagner un professionnel (entrepreneuriat)"
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", "Insertion professionnelle"
    SECURITE_NUMERIQUE = "securite_numerique", "Prévention en sécurité numérique"
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


class Public(models.TextChoices):
    TOUT_PUBLIC = "tout_public", "Tout public"
    SENIORS = "seniors", "Seniors"
    JEUNES = "jeunes", "Jeunes"
    FAMILLES = "familles", "Familles"
    DEMANDEURS_EMPLOI = "demandeurs_emploi", "Personnes en recherche d'emploi"
    ALLOPHONES = "allophones", "Personnes qui apprennent le français"


class StatutSession(models.TextChoices):
    PLANIFIEE = "planifiee", "Planifiée"
    ANNULEE = "annulee", "Annulée"
    TERMINEE = "terminee", "Terminée"


class StatutInscription(models.TextChoices):
    INSCRIT = "inscrit", "Inscrit"
    EN_ATTENTE = "en_attente", "En liste d'attente"
    ANNULE = "annule", "Annulé"
    PRESENT = "present", "Présent"
    ABSENT = "absent", "Absent"
    EXCUSE = "excuse", "Excusé"


# Holding a seat (counts against the capacity).
OCCUPE_UNE_PLACE = (StatutInscription.INSCRIT, StatutInscription.PRESENT)
# Still attached to the session (one per person).
ACTIVE = (
    StatutInscription.INSCRIT,
    StatutInscription.EN_ATTENTE,
    StatutInscription.PRESENT,
    StatutInscription.ABSENT,
    StatutInscription.EXCUSE,
)


class Canal(models.TextChoices):
    PRO = "pro", "Espace pro"
    KIOSQUE = "kiosque", "Kiosque"
    PUBLIC = "public", "Site public"
    SMS = "sms", "SMS"
    ORIENTATION = "orientation", "Orientation acceptée par le lieu"
