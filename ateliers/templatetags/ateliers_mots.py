"""Seats and dates in plain words ("3 places libres", "mardi 3 décembre, de 14 h à 16 h")."""

from django import template
from django.utils import formats, timezone

from ateliers.enums import StatutInscription, StatutSession

register = template.Library()


def heure(moment):
    """14 h, 14 h 30 (no leading zero, no "00")."""
    local = timezone.localtime(moment)
    return f"{local.hour} h" + (f" {local.minute:02d}" if local.minute else "")


@register.filter
def heure_en_mots(moment):
    return heure(moment)


@register.filter
def quand_en_mots(session):
    """ "mardi 3 décembre, de 14 h à 16 h" (the year only when it is not this year)."""
    debut = timezone.localtime(session.debut)
    fin = timezone.localtime(session.fin)
    jour = formats.date_format(debut, "l j F")
    if debut.year != timezone.localdate().year:
        jour += f" {debut.year}"
    if fin.date() != debut.date():
        return f"{jour}, de {heure(debut)} au {formats.date_format(fin, 'l j F')} à {heure(fin)}"
    return f"{jour}, de {heure(debut)} à {heure(fin)}"


@register.filter
def jour_en_mots(day):
    return formats.date_format(day, "l j F")


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
