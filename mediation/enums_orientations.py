"""Vocabulary of orientations (a prescripteur sends a person to a place or a workshop)."""

from django.db import models


class TypeOrientation(models.TextChoices):
    LIEU = "lieu", "Accompagnement individuel dans un lieu"
    THEME = "theme", "Atelier sur un thème (la prochaine session qui convient)"
    SESSION = "session", "Session d'atelier choisie"


class StatutOrientation(models.TextChoices):
    OUVERTE = "ouverte", "Envoyée, pas encore lue"
    PRISE_EN_COMPTE = "prise_en_compte", "Prise en compte"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    TERMINEE = "terminee", "Terminée"
    EXPIREE = "expiree", "Expirée"
    ANNULEE = "annulee", "Annulée"


# Waiting for the receiving place's decision.
EN_ATTENTE = (StatutOrientation.OUVERTE, StatutOrientation.PRISE_EN_COMPTE)
# Decided: may be corrected within the correction window.
DECIDEES = (StatutOrientation.ACCEPTEE, StatutOrientation.REFUSEE)
# Nothing happens to these any more.
CLOSES = (StatutOrientation.TERMINEE, StatutOrientation.EXPIREE, StatutOrientation.ANNULEE)


class MotifRefus(models.TextChoices):
    """DORA's refusal reasons (reference, part 2)."""

    NON_JOIGNABLE = "non_joignable", "Personne non joignable"
    ABSENT = "absent", "Absente à l'entretien"
    EN_EMPLOI = "en_emploi", "En emploi"
    EN_FORMATION = "en_formation", "En formation"
    NON_ELIGIBLE = "non_eligible", "Non éligible (pré-requis)"
    NON_MOBILE = "non_mobile", "Ne peut pas se déplacer"
    NON_INTERESSE = "non_interesse", "Pas intéressée"
    FREINS = "freins_peripheriques", "Freins périphériques"
    SESSION_COMPLETE = "session_complete", "Session complète"
    DOUBLON = "doublon", "Demande en double"
    AUTRE = "autre", "Autre raison"


class ContactPrefere(models.TextChoices):
    """How the receiving place should reach the person (the link never shows a number)."""

    SMS = "sms", "Par SMS (envoyé par le service)"
    PRESCRIPTEUR = "prescripteur", "Par l'intermédiaire du prescripteur"
    PERSONNE = "personne", "La personne viendra ou appellera le lieu elle-même"


class Via(models.TextChoices):
    """Where an action on the receiving side was made."""

    PRO = "pro", "Espace pro"
    LIEN = "lien", "Lien reçu par e-mail"
    SYSTEME = "systeme", "Automatique"
