"""The sessions list and the choice of a session for a person: rows read as plain tuples,
the filter's lieux read once, the "Créer une session" button answered by those lieux when
they can (issue 19: fewer queries and calls, same HTML)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inclusion.enums import Role
from tests.ateliers.factories import SessionFactory, setup_atelier
from tests.inclusion.factories import LieuFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

CREER = "Créer une session"


def _get(client, user, url, params=None):
    client.force_login(user)
    client.get(url, params)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    return response, response.content.decode().replace("&#x27;", "'"), queries


def _membership_lieu_queries(queries):
    # lieux_for_mediateur(user).exists(): the lieux joined to the user's memberships.
    return [
        q["sql"]
        for q in queries
        if 'FROM "inclusion_lieu"' in q["sql"] and '"inclusion_membership"' in q["sql"]
    ]


def test_list_mediateur_with_sessions_needs_no_query_for_the_button(client):
    ctx = setup_atelier()
    SessionFactory(lieu=ctx["session"].lieu)
    response, html, queries = _get(client, ctx["mediateur"], reverse("ateliers:liste"))
    assert response.status_code == 200
    assert CREER in html
    assert _membership_lieu_queries(queries) == []
    lieu = ctx["session"].lieu
    assert f'<option value="{lieu.pk}">{lieu.nom} — {lieu.commune.nom}</option>' in html


def test_list_same_queries_for_1_and_30_rows(client):
    ctx = setup_atelier()
    url = reverse("ateliers:liste")
    _, _, one = _get(client, ctx["mediateur"], url)
    for _ in range(29):
        SessionFactory(lieu=ctx["session"].lieu)
    _, html, thirty = _get(client, ctx["mediateur"], url)
    assert len(thirty) == len(one)
    assert "30 sessions" in html


@pytest.mark.parametrize(
    ("who", "shown"),
    [("mediateur_sans_session", True), ("mediateur_lieu_ferme", False), ("prescripteur", False)],
)
def test_list_button_when_the_lieux_do_not_say(client, who, shown):
    """No lieu of the list proves the user a médiateur of an active lieu: the question is
    asked to the database, with the same answer as before."""
    setup_atelier()
    lieu = LieuFactory(actif=who != "mediateur_lieu_ferme")
    role = Role.PRESCRIPTEUR if who == "prescripteur" else Role.MEDIATEUR
    user = member(role, structure=lieu.structure)
    response, html, queries = _get(client, user, reverse("ateliers:liste"), {"portee": "mes_lieux"})
    assert response.status_code == 200
    assert (CREER in html) is shown
    assert len(_membership_lieu_queries(queries)) == 1


def test_list_lieu_filter_checks_the_lieu_asked_for(client):
    ctx = setup_atelier()
    autre = SessionFactory()
    url = reverse("ateliers:liste")
    lieu = ctx["session"].lieu
    response, html, _ = _get(client, ctx["mediateur"], url, {"lieu": lieu.pk})
    assert response.status_code == 200
    assert f'<option value="{lieu.pk}" selected>' in html
    assert reverse("ateliers:session_detail", args=[ctx["session"].pk]) in html
    # A lieu out of the list's scope is refused, as before.
    response, _, _ = _get(client, ctx["mediateur"], url, {"lieu": autre.lieu.pk})
    assert response.status_code == 422
