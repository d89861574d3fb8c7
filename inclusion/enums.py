from django.db import models


class TypeStructure(models.TextChoices):
    CCAS = "ccas", "CCAS / CIAS"
    MAIRIE = "mairie", "Mairie"
    CENTRE_SOCIAL = "centre_social", "Centre social"
    ASSOCIATION = "association", "Association"
    FRANCE_SERVICES = "france_services", "France Services"
    MEDIATHEQUE = "mediatheque", "Médiathèque"
    EPN = "epn", "Espace public numérique"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    DEPARTEMENT = "departement", "Département"
    AUTRE = "autre", "Autre"


class Role(models.TextChoices):
    COORDINATEUR = "coordinateur", "Coordinateur"
    PRESCRIPTEUR = "prescripteur", "Prescripteur"
    MEDIATEUR = "mediateur", "Médiateur"
    VOLONTAIRE = "volontaire", "Volontaire"


class Genre(models.TextChoices):
    MASCULIN = "masculin", "Masculin"
    FEMININ = "feminin", "Féminin"
    NON_COMMUNIQUE = "non_communique", "Non communiqué"


# La Coop de la médiation numérique's keys, so that records go there and back unmapped.
class TrancheAge(models.TextChoices):
    MOINS_12 = "moins_de_douze", "Moins de 12 ans"
    DE_12_A_18 = "douze_dix_huit", "12 à 18 ans"
    DE_18_A_24 = "dix_huit_vingt_quatre", "18 à 24 ans"
    DE_25_A_39 = "vingt_cinq_trente_neuf", "25 à 39 ans"
    DE_40_A_59 = "quarante_cinquante_neuf", "40 à 59 ans"
    DE_60_A_69 = "soixante_soixante_neuf", "60 à 69 ans"
    PLUS_70 = "soixante_dix_plus", "70 ans et plus"
    NON_COMMUNIQUE = "non_communique", "Non communiqué"


class Statut(models.TextChoices):
    SCOLARISE = "scolarise", "Scolarisé"
    SANS_EMPLOI = "sans_emploi", "Sans emploi"
    EN_EMPLOI = "en_emploi", "En emploi"
    RETRAITE = "retraite", "Retraité"
    NON_COMMUNIQUE = "non_communique", "Non communiqué"


class TypeTelephone(models.TextChoices):
    AUCUN = "aucun", "Pas de téléphone"
    MOBILE = "mobile", "Mobile"
    FIXE = "fixe", "Fixe (pas de SMS)"


class ModeConsentement(models.TextChoices):
    ORAL = "oral", "À l'oral, en présence d'un professionnel"
    ECRIT = "ecrit", "Par écrit (formulaire signé)"
    EN_LIGNE = "en_ligne", "En ligne, par la personne"
    SMS = "sms", "Par SMS"


class Itinerance(models.TextChoices):
    FIXE = "Fixe", "Fixe"
    ITINERANT = "Itinérant", "Itinérant"


# Vocabularies of the national places standard (LaMednum v1.0.2). The values are the
# standard's own words: exports must match them exactly.
class ServiceMediation(models.TextChoices):
    DEMARCHES = "Aide aux démarches administratives", "Aide aux démarches administratives"
    QUOTIDIEN = (
        "Maîtrise des outils numériques du quotidien",
        "Maîtrise des outils numériques du quotidien",
    )
    INSERTION = (
        "Insertion professionnelle via le numérique",
        "Insertion professionnelle via le numérique",
    )
    SECURITE = "Utilisation sécurisée du numérique", "Utilisation sécurisée du numérique"
    PARENTALITE = (
        "Parentalité et éducation avec le numérique",
        "Parentalité et éducation avec le numérique",
    )
    LOISIRS = "Loisirs et créations numériques", "Loisirs et créations numériques"
    COMPREHENSION = "Compréhension du monde numérique", "Compréhension du monde numérique"
    ACCES = "Accès internet et matériel informatique", "Accès internet et matériel informatique"
    MATERIEL = (
        "Acquisition de matériel informatique à prix solidaire",
        "Acquisition de matériel informatique à prix solidaire",
    )


class PublicAdresse(models.TextChoices):
    JEUNES = "Jeunes", "Jeunes"
    ETUDIANTS = "Étudiants", "Étudiants"
    FAMILLES = "Familles et/ou enfants", "Familles et/ou enfants"
    SENIORS = "Seniors", "Seniors"
    FEMMES = "Femmes", "Femmes"


class PriseEnChargeSpecifique(models.TextChoices):
    SURDITE = "Surdité", "Surdité"
    MOTEUR = "Handicaps moteurs", "Handicaps moteurs"
    MENTAL = "Handicaps mentaux", "Handicaps mentaux"
    ILLETTRISME = "Illettrisme", "Illettrisme"
    ANGLAIS = "Langues étrangères (anglais)", "Langues étrangères (anglais)"
    AUTRES_LANGUES = "Langues étrangères (autres)", "Langues étrangères (autres)"
    VISUEL = "Déficience visuelle", "Déficience visuelle"


class FraisACharge(models.TextChoices):
    GRATUIT = "Gratuit", "Gratuit"
    SOUS_CONDITION = "Gratuit sous condition", "Gratuit sous condition"
    PAYANT = "Payant", "Payant"


class DispositifNational(models.TextChoices):
    AIDANTS_CONNECT = "Aidants Connect", "Aidants Connect"
    BNR = "Bibliothèques numérique de référence", "Bibliothèques numérique de référence"
    PIX = "Certification PIX", "Certification PIX"
    CNFS = "Conseillers numériques", "Conseillers numériques"
    EMMAUS = "Emmaüs Connect", "Emmaüs Connect"
    FRANCE_SERVICES = "France Services", "France Services"
    GEN = "Grande école du numérique", "Grande école du numérique"
    CROIX_ROUGE = "La Croix Rouge", "La Croix Rouge"
    CAF = "Point d'accès numérique CAF", "Point d'accès numérique CAF"
    PROMENEURS = "Promeneurs du net", "Promeneurs du net"
    RELAIS = "Relais numérique (Emmaüs Connect)", "Relais numérique (Emmaüs Connect)"


class FormationLabel(models.TextChoices):
    MES = "Formé à « Mon Espace Santé »", "Formé à « Mon Espace Santé »"
    DUPLEX = "Formé à « DUPLEX » (illettrisme)", "Formé à « DUPLEX » (illettrisme)"
    ARNIA = (
        "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
        "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    )
    REEMPLOI = (
        "Collectif ressources et acteurs réemploi (Normandie)",
        "Collectif ressources et acteurs réemploi (Normandie)",
    )
    LA_POSTE = "Étapes numériques(La Poste)", "Étapes numériques (La Poste)"
    FABRIQUES = "Fabriques de Territoire", "Fabriques de Territoire"
    ECLAIREURS = (
        "Les Éclaireurs du numérique (Drôme)",
        "Les Éclaireurs du numérique (Drôme)",
    )
    MES_PAPIERS = "Mes Papiers (Métropole de Lyon)", "Mes Papiers (Métropole de Lyon)"
    ORDI = "ORDI 3.0", "ORDI 3.0"
    SUD_LABS = "SUD LABS (PACA)", "SUD LABS (PACA)"


class ModaliteAcces(models.TextChoices):
    SE_PRESENTER = "Se présenter", "Se présenter"
    TELEPHONER = "Téléphoner", "Téléphoner"
    MAIL = "Contacter par mail", "Contacter par mail"
    RDV = "Prendre un RDV en ligne", "Prendre un RDV en ligne"
    PAS_DE_PUBLIC = "Ce lieu n'accueille pas de public", "Ce lieu n'accueille pas de public"
    PRESCRIPTION = (
        "Envoyer un mail avec une fiche de prescription",
        "Envoyer un mail avec une fiche de prescription",
    )


class ModaliteAccompagnement(models.TextChoices):
    AUTONOMIE = "En autonomie", "En autonomie"
    INDIVIDUEL = "Accompagnement individuel", "Accompagnement individuel"
    COLLECTIF = "Dans un atelier collectif", "Dans un atelier collectif"
    DISTANCE = "À distance", "À distance"


# data.inclusion structure typologies, the vocabulary the standard's `typologie` refers to.
class Typologie(models.TextChoices):
    ASSO = "ASSO", "Association"
    BIB = "BIB", "Bibliothèque, médiathèque"
    CAF = "CAF", "Caisse d'allocations familiales"
    CCAS = "CCAS", "Centre communal d'action sociale"
    CIAS = "CIAS", "Centre intercommunal d'action sociale"
    CD = "CD", "Conseil départemental"
    CS = "CS", "Centre social"
    EPCI = "EPCI", "Intercommunalité"
    EVS = "EVS", "Espace de vie sociale"
    FT = "FT", "France Travail"
    MDS = "MDS", "Maison départementale des solidarités"
    MJC = "MJC", "Maison des jeunes et de la culture"
    ML = "ML", "Mission locale"
    MQ = "MQ", "Maison de quartier"
    MUNI = "MUNI", "Municipalité"
    PIMMS = "PIMMS", "Point information médiation multi services"
    RFS = "RFS", "Réseau France Services"
    TIERS_LIEUX = "TIERS_LIEUX", "Tiers-lieu"
    AUTRE = "Autre", "Autre"


class MotifConservation(models.TextChoices):
    """Why a prescripteur keeps an inactive file beyond its delay (issue 18): a choice, never
    free text (it is journalised)."""

    ACCOMPAGNEMENT = "accompagnement", "Accompagnement en cours"
    DEMARCHE = "demarche", "Démarche administrative en cours"
    DEMANDE = "demande", "À la demande de la personne"
    OBLIGATION = "obligation", "Obligation légale ou litige en cours"


class MotifRetraitQualification(models.TextChoices):
    """Why a place loses its pass numérique qualification: a choice (it is journalised)."""

    FERMETURE = "fermeture", "Le lieu ferme ou a fermé"
    ACTIVITE = "activite", "Le lieu ne propose plus d'accompagnement"
    DEMANDE = "demande", "À la demande de la structure"
    CONTROLE = "controle", "Après un contrôle"
    AUTRE = "autre", "Autre raison"
