"""The coordinators' screen of the funders' API tokens (/pro/jetons-api/): who reaches it,
the list, a new token shown once (only its fingerprint stored) that opens
/api/v1/activites/, revoking after a confirmation (then 401), bad input refused in French
with nothing written, revoking twice."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inclusion import registry
from inclusion.enums import Role
from inclusion.models import Journal
from mediation.models_api import JetonApi
from mediation.services import jetons_api
from tests.inclusion.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LISTE = "/pro/jetons-api/"
CREER = "/pro/jetons-api/creer/"
API = "/api/v1/activites/"


def revoquer(pk):
    return f"/pro/jetons-api/{pk}/revoquer/"


def text(response):
    return unescape(response.content.decode()).replace("\xa0", " ")


@pytest.fixture
def coordinateur():
    return member(Role.COORDINATEUR, first_name="Claire", last_name="Coordo")


@pytest.fixture
def coord_client(client, coordinateur):
    client.force_login(coordinateur)
    return client


@pytest.fixture
def jeton(coordinateur):
    return jetons_api.create_jeton(acteur=coordinateur, nom="Tableau du Département")


def test_url_names():
    assert reverse("jetons:liste") == LISTE
    assert reverse("jetons:creer") == CREER
    assert reverse("jetons:revoquer", kwargs={"pk": 7}) == revoquer(7)


# --- Who reaches it -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", [LISTE, CREER, revoquer(1)])
def test_anonymous_goes_to_login(client, url, method):
    response = getattr(client, method)(url, {"nom": "X"} if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"].startswith("/pro/connexion/")
    assert not JetonApi.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.MEDIATEUR, Role.PRESCRIPTEUR, Role.VOLONTAIRE], ids=lambda r: r.value
)
def test_other_roles_are_refused(client, role, jeton):
    client.force_login(member(role))
    objet, _clear = jeton
    assert client.get(LISTE).status_code == 403
    assert client.post(CREER, {"nom": "Autre outil"}).status_code == 403
    assert client.get(revoquer(objet.pk)).status_code == 403
    assert client.post(revoquer(objet.pk)).status_code == 403
    assert JetonApi.objects.count() == 1
    objet.refresh_from_db()
    assert objet.revoque_le is None


def test_only_coordinators_get_the_home_card(coordinateur):
    def names(user):
        return [e.url_name for e in registry.pro_entries_for(user)]

    assert "jetons:liste" in names(coordinateur)
    for role in (Role.MEDIATEUR, Role.PRESCRIPTEUR, Role.VOLONTAIRE):
        assert "jetons:liste" not in names(member(role))
    entry = next(e for e in registry.pro_entries_for(coordinateur) if e.url_name == "jetons:liste")
    assert not entry.in_menu


def test_home_page_links_to_the_screen(coord_client):
    assert LISTE in coord_client.get("/pro/").content.decode()


def test_methods(coord_client, jeton):
    assert coord_client.get(CREER).status_code == 405
    assert coord_client.post(LISTE, {"nom": "X"}).status_code == 405
    assert coord_client.get(revoquer(jeton[0].pk + 1000)).status_code == 404
    assert coord_client.post(revoquer(jeton[0].pk + 1000)).status_code == 404


# --- The list -------------------------------------------------------------------------------


def test_empty_list(coord_client):
    response = coord_client.get(LISTE)
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Jetons d'API des financeurs</h1>" in page
    assert "Aucun jeton pour l'instant." in page
    assert 'for="id_nom"' in page


def test_list_shows_each_token(coord_client, coordinateur, jeton):
    objet, clear = jeton
    revoque, _ = jetons_api.create_jeton(acteur=coordinateur, nom="Ancien outil")
    jetons_api.revoke_jeton(acteur=coordinateur, jeton=revoque)
    coord_client.get(API, HTTP_AUTHORIZATION=f"Bearer {clear}")  # a last use to show
    page = text(coord_client.get(LISTE))
    assert "Tableau du Département" in page and "Ancien outil" in page
    assert f"<code>{objet.prefixe}…</code>" in page
    assert objet.prefixe.startswith("inj_") and len(objet.prefixe) == 8
    assert clear not in page
    assert "Claire Coordo" in page
    assert "Actif" in page
    assert "Révoqué le 17 novembre 2026" in page  # tests.clock.FROZEN_AT
    assert "Jamais utilisé" in page  # the revoked one
    assert "le mardi 17 novembre à 10 h" in page  # the live one's last use
    assert revoquer(objet.pk) in page and revoquer(revoque.pk) not in page


def test_list_query_count_is_constant(coord_client, coordinateur):
    jetons_api.create_jeton(acteur=coordinateur, nom="Premier")
    coord_client.get(LISTE)  # the session's first request writes to it
    with CaptureQueriesContext(connection) as one:
        coord_client.get(LISTE)
    for n in range(20):
        jetons_api.create_jeton(acteur=member(Role.COORDINATEUR), nom=f"Outil {n}")
    with CaptureQueriesContext(connection) as many:
        response = coord_client.get(LISTE)
    assert "Outil 19" in text(response)
    assert len(many) == len(one)


# --- Creating -------------------------------------------------------------------------------


def test_creation_shows_the_token_once_and_stores_its_fingerprint(coord_client, coordinateur):
    response = coord_client.post(CREER, {"nom": "  Tableau   du Département "})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    objet = JetonApi.objects.get()
    page = text(response)
    clear = page.split('<code class="cle-secrete" id="jeton">', 1)[1].split("</code>", 1)[0]
    assert clear.startswith(objet.prefixe) and len(clear) > 40
    assert objet.empreinte == jetons_api.fingerprint(clear)
    assert objet.nom == "Tableau du Département"
    assert objet.cree_par == coordinateur
    assert clear not in (objet.nom, objet.prefixe, objet.empreinte)
    assert "il ne sera plus jamais affiché" in page
    assert f"Authorization: Bearer {clear}" in page
    assert "http://testserver/api/v1/activites/" in page
    # Nowhere after this page: not in the session, a message or the list.
    assert clear not in str(dict(coord_client.session.items()))
    follow = coord_client.get(LISTE)
    assert clear not in text(follow)
    assert not list(follow.context["messages"])
    assert Journal.objects.filter(action="api.jeton.creation", objet_id=str(objet.pk)).count() == 1


def test_created_token_opens_the_api_until_revoked(client, coord_client):
    page = text(coord_client.post(CREER, {"nom": "Outil du financeur"}))
    clear = page.split('<code class="cle-secrete" id="jeton">', 1)[1].split("</code>", 1)[0]
    api = client.__class__()
    assert api.get(API, HTTP_AUTHORIZATION=f"Bearer {clear}").status_code == 200
    objet = JetonApi.objects.get()
    assert objet.dernier_usage_le is not None

    confirmation = coord_client.get(revoquer(objet.pk))
    assert confirmation.status_code == 200
    assert "Révoquer le jeton « Outil du financeur »" in text(confirmation)
    response = coord_client.post(revoquer(objet.pk))
    assert response.status_code == 302 and response["Location"] == LISTE
    objet.refresh_from_db()
    assert objet.revoque_le is not None
    message = text(coord_client.get(LISTE))
    assert "Le jeton « Outil du financeur » (" in message and "est révoqué" in message

    refused = api.get(API, HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert refused.status_code == 401
    assert refused.json()["code"] == "jeton_revoque"


@pytest.mark.parametrize(
    ("nom", "message"),
    [
        ("", "Indiquez l'outil ou le financeur."),
        ("    ", "Indiquez l'outil ou le financeur."),
        ("x" * 151, "Le nom ne doit pas dépasser 150 caractères (il en compte 151)."),
        ("a\x00b", "Le nom contient un caractère invalide."),
    ],
    ids=["vide", "espaces", "trop_long", "nul"],
)
def test_bad_name_is_refused_in_french_and_nothing_written(coord_client, nom, message):
    response = coord_client.post(CREER, {"nom": nom})
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert 'class="error-summary"' in page and 'href="#id_nom"' in page
    assert 'aria-invalid="true"' in page
    assert "no-store" in response["Cache-Control"]
    assert not JetonApi.objects.exists()
    assert not Journal.objects.filter(action__startswith="api.jeton").exists()


def test_name_of_150_characters_is_accepted(coord_client):
    assert coord_client.post(CREER, {"nom": "x" * 150}).status_code == 200
    assert JetonApi.objects.get().nom == "x" * 150


def test_service_refusal_lands_on_the_form(coord_client, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"nom": "Indiquez l'outil ou le financeur."}, code="nom_requis")

    monkeypatch.setattr(jetons_api, "create_jeton", refuse)
    response = coord_client.post(CREER, {"nom": "Outil"})
    assert response.status_code == 422
    assert "Indiquez l'outil ou le financeur." in text(response)
    assert not JetonApi.objects.exists()


# --- Revoking -------------------------------------------------------------------------------


def test_revoking_twice_says_so(coord_client, jeton):
    objet, _clear = jeton
    coord_client.post(revoquer(objet.pk))
    objet.refresh_from_db()
    revoque_le = objet.revoque_le
    response = coord_client.post(revoquer(objet.pk), follow=True)
    assert "Le jeton « Tableau du Département » (" in text(response)
    assert "était déjà révoqué" in text(response)
    objet.refresh_from_db()
    assert objet.revoque_le == revoque_le
    assert Journal.objects.filter(action="api.jeton.revocation").count() == 1
    # The confirmation page of a revoked token says it, with no button.
    page = text(coord_client.get(revoquer(objet.pk)))
    assert "est déjà révoqué" in page
    assert '<form method="post" action="/pro/jetons-api/' not in page


def test_revocation_page_is_a_confirmation_only(coord_client, jeton):
    objet, _clear = jeton
    coord_client.get(revoquer(objet.pk))
    objet.refresh_from_db()
    assert objet.revoque_le is None
    assert not Journal.objects.filter(action="api.jeton.revocation").exists()
