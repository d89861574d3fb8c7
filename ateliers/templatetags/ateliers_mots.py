"""Seats and sessions in plain words ("3 places libres", "mardi 3 décembre, de 14 h à 16 h");
times and dates: inclusion.mots_du_temps (filters: {% load mots_du_temps %})."""

from django import template

from ateliers.enums import StatutInscription, StatutSession
from inclusion.mots_du_temps import plage_en_mots

register = template.Library()


@register.filter
def quand_en_mots(session):
    """ "mardi 3 décembre, de 14 h à 16 h" (the year only when it is not this year)."""
    return plage_en_mots(session.debut, session.fin)


def nb_en_attente(session):
    """The annotation `nb_attente` of the list views, or one query on a single session."""
    value = getattr(session, "nb_attente", None)
    if value is None:
        value = session.inscriptions.filter(statut=StatutInscription.EN_ATTENTE).count()
    return value


def personnes(n):
    return f"{n} personne{'s' if n > 1 else ''}"


@register.filter
def places_en_mots(session):
    """Never "0/3": "3 places libres", "Complet — liste d'attente : 2 personnes", "Complet"."""
    if session.statut == StatutSession.ANNULEE:
        return "Session annulée"
    libres = session.capacite - session.nb_inscrits
    if libres > 0:
        return f"{libres} place{'s' if libres > 1 else ''} libre{'s' if libres > 1 else ''}"
    attente = nb_en_attente(session)
    texte = "Complet"
    if libres < 0:
        texte += f" (avec {-libres} place{'s' if -libres > 1 else ''} en plus)"
    if attente:
        texte += f" — liste d'attente : {personnes(attente)}"
    return texte


@register.filter
def est_complet(session):
    return session.nb_inscrits >= session.capacite


@register.filter
def nom_court(beneficiaire):
    """First name and the initial of the name: "Fatima B."."""
    if beneficiaire.nom:
        return f"{beneficiaire.prenom} {beneficiaire.nom[0].upper()}."
    return beneficiaire.prenom
