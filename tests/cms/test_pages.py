import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from cms.models import AccueilPage, AteliersIndexPage, LieuxIndexPage, MonPassPage, PageFALC

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_home_needs_no_login_and_is_the_wagtail_home(client, site_public):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["page"].pk == site_public.pk
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<html lang="fr"' in html


def test_home_shows_the_big_buttons_with_pictograms(client, site_public):
    html = client.get("/").content.decode()
    for libelle, url in (
        ("Trouver un atelier", "/ateliers-pres-de-chez-moi/"),
        ("Trouver de l&#x27;aide près de chez moi", "/lieux/"),
        ("Mon pass numérique", "/mon-pass/"),
        ("Comment ça marche ?", "/comment-ca-marche/"),
    ):
        assert f'href="{url}"' in html
        assert f"<span>{libelle}</span>" in html
    assert 'class="gros-bouton gros-bouton--appel" href="tel:0500000000"' in html
    assert "Appeler quelqu&#x27;un" in html or "Appeler quelqu'un" in html
    assert html.count('class="gros-bouton__picto"') == 5
    assert html.count('aria-hidden="true"') >= 5


def test_home_hides_unpublished_journeys(client, site_public):
    Page.objects.type(MonPassPage).update(live=False)
    html = client.get("/").content.decode()
    assert 'href="/mon-pass/"' not in html
    assert 'href="/ateliers-pres-de-chez-moi/"' in html


def test_home_renders_in_a_constant_number_of_queries(client, site_public):
    client.get("/")  # warm the caches (site root paths, habillage)
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    for i in range(5):
        site_public.add_child(instance=PageFALC(title=f"Page {i}", slug=f"page-{i}"))
    client.get("/")
    with CaptureQueriesContext(connection) as more:
        assert client.get("/").status_code == 200
    assert len(more) == len(first)
    assert len(first) <= 8


@pytest.mark.parametrize(
    ("parent", "child", "allowed"),
    [
        (Page, AccueilPage, True),
        (AccueilPage, PageFALC, True),
        (AccueilPage, AteliersIndexPage, True),
        (AccueilPage, LieuxIndexPage, True),
        (AccueilPage, MonPassPage, True),
        (PageFALC, PageFALC, True),
        (PageFALC, AteliersIndexPage, False),
        (AteliersIndexPage, PageFALC, False),
        (MonPassPage, PageFALC, False),
        (Page, PageFALC, False),
        (AccueilPage, AccueilPage, False),
    ],
)
def test_page_types_keep_the_tree_in_shape(parent, child, allowed):
    assert (child in parent.allowed_subpage_models()) is allowed
    assert (parent in child.allowed_parent_page_models()) is allowed


def test_single_home_and_single_journey_pages(site_public):
    assert AccueilPage.can_create_at(Page.get_first_root_node()) is False
    assert AteliersIndexPage.can_create_at(site_public) is False
    assert PageFALC.can_create_at(site_public) is True


def test_falc_page_renders_its_title_as_the_only_h1(client, site_public):
    response = client.get("/accessibilite/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<h1>Accessibilité</h1>" in html


def test_relu_par_shows_the_easy_to_read_badge_only_when_set(
    client, site_public, django_capture_on_commit_callbacks
):
    page = PageFALC.objects.get(slug="accessibilite")
    html = client.get(page.url).content.decode()
    assert "Facile à lire et à comprendre" not in html
    page.relu_par = "Nadia et Marcel"
    with django_capture_on_commit_callbacks(execute=True):  # the cache is cleared on commit
        page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Facile à lire et à comprendre" in html
    assert "Ce texte a été relu par Nadia et Marcel." in html


def test_every_public_page_has_tools_phone_and_footer(client, site_public):
    html = client.get("/comment-ca-marche/").content.decode()
    assert 'id="ecouter"' in html and "hidden" in html.split('id="ecouter"')[1].split(">")[0]
    assert 'src="/static/cms/ecouter.js" defer' in html
    assert "Texte plus grand" in html
    assert 'href="tel:0500000000"' in html
    assert "<script>" not in html and "style=" not in html


def test_bigger_text_link_sets_the_cookie_and_goes_back(client, site_public):
    response = client.get("/texte/", {"taille": "grand", "suite": "/comment-ca-marche/"})
    assert response.status_code == 302
    assert response["Location"] == "/comment-ca-marche/"
    cookie = response.cookies["taille_texte"]
    assert cookie.value == "grand"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax" and cookie["path"] == "/"
    html = client.get("/comment-ca-marche/").content.decode()
    assert '<html lang="fr" class="texte-grand">' in html
    assert "Texte normal" in html and "taille=normal" in html
    response = client.get("/texte/", {"taille": "normal", "suite": "/"})
    assert response.cookies["taille_texte"].value == ""
    assert 'class="texte-grand"' not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "suite", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_bigger_text_refuses_open_redirects(client, suite):
    response = client.get("/texte/", {"taille": "grand", "suite": suite})
    assert response["Location"] == "/"


def test_bigger_text_link_keeps_the_current_page(client, site_public):
    html = client.get("/comment-ca-marche/").content.decode()
    assert 'href="/texte/?taille=grand&amp;suite=%2Fcomment-ca-marche%2F"' in html


@pytest.fixture
def editeur(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(
        email="editeur@example.org", password="mot-de-passe-test-123"
    )


def _page_a_revoir(site_public):
    page = PageFALC.objects.get(slug="comment-ca-marche")
    page.corps = [
        {
            "type": "idee",
            "value": {
                "pictogramme": "clock",
                "texte": "<p>La CAF verse deux aides aux personnes qui viennent "
                "à la médiathèque chaque semaine le mardi matin.</p>",
            },
        }
    ]
    page.save_revision()
    return page


def test_editor_sees_the_falc_check_panel(client, site_public, editeur):
    page = _page_a_revoir(site_public)
    client.force_login(editeur)
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vérification FALC" in html
    assert "phrase(s) de plus de 12 mots" in html
    assert "CAF" in html and "Score de lisibilité" in html
    assert "Relu par" in html


def test_a_warning_after_saving_never_blocks(rf, site_public, editeur):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from wagtail import hooks

    page = _page_a_revoir(site_public)
    page = page.get_latest_revision_as_object()
    request = rf.post("/admin/")
    request.user = editeur
    request.session = {}
    request._messages = FallbackStorage(request)
    for hook in hooks.get_hooks("after_edit_page"):
        assert hook(request, page) is None  # no response: the save goes on
    textes = [str(m) for m in get_messages(request)]
    assert any("Vérification FALC de « Comment ça marche ? »" in t for t in textes)


def test_the_preview_checks_the_text_being_written(client, site_public, editeur):
    """ "Vérification FALC" in the preview: the unsaved text of the edit form is analysed,
    nothing is saved."""
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    page = PageFALC.objects.get(slug="comment-ca-marche")
    revisions = page.revisions.count()
    client.force_login(editeur)
    phrase = (
        "La CAF verse deux aides aux personnes qui viennent à la médiathèque "
        "chaque semaine le mardi matin."
    )
    donnees = nested_form_data(
        {
            "title": "Comment ça marche ?",
            "slug": page.slug,
            "relu_par": "",
            "corps": streamfield(
                [("idee", {"pictogramme": "clock", "texte": rich_text(f"<p>{phrase}</p>")})]
            ),
        }
    )
    url = f"/admin/pages/{page.pk}/edit/preview/"
    answer = client.post(url, donnees)
    assert answer.status_code == 200 and answer.json()["is_valid"] is True
    modes = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Vérification FALC" in modes
    response = client.get(url, {"mode": "falc"})
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "Vérification FALC du texte en cours" in html
    assert "phrase(s) de plus de 12 mots" in html and "CAF" in html
    assert "Score de lisibilité" in html
    # The page mode still shows the page; nothing was saved.
    assert "médiathèque" in client.get(url, {"mode": ""}).content.decode()
    assert page.revisions.count() == revisions
    page.refresh_from_db()
    assert "CAF" not in str(page.corps.raw_data)


def test_coordinators_edit_and_publish_the_site(client, site_public):
    """The Coordinateurs group (given by the coordinator role) edits pages, images and the
    site's look; other roles do not reach the page editor."""
    from inclusion.enums import Role
    from inclusion.services.territoire import sync_groups
    from tests.inclusion.factories import member

    page = PageFALC.objects.get(slug="comment-ca-marche")
    coordinateur = member(Role.COORDINATEUR)
    sync_groups(coordinateur)
    client.force_login(coordinateur)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    nouvelle = f"/admin/pages/add/cms/pagefalc/{site_public.pk}/"
    assert client.get(nouvelle).status_code == 200
    assert client.get("/admin/images/").status_code == 200
    assert client.get("/admin/documents/").status_code == 200
    assert page.permissions_for_user(coordinateur).can_publish()
    habillage = client.get("/admin/settings/cms/habillage/", follow=True)
    assert habillage.status_code == 200 and "Habillage" in habillage.content.decode()
    client.force_login(member(Role.PRESCRIPTEUR))
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code in (302, 403)


def test_site_permissions_are_given_once(db):
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission

    from cms.permissions import ensure_site_permissions
    from inclusion.signals import COORDINATEURS_GROUP

    ensure_site_permissions()
    ensure_site_permissions()
    group = Group.objects.get(name=COORDINATEURS_GROUP)
    assert GroupPagePermission.objects.filter(group=group).count() == 5
    assert group.permissions.filter(codename="change_habillage").exists()


def test_previews_can_be_framed_by_the_editor_and_pages_cannot(client, site_public):
    """Wagtail's preview panel is a frame of the editor: every page type's preview (built
    through the middlewares as a request for the page's own URL) allows the same origin; the
    public pages themselves allow no frame at all."""
    pages = [site_public, *site_public.get_children().specific()]
    assert len({type(page) for page in pages}) == 5
    for page in pages:
        response = page.make_preview_request(preview_mode=page.default_preview_mode)
        assert response.status_code == 200, page
        assert "frame-ancestors 'self'" in response["Content-Security-Policy"], page
    public = client.get("/")
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
    assert public["X-Frame-Options"] == "DENY"
