"""Small helpers shared by the public journeys: response headers, "Où ?" choices, opening
hours in words."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.cache import patch_cache_control

from inclusion.horaires import horaires_en_clair, ouvert_maintenant, prochaine_ouverture
from inclusion.models import Commune, Lieu, Quartier
from inclusion.mots_du_temps import ouverture_en_mots


def privee(response, store=True):
    """Pages that change with seats, hours or a person's data are never cached as a whole
    (wagtail-cache and every proxy skip private / no-cache responses)."""
    if store:
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
    else:
        patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    return response


def communes_et_quartiers(lieux):
    """Communes and quartiers that have one of `lieux` (a queryset): two queries."""
    communes = Commune.objects.filter(Exists(lieux.filter(commune_id=OuterRef("pk")))).order_by(
        "nom"
    )
    quartiers = (
        Quartier.objects.filter(Exists(lieux.filter(quartier_id=OuterRef("pk"))))
        .select_related("commune")
        .order_by("commune__nom", "nom")
    )
    return list(communes), list(quartiers)


def filtrer_ou(queryset, type_ou, pk, prefixe=""):
    if type_ou == "commune":
        return queryset.filter(**{f"{prefixe}commune_id": pk})
    if type_ou == "quartier":
        return queryset.filter(**{f"{prefixe}quartier_id": pk})
    return queryset


def etat_lieu(lieu, now=None):
    """Attach to a lieu what the pages show about its hours (no query)."""
    now = now or timezone.now()
    lieu.ouvert = ouvert_maintenant(lieu.horaires, now=now)
    lieu.horaires_lignes = horaires_en_clair(lieu.horaires)
    prochaine = None if lieu.ouvert else prochaine_ouverture(lieu.horaires, now=now)
    lieu.prochaine = ouverture_en_mots(prochaine, now=now) if prochaine else ""
    return lieu


def lieux_publics():
    return Lieu.objects.filter(actif=True)


def aujourdhui():
    return timezone.localdate()


def demain():
    return aujourdhui() + datetime.timedelta(days=1)
