"""Our vocabularies in data·inclusion's thématiques (schema v1).

The workshops' themes carry La Coop's thématiques, the places the national standard's
services; data·inclusion has its own list of 69 "catégorie--besoin" values. Every digital
theme maps to one of its four `numerique--…` values, and the administrative ones add the need
they serve (démarches, droits, logement…), so a professional searching by need finds them.
"""

from ateliers.enums import Thematique as Coop
from inclusion.enums import ServiceMediation

FONDAMENTAUX = "numerique--maitriser-les-fondamentaux-du-numerique"
EN_LIGNE = "numerique--acceder-a-des-services-en-ligne"
CONNEXION = "numerique--acceder-a-une-connexion-internet"
EQUIPEMENT = "numerique--acquerir-un-equipement"
DEMARCHES = (
    "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"
)
DROITS = "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
PARENTALITE = "famille--soutien-a-la-parentalite-et-a-leducation"
RECHERCHE_EMPLOI = "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi"

DEPUIS_COOP = {
    Coop.DIAGNOSTIC_NUMERIQUE: (FONDAMENTAUX,),
    Coop.PRENDRE_EN_MAIN_DU_MATERIEL: (FONDAMENTAUX,),
    Coop.MAINTENANCE_DE_MATERIEL: (FONDAMENTAUX,),
    Coop.GERE_SES_CONTENUS_NUMERIQUES: (FONDAMENTAUX,),
    Coop.NAVIGATION_SUR_INTERNET: (FONDAMENTAUX,),
    Coop.EMAIL: (FONDAMENTAUX,),
    Coop.BUREAUTIQUE: (FONDAMENTAUX,),
    Coop.RESEAUX_SOCIAUX: (FONDAMENTAUX,),
    Coop.SANTE: (EN_LIGNE, "sante--acces-aux-soins"),
    Coop.BANQUE_ET_ACHATS_EN_LIGNE: (EN_LIGNE,),
    Coop.ENTREPRENEURIAT: (FONDAMENTAUX, "creer-une-entreprise--developper-son-entreprise"),
    Coop.INSERTION_PROFESSIONNELLE: (FONDAMENTAUX, RECHERCHE_EMPLOI),
    Coop.SECURITE_NUMERIQUE: (FONDAMENTAUX,),
    Coop.PARENTALITE: (FONDAMENTAUX, PARENTALITE),
    Coop.SCOLARITE_ET_NUMERIQUE: (FONDAMENTAUX, PARENTALITE),
    Coop.CREER_AVEC_LE_NUMERIQUE: (FONDAMENTAUX,),
    Coop.CULTURE_NUMERIQUE: (FONDAMENTAUX,),
    Coop.INTELLIGENCE_ARTIFICIELLE: (FONDAMENTAUX,),
    Coop.AIDE_AUX_DEMARCHES_ADMINISTRATIVES: (EN_LIGNE, DEMARCHES),
    Coop.PAPIERS_ELECTIONS_CITOYENNETE: (
        EN_LIGNE,
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete",
    ),
    Coop.FAMILLE_SCOLARITE: (EN_LIGNE, PARENTALITE),
    Coop.SOCIAL_SANTE: (EN_LIGNE, DROITS, "sante--acces-aux-soins"),
    Coop.TRAVAIL_FORMATION: (EN_LIGNE, RECHERCHE_EMPLOI, "se-former--trouver-sa-formation"),
    Coop.LOGEMENT: (
        EN_LIGNE,
        "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
    ),
    Coop.TRANSPORTS_MOBILITE: (EN_LIGNE, "mobilite--etre-accompagne-dans-son-parcours-mobilite"),
    Coop.ARGENT_IMPOTS: (EN_LIGNE, DEMARCHES),
    Coop.JUSTICE: (
        EN_LIGNE,
        "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",
    ),
    Coop.ETRANGERS_EUROPE: (EN_LIGNE, DROITS),
    Coop.LOISIRS_SPORTS_CULTURE: (EN_LIGNE,),
    Coop.ASSOCIATIONS: (EN_LIGNE,),
}

DEPUIS_SERVICES = {
    ServiceMediation.DEMARCHES: (EN_LIGNE, DEMARCHES),
    ServiceMediation.QUOTIDIEN: (FONDAMENTAUX,),
    ServiceMediation.INSERTION: (FONDAMENTAUX, RECHERCHE_EMPLOI),
    ServiceMediation.SECURITE: (FONDAMENTAUX,),
    ServiceMediation.PARENTALITE: (FONDAMENTAUX, PARENTALITE),
    ServiceMediation.LOISIRS: (FONDAMENTAUX,),
    ServiceMediation.COMPREHENSION: (FONDAMENTAUX,),
    ServiceMediation.ACCES: (CONNEXION,),
    ServiceMediation.MATERIEL: (EQUIPEMENT,),
}


def _union(keys, table):
    found = []
    for key in keys or ():
        for value in table.get(key, ()):
            if value not in found:
                found.append(value)
    return sorted(found) or [FONDAMENTAUX]


def depuis_coop(thematiques, service=None):
    """data·inclusion thématiques of a workshop theme (its La Coop thématiques, and its
    standard service); never empty: every workshop is at least digital basics."""
    extra = DEPUIS_SERVICES.get(service, ()) if service else ()
    return sorted(set(_union(thematiques, DEPUIS_COOP)) | set(extra))


def depuis_services(services):
    """data·inclusion thématiques of a place's individual help (its standard services)."""
    return _union(services, DEPUIS_SERVICES)
