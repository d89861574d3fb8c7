"""Caches follow commits: generations and the pages' cache move only once a change is
committed (a request during the transaction would otherwise store the old page under the new
generation), and not at all when it rolls back."""

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from wagtail.models import Site

from cms.models.habillage import Habillage
from inclusion import page_cache
from tests.ateliers.factories import SessionFactory
from tests.cms.conftest import build_site

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen")]


class Annulation(Exception):
    pass


def _generation():
    page_cache.forget()  # read the shared value, not this process's memo
    return page_cache.generation()


def test_the_workshops_generation_moves_on_commit_only():
    session = SessionFactory()
    avant = _generation()
    with transaction.atomic():
        session.capacite = 3
        session.save()
        assert _generation() == avant  # not committed: another request sees the old
    apres = _generation()
    assert apres != avant
    with pytest.raises(Annulation), transaction.atomic():
        session.save()
        raise Annulation
    assert _generation() == apres  # rolled back: nothing to forget


def test_the_sites_look_and_the_pages_cache_move_on_commit_only():
    build_site()
    site = Site.objects.get(is_default_site=True)
    pages = caches["pages"]
    avant = _generation()
    pages.set("page-gardee", "ancienne")
    with transaction.atomic():
        Habillage.objects.update_or_create(site=site, defaults={"nom": "Ma ville"})
        assert cache.get(page_cache.GENERATION) == avant
        assert pages.get("page-gardee") == "ancienne"
    assert _generation() != avant
    assert pages.get("page-gardee") is None

    apres = _generation()
    pages.set("page-gardee", "ancienne")
    with pytest.raises(Annulation), transaction.atomic():
        site.save()
        raise Annulation
    assert _generation() == apres
    assert pages.get("page-gardee") == "ancienne"


def test_a_publication_clears_the_pages_on_commit_only():
    accueil = build_site()
    pages = caches["pages"]
    pages.set("page-gardee", "ancienne")
    avant = _generation()
    with transaction.atomic():
        accueil.title = "Bienvenue"
        accueil.save_revision().publish()
        assert pages.get("page-gardee") == "ancienne"
        assert _generation() == avant
    assert pages.get("page-gardee") is None
    assert _generation() != avant
