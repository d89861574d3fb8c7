"""Filters of "Mes orientations": by state (waiting, answered, ended) and by person.

Invalid values are ignored (no error page): a filter URL can be old, hand-edited or shared."""

import uuid

from django.db.models import Count, Q

from mediation.enums_orientations import CLOSES, DECIDEES, EN_ATTENTE

ETATS = {
    "en_attente": ("En attente d'une réponse", EN_ATTENTE),
    "repondues": ("Acceptées ou refusées", DECIDEES),
    "closes": ("Terminées, expirées ou annulées", CLOSES),
}


def parametres_valides(params):
    """{"etat": key of ETATS, "personne": uuid string}, the invalid values dropped."""
    propres = {}
    etat = (params.get("etat") or "").strip()
    if etat in ETATS:
        propres["etat"] = etat
    personne = (params.get("personne") or "").strip()
    try:
        propres["personne"] = str(uuid.UUID(personne)) if personne else None
    except ValueError:
        propres["personne"] = None
    return {k: v for k, v in propres.items() if v}


def filter_orientations(qs, params):
    if "etat" in params:
        qs = qs.filter(statut__in=ETATS[params["etat"]][1])
    if "personne" in params:
        qs = qs.filter(beneficiaire__uuid=params["personne"])
    return qs


def counts_by_etat(qs):
    """{etat: count} in one query (before the state filter), and "toutes"."""
    totaux = qs.aggregate(
        toutes=Count("pk"),
        **{cle: Count("pk", filter=Q(statut__in=statuts)) for cle, (_, statuts) in ETATS.items()},
    )
    return totaux
