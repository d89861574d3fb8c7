from django.db import models


class Niveau(models.TextChoices):
    DEBUTANT = "debutant", "Débutant"
    INTERMEDIAIRE = "intermediaire", "Intermédiaire"
    AVANCE = "avance", "Avancé"


class ThematiqueCoop(models.TextChoices):
    """La Coop de la médiation numérique: thématiques of digital mediation."""

    DIAGNOSTIC = "diagnostic", "Diagnostic numérique"
    MATERIEL = "materiel", "Prendre en main du matériel"
    MAINTENANCE = "maintenance", "Maintenance de matériel"
    CONTENUS = "contenus", "Gérer ses contenus numériques"
    NAVIGATION = "navigation", "Navigation sur internet"
    EMAIL = "email", "E-mail"
    BUREAUTIQUE = "bureautique", "Bureautique"
    RESEAUX = "reseaux_sociaux", "Réseaux sociaux et communication"
    SANTE = "sante", "Santé"
    BANQUE = "banque", "Banque et achats en ligne"
    ENTREPRENEURIAT = "entrepreneuriat", "Accompagner un professionnel (entrepreneuriat)"
    INSERTION = "insertion", "Insertion professionnelle"
    SECURITE = "securite", "Prévention en sécurité numérique"
    PARENTALITE = "parentalite", "Parentalité"
    SCOLARITE = "scolarite", "Scolarité et numérique"
    CREER = "creer", "Créer avec le numérique"
    CULTURE = "culture", "Culture numérique"
    IA = "ia", "Intelligence artificielle"
    DEMARCHES = "demarches", "Aide aux démarches administratives"


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
