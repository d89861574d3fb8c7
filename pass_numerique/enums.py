from django.db import models


class StatutProgramme(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    ACTIF = "actif", "Actif"
    CLOS = "clos", "Clos"


class StatutCarnet(models.TextChoices):
    EMIS = "emis", "Émis"
    REMIS = "remis", "Remis à la personne"
    ENTAME = "entame", "Entamé"
    EPUISE = "epuise", "Épuisé"
    EXPIRE = "expire", "Expiré"
    BLOQUE = "bloque", "Bloqué"
    ANNULE = "annule", "Annulé"


# A carnet in one of these states still has chèques a lieu may redeem.
CARNET_UTILISABLE = (StatutCarnet.EMIS, StatutCarnet.REMIS, StatutCarnet.ENTAME)


class StatutCheque(models.TextChoices):
    VALIDE = "valide", "Valide"
    ENCAISSE = "encaisse", "Encaissé"
    REMBOURSE = "rembourse", "Remboursé"
    ANNULE = "annule", "Annulé"
    EXPIRE = "expire", "Expiré"


class Prestation(models.TextChoices):
    ATELIER = "atelier", "Atelier collectif"
    ACCOMPAGNEMENT = "accompagnement", "Accompagnement individuel"
    MATERIEL = "materiel", "Accès au matériel"
    AUTRE = "autre", "Autre"


class StatutReleve(models.TextChoices):
    A_PAYER = "a_payer", "À payer"
    PAYE = "paye", "Payé"


class MotifFermeture(models.TextChoices):
    """Why a carnet is blocked or cancelled: a choice, never free text (it is journalised)."""

    PERDU = "perdu", "Carnet perdu"
    VOLE = "vole", "Carnet volé"
    ABIME = "abime", "Carnet abîmé ou illisible"
    ERREUR = "erreur", "Délivré par erreur"
    DEMANDE = "demande", "À la demande de la personne"
    AUTRE = "autre", "Autre raison"
