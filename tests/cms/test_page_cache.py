"""The public site's cache keeps its contract (inclusion/page_cache.py): a publication or a new
look reaches every kept page, responses that set a cookie or carry a form are never kept, the
generation has one writer, and the journeys know only the cache and the common helpers."""

import ast
import datetime
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.core.cache import caches
from wagtail.models import Page, Site

from cms.models import AteliersIndexPage, Habillage, PageFALC
from inclusion import page_cache
from tests.ateliers.factories import SessionFactory
from tests.inclusion.factories import LieuFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)  # a Monday
LISTE = "/ateliers-pres-de-chez-moi/"
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def session(site_public):
    debut = NOW + datetime.timedelta(days=1, hours=5)
    return SessionFactory(
        lieu=LieuFactory(nom="Médiathèque"), debut=debut, fin=debut + datetime.timedelta(hours=2)
    )


def _kept_pages():
    """Whole pages in the shared store (the tests' caches are LocMemCache)."""
    return [k for k in caches["pages"]._cache if "page_cache:page:" in k]


def _publish(page, django_capture_on_commit_callbacks, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    with django_capture_on_commit_callbacks(execute=True):  # the bump waits for the commit
        page.save_revision().publish()


def test_a_publication_reaches_the_kept_list(client, session, django_capture_on_commit_callbacks):
    client.get(LISTE)
    assert client.get(LISTE)["X-Cache-Page"] == "fresh"
    page = AteliersIndexPage.objects.get()
    _publish(page, django_capture_on_commit_callbacks, title="Les ateliers de la ville")
    response = client.get(LISTE)
    assert response["X-Cache-Page"] != "fresh"
    assert "Les ateliers de la ville" in response.text


def test_a_new_look_reaches_every_kept_page(client, session, django_capture_on_commit_callbacks):
    site = Site.objects.get(is_default_site=True)
    reglage = Habillage(site=site, nom="Ville de Montclair")
    with django_capture_on_commit_callbacks(execute=True):
        reglage.save()
    urls = ("/", "/comment-ca-marche/", LISTE)
    for url in urls:
        assert "Ville de Montclair" in client.get(url).text
    assert client.get("/")["X-Cache-Page"] == "hit"
    assert client.get("/comment-ca-marche/")["X-Cache-Page"] == "hit"
    assert client.get(LISTE)["X-Cache-Page"] == "fresh"
    reglage.nom = "Ville de Bellerive"
    with django_capture_on_commit_callbacks(execute=True):
        reglage.save()
    for url in urls:
        html = client.get(url).text
        assert "Ville de Bellerive" in html and "Ville de Montclair" not in html, url


def test_nothing_moves_before_the_commit(client, site_public):
    client.get("/")
    avant = page_cache.generation()
    page_cache.bump()  # inside the test's transaction: nothing is committed yet
    assert page_cache.generation() == avant
    assert client.get("/")["X-Cache-Page"] == "hit"


def _serve_with(monkeypatch, change):
    original = Page.serve

    def serve(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        change(request, response)
        return response

    monkeypatch.setattr(Page, "serve", serve)


def test_a_response_that_sets_a_cookie_is_never_kept(client, site_public, monkeypatch):
    _serve_with(monkeypatch, lambda request, response: response.set_cookie("choix", "x"))
    for _ in range(2):
        response = client.get("/comment-ca-marche/")
        assert response["X-Cache-Page"] == "skip"
        assert response.cookies["choix"].value == "x"
    assert _kept_pages() == []


def test_a_page_with_a_form_is_never_kept(client, site_public, monkeypatch):
    from django.middleware.csrf import get_token

    _serve_with(monkeypatch, lambda request, response: get_token(request))  # {% csrf_token %}
    for _ in range(2):
        assert client.get("/comment-ca-marche/")["X-Cache-Page"] == "skip"
    assert _kept_pages() == []


def test_a_page_asked_with_parameters_is_never_kept(client, site_public):
    for i in range(5):
        assert client.get(f"/comment-ca-marche/?utm_source={i}")["X-Cache-Page"] == "skip"
    assert _kept_pages() == []
    assert client.get("/comment-ca-marche/")["X-Cache-Page"] == "miss"
    assert len(_kept_pages()) == 1


def test_a_personal_page_is_never_kept(client, site_public, monkeypatch):
    """Mon pass answers no-store: the page cache keeps no such response."""
    from django.utils.cache import patch_cache_control

    def personal(request, response):
        patch_cache_control(response, private=True, no_store=True)

    _serve_with(monkeypatch, personal)
    client.get("/comment-ca-marche/")
    assert client.get("/comment-ca-marche/")["X-Cache-Page"] == "skip"
    assert _kept_pages() == []


def test_a_draft_change_is_not_shown_until_published(
    client, site_public, django_capture_on_commit_callbacks
):
    page = PageFALC.objects.get(slug="comment-ca-marche")
    client.get(page.url)
    page.title = "Brouillon"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision()
    assert "Brouillon" not in client.get(page.url).text
    _publish(page, django_capture_on_commit_callbacks)
    assert "Brouillon" in client.get(page.url).text


# --- One writer of the generation, journeys that know only the cache and the common helpers --


def _sources(*folders):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, path.read_text(encoding="utf-8")


def test_the_generation_is_written_in_one_place():
    writers = [
        str(path.relative_to(ROOT))
        for path, source in _sources("inclusion", "pass_numerique", "ateliers", "mediation", "cms")
        if "generation" in source.lower() and ("incr(" in source or ".set(" in source)
    ]
    assert writers == ["inclusion/page_cache.py"]


def _imports(source):
    """(module, names) of each import of a module, at any depth."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            yield node.module or "", [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def test_journeys_import_neither_page_models_nor_each_others_private_names():
    journeys = {path.stem for path, _ in _sources("cms/journeys")}
    for path, source in _sources("cms/journeys"):
        for module, names in _imports(source):
            assert not module.startswith("cms.models"), f"{path.name} imports {module}"
            if module == "cms.journeys":
                names = [n for n in names if n in journeys]
                assert all(not n.startswith("_") for n in names), path.name
            elif module.startswith("cms.journeys."):
                assert all(not n.startswith("_") for n in names), f"{path.name}: {names}"
