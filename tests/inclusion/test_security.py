import pytest
from django.urls import reverse

from inclusion.enums import Role
from tests.inclusion.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get(reverse("pro:connexion"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_login_locks_after_repeated_failures(client, settings):
    settings.AXES_ENABLED = True
    user = member(Role.PRESCRIPTEUR)
    url = reverse("pro:connexion")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": user.email, "password": "mauvais"})
    response = client.post(url, {"username": user.email, "password": "mot-de-passe-test-123"})
    assert response.status_code == 429
    assert "bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_health_check_needs_no_login(client):
    # The public home is a Wagtail page now: tests/cms/test_pages.py checks it needs no login.
    health = client.get(reverse("sante"))
    assert health.status_code == 200 and health.content == b"ok"


def test_login_redirects_back_to_next(client):
    user = member(Role.PRESCRIPTEUR)
    target = reverse("pro:beneficiaire_list")
    response = client.post(
        f"{reverse('pro:connexion')}?next={target}",
        {"username": user.email, "password": "mot-de-passe-test-123", "next": target},
    )
    assert response["Location"] == target


def test_logout_needs_post(client):
    client.force_login(member(Role.PRESCRIPTEUR))
    assert client.get(reverse("pro:deconnexion")).status_code == 405
    response = client.post(reverse("pro:deconnexion"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_kiosk_base_template_renders_accessible_skeleton(rf):
    from django.template.loader import render_to_string

    html = render_to_string("inclusion/base_kiosque.html", request=rf.get("/kiosque/"))
    assert '<html lang="fr"' in html
    assert 'class="skip-link"' in html
    assert "<script" not in html and "style=" not in html


def test_the_admin_has_a_content_security_policy_of_its_own(client):
    """Wagtail's screens still need inline code (tests/browser/test_admin_csp.py): the admin
    gets its own policy, nothing from another origin, and the rest of the site keeps its own."""
    from inclusion.services.territoire import sync_groups

    coordinateur = member(Role.COORDINATEUR)
    sync_groups(coordinateur)
    client.force_login(coordinateur)
    for url in ("/admin/", "/admin/lieux/"):
        response = client.get(url)
        assert response.status_code == 200
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in response["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self' 'unsafe-inline'"
        assert policy["script-src-attr"].startswith("'unsafe-hashes' 'sha256-")
        assert policy["img-src"] == "'self' data: blob:"
        assert policy["connect-src"] == "'self'" and policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'self'" and policy["form-action"] == "'self'"
        assert "gravatar" not in response.content.decode()
    pro = client.get(reverse("pro:accueil"))["Content-Security-Policy"]
    assert "unsafe-inline" not in pro and "frame-ancestors 'none'" in pro


def test_a_form_refused_by_csrf_gets_a_french_page_within_the_policy():
    """Django's own CSRF page is English with an inline style (blocked by the CSP): ours says
    what happened and what to do, and nothing is written."""
    from django.test import Client

    from inclusion.models import Journal

    client = Client(enforce_csrf_checks=True)
    before = Journal.objects.count()
    response = client.post(reverse("pro:connexion"), {"username": "x@example.org", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Ce formulaire n'a pas pu être envoyé" in page
    assert "Rien n'a été enregistré" in page
    assert 'lang="fr"' in page and "style=" not in page
    assert Journal.objects.count() == before
