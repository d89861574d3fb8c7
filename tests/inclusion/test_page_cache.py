"""The public pages' cache: anonymous GETs served from it, cleared by any publication."""

import pytest
from wagtail.models import Page, Site

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def page():
    home = Site.objects.get(is_default_site=True).root_page
    child = Page(title="Essai", slug="essai")
    home.add_child(instance=child)
    child.save_revision().publish()
    return child


def test_second_anonymous_visit_is_served_from_the_cache(client, page, django_assert_num_queries):
    first = client.get("/essai/")
    assert first.status_code == 200
    assert first["X-Cache-Page"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/essai/")
    assert second["X-Cache-Page"] == "hit"
    assert second.content == first.content


def test_a_publication_clears_the_cache(client, page, django_capture_on_commit_callbacks):
    client.get("/essai/")
    assert client.get("/essai/")["X-Cache-Page"] == "hit"
    page.title = "Essai modifié"
    with django_capture_on_commit_callbacks(execute=True):  # cleared once committed
        page.save_revision().publish()
    response = client.get("/essai/")
    assert response["X-Cache-Page"] == "miss"
    assert "Essai modifié" in response.content.decode()


@pytest.mark.parametrize("action", ["unpublish", "delete"])
def test_unpublishing_or_deleting_clears_the_cache(
    client, page, action, django_capture_on_commit_callbacks
):
    client.get("/essai/")
    assert client.get("/essai/")["X-Cache-Page"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):  # cleared once committed
        getattr(page, action)()
    assert client.get("/essai/").status_code == 404


def test_bigger_text_and_signed_in_visitors_are_never_served_from_the_cache(
    client, page, django_user_model
):
    client.get("/essai/")
    client.cookies["taille_texte"] = "grand"
    assert client.get("/essai/")["X-Cache-Page"] == "skip"
    del client.cookies["taille_texte"]
    user = django_user_model.objects.create_user(email="a@example.org", password="x" * 14)
    client.force_login(user)
    assert client.get("/essai/")["X-Cache-Page"] == "skip"


def test_pages_that_say_no_cache_are_not_kept(client, page, monkeypatch):
    from wagtail.models import Page as WagtailPage

    original = WagtailPage.serve

    def serve(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        response["Cache-Control"] = "no-cache"
        return response

    monkeypatch.setattr(WagtailPage, "serve", serve)
    client.get("/essai/")
    assert client.get("/essai/")["X-Cache-Page"] == "skip"


def test_html_is_compressed_for_browsers_that_accept_it(client):
    plain = client.get("/pro/connexion/")
    compressed = client.get("/pro/connexion/", HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert len(compressed.content) < len(plain.content)
