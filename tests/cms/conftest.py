import pytest
from wagtail.models import Site

from cms.models import AccueilPage, AteliersIndexPage, LieuxIndexPage, MonPassPage, PageFALC


def wagtail_root():
    """Wagtail's root page; recreated when a transactional test flushed the migrations' rows."""
    from cms.demo import racine_wagtail

    return racine_wagtail()


def build_site():
    """The public site's tree as the demo builds it, minimal: home and the journeys' pages."""
    root = wagtail_root()
    accueil = AccueilPage(title="Accueil", slug="accueil-test")
    root.add_child(instance=accueil)
    pages = {}
    for model, title, slug in (
        (AteliersIndexPage, "Trouver un atelier", "ateliers-pres-de-chez-moi"),
        (LieuxIndexPage, "Trouver de l'aide près de chez moi", "lieux"),
        (MonPassPage, "Mon pass numérique", "mon-pass"),
        (PageFALC, "Comment ça marche ?", "comment-ca-marche"),
        (PageFALC, "Accessibilité", "accessibilite"),
    ):
        pages[slug] = accueil.add_child(instance=model(title=title, slug=slug))
    AccueilPage.objects.filter(pk=accueil.pk).update(
        page_comment_ca_marche=pages["comment-ca-marche"]
    )
    accueil.page_comment_ca_marche = pages["comment-ca-marche"]
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(hostname="localhost", root_page=accueil, is_default_site=True)
    else:
        site.root_page = accueil
        site.save()
    return accueil


@pytest.fixture
def site_public(db):
    return build_site()
