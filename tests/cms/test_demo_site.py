import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from cms.falc import analyse_page
from cms.models import (
    AccueilPage,
    AteliersIndexPage,
    Habillage,
    LieuxIndexPage,
    MonPassPage,
    PageFALC,
)
from inclusion import registry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _snapshot():
    return (
        sorted(Page.objects.values_list("url_path", "content_type__model", "live")),
        Revision.objects.count(),
        Site.objects.count(),
        list(Habillage.objects.values_list("site_id", "nom")),
    )


def test_demo_builds_the_site_tree_and_is_idempotent(client, settings):
    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    accueil = AccueilPage.objects.get()
    assert site.root_page_id == accueil.pk
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()  # "Welcome"
    assert AteliersIndexPage.objects.child_of(accueil).get().slug == "ateliers-pres-de-chez-moi"
    assert LieuxIndexPage.objects.get().slug == "lieux"
    assert MonPassPage.objects.get().slug == "mon-pass"
    slugs = set(PageFALC.objects.live().values_list("slug", flat=True))
    assert {"comment-ca-marche", "accessibilite", "pass-numerique"} <= slugs
    assert len(slugs) >= 4
    assert PageFALC.objects.exclude(relu_par="").count() >= 1
    assert accueil.page_comment_ca_marche.slug == "comment-ca-marche"
    for page in Page.objects.filter(depth__gt=1).specific():
        assert page.live and page.live_revision_id, page.slug

    habillage = registry.habillage()
    assert habillage.nom == "Communauté urbaine Lys-Estuaire"
    assert ("Accessibilité : partiellement conforme", "/accessibilite/") in (
        habillage.liens_pied_de_page
    )
    reglages = Habillage.objects.get()
    reglages.full_clean()  # the demo colours pass the contrast checks

    html = client.get("/").content.decode()
    assert "Communauté urbaine Lys-Estuaire" in html and "Comment ça marche ?" in html
    accessibilite = client.get("/accessibilite/").content.decode()
    assert "partiellement conforme" in accessibilite and "Défenseur des droits" in accessibilite
    for page in PageFALC.objects.all():
        assert client.get(page.url).status_code == 200
        assert analyse_page(page).score >= 70, page.slug  # real FALC content

    before = _snapshot()
    call_command("demo", "--wet-run", verbosity=0)
    assert _snapshot() == before
