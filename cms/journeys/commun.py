"""Small helpers shared by the public journeys: response headers, "Où ?" choices, opening
hours in words, session cards, the pages' URLs. A journey calls these and the page cache
(inclusion/page_cache.py), never another journey, and never imports the page models (they
import the journeys): pages are found through Django's app registry (`live_page`)."""

import datetime

from django.apps import apps
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.cache import patch_cache_control

from ateliers.pictogrammes import svg
from inclusion import page_cache
from inclusion.horaires import horaires_en_clair, ouvert_maintenant, prochaine_ouverture
from inclusion.models import Commune, Lieu, Quartier
from inclusion.mots_du_temps import ouverture_en_mots


def privee(response, store=True):
    """Pages that change with seats, hours or a person's data are never kept as a whole (the
    page cache and every proxy skip private / no-cache responses)."""
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


def filter_by_ou(queryset, type_ou, pk, prefixe=""):
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


# --- Session cards and pages' URLs, shared by the journeys ------------------------------------

# What a session card shows that the services change with UPDATE statements (no signal, no
# new generation): seats, waiting list, status. Kept HTML showing cards is keyed by these,
# read live at each request, so seats are never stale.
ETAT = ("pk", "statut", "capacite", "nb_inscrits", "nb_attente")


def add_pictograms(sessions):
    """Attach to each session its theme's pictogram and its local day (no query)."""
    for s in sessions:
        s.picto = svg(s.theme.pictogramme, size=40)
        s.jour = timezone.localdate(s.debut)
    return sessions


def live_page(model_name):
    """The first live page of a journey's page type (e.g. "AteliersIndexPage"), or None."""
    return apps.get_model("cms", model_name).objects.live().first()


def live_page_url(request, model_name):
    """That page's URL for this host, or "" (kept for the generation)."""

    def compute():
        page = live_page(model_name)
        return page.get_url(request) if page else ""

    return page_cache.kept(compute, "live_page_url", model_name, request.get_host())


def page_url(page, request):
    """A page's URL for this host, kept for the generation (a move or a new slug publishes)."""
    return page_cache.kept(lambda: page.get_url(request), "page_url", page.pk, request.get_host())
