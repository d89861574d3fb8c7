"""The Wagtail admin has a Content-Security-Policy of its own, and its main screens work under
it: a coordinator goes through them in Chromium and the browser reports no violation.

(No axe check here: these screens are Wagtail's own, not the project's templates.)"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(settings.BASE_DIR) / "var" / "admin-csp.png"

# Every violation the page sees, before any script of the page runs.
ECOUTE = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def monde(db):
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, Site

    from cms.models import Habillage
    from cms.permissions import ensure_site_permissions
    from inclusion.enums import Role
    from inclusion.services.territoire import sync_groups
    from tests.cms.conftest import build_site
    from tests.inclusion.factories import LieuFactory, member

    accueil = build_site()
    # A transactional test before this one may have flushed what migrations made (the root
    # collection, the admin's access permission): make them again, and the group's rights.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    ensure_site_permissions()
    coordinateur = member(Role.COORDINATEUR)
    sync_groups(coordinateur)
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    image = Image.objects.create(title="Logo", file=get_test_image_file(size=(400, 200)))
    document = Document(title="Guide")
    document.file.save("guide.txt", ContentFile(b"Guide des ateliers"), save=True)
    Habillage.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"nom": "Ville de Montclair"}
    )
    lieu = LieuFactory(qualifie=True)
    return {"accueil": accueil, "coordinateur": coordinateur, "image": image, "lieu": lieu}


def _visite(page, url, violations):
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy, url
    page.wait_for_load_state("networkidle", timeout=30_000)
    violations += [f"{url}: {v}" for v in page.evaluate("window.__violations")]


def test_the_admin_screens_run_under_their_own_policy(page, log_in, monde):
    page.add_init_script(ECOUTE)
    log_in(monde["coordinateur"])
    accueil, image, lieu = monde["accueil"], monde["image"], monde["lieu"]
    violations = []
    for url in (
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{accueil.pk}/",
        "/admin/images/",
        f"/admin/images/{image.pk}/",
        "/admin/documents/",
        "/admin/lieux/",
        f"/admin/lieux/edit/{lieu.pk}/",
        "/admin/structures/",
        "/admin/settings/cms/habillage/",
        "/admin/cache-pages/",
        f"/admin/pages/{accueil.pk}/edit/",
    ):
        _visite(page, url, violations)

    # The editor's preview panel: the page rendered in a frame of the admin.
    page.locator("[data-side-panel-toggle='preview']").click()
    cadre = page.frame_locator("iframe[data-w-preview-target='iframe'], #preview-iframe").first
    cadre.locator("h1").first.wait_for()
    page.wait_for_load_state("networkidle", timeout=30_000)
    violations += [f"aperçu: {v}" for v in page.evaluate("window.__violations")]
    # The framed page keeps the site's strict policy, framed by the admin only.
    apercu = page.request.get(f"/admin/pages/{accueil.pk}/edit/preview/?in_preview_panel=true")
    assert "Accueil" in apercu.text()
    policy = apercu.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert not violations, "\n".join(violations)


def test_a_coordinator_empties_the_page_cache_from_the_settings_menu(page, log_in, monde):
    from inclusion import page_cache

    page.add_init_script(ECOUTE)
    log_in(monde["coordinateur"])
    avant = page_cache.generation()
    page.goto("/admin/")
    page.get_by_role("button", name="Paramètres").click()
    page.get_by_role("link", name="Cache des pages").click()
    page.get_by_role("button", name="Vider le cache des pages").click()
    page.get_by_text("Le cache est vidé").wait_for()
    page.screenshot(path=str(SCREENSHOT.with_name("admin-cache-pages.png")))
    page_cache.forget()
    assert page_cache.generation() != avant
    assert page.evaluate("window.__violations") == []
