"""The places' list and page on the public site."""

import datetime
import html as html_lib
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inclusion.enums import ServiceMediation
from tests.ateliers.factories import SessionFactory
from tests.inclusion.factories import CommuneFactory, LieuFactory, QuartierFactory

pytestmark = pytest.mark.usefixtures("frozen")

URL = "/lieux/"
PARIS = ZoneInfo("Europe/Paris")


def _texte(response):
    return html_lib.unescape(response.content.decode())


def _lieux(html):
    return {int(pk) for pk in re.findall(r'id="lieu-(\d+)"', html)}


@pytest.fixture
def commune():
    return CommuneFactory(nom="Bordeaux")


@pytest.fixture
def ouvert(commune):
    return LieuFactory(
        nom="Médiathèque ouverte",
        commune=commune,
        quartier=QuartierFactory(commune=commune, nom="Les Aubiers"),
        horaires="Mo-Su 00:00-24:00",
        telephone="+33556000000",
        accessible_pmr=True,
        services=[ServiceMediation.DEMARCHES, ServiceMediation.ACCES],
        qualifie=True,
        latitude="44.87000",
        longitude="-0.57000",
    )


@pytest.fixture
def ferme(commune):
    return LieuFactory(nom="Espace fermé", commune=commune, horaires="Mo 09:00-12:00")


def test_list_is_public_grouped_with_services_hours_access_phone(
    client, site_public, ouvert, ferme
):
    response = client.get(URL)
    html = _texte(response)
    assert response.status_code == 200
    assert "Bordeaux" in html and "Quartier Les Aubiers" in html
    assert "Ouvert maintenant" in html
    assert "Aide pour vos démarches en ligne" in html
    assert "Un ordinateur et internet sur place" in html
    assert "Accessible en fauteuil roulant" in html
    assert "Accès en fauteuil roulant : nous ne savons pas" in html
    assert 'href="tel:+33556000000"' in html
    assert "Prend le pass numérique" in html
    assert (
        "Ouvre lundi à 9 h" in html or "Ouvre demain à 9 h" in html or "Ouvre aujourd'hui" in html
    )
    assert "no-cache" in response["Cache-Control"]
    # No tile server configured: no map, no Leaflet.
    assert "leaflet" not in html and "lieux-carte" not in html


def test_filters(client, site_public, ouvert, ferme):
    autre = LieuFactory(nom="Ailleurs", horaires="Mo-Su 00:00-24:00")
    assert _lieux(_texte(client.get(URL))) == {ouvert.pk, ferme.pk, autre.pk}
    assert _lieux(_texte(client.get(URL, {"ouvert": "on"}))) == {ouvert.pk, autre.pk}
    assert _lieux(_texte(client.get(URL, {"pass_numerique": "on"}))) == {ouvert.pk}
    assert _lieux(_texte(client.get(URL, {"ou": f"c{ouvert.commune_id}"}))) == {
        ouvert.pk,
        ferme.pk,
    }
    assert _lieux(_texte(client.get(URL, {"ou": f"q{ouvert.quartier_id}"}))) == {ouvert.pk}
    bad = client.get(URL, {"ou": "x1"})
    assert bad.status_code == 400 and "Sélectionnez un choix valide" in _texte(bad)


def test_inactive_places_are_hidden(client, site_public, ouvert):
    cache = LieuFactory(nom="Fermé pour de bon", actif=False)
    assert cache.pk not in _lieux(_texte(client.get(URL)))
    assert client.get(f"{URL}{cache.uuid}/").status_code == 404


def test_place_page(client, site_public, ouvert):
    session = SessionFactory(lieu=ouvert)
    response = client.get(f"{URL}{ouvert.uuid}/")
    html = _texte(response)
    assert response.status_code == 200
    assert "Médiathèque ouverte" in html and "Tous les jours" in html or "Horaires" in html
    assert f"/ateliers-pres-de-chez-moi/session/{session.pk}/inscription/" in html
    assert html.count("<h1") == 1


def test_next_opening_in_words():
    from inclusion.mots_du_temps import ouverture_en_mots

    now = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)  # a Monday
    assert ouverture_en_mots(now.replace(hour=14), now) == "Ouvre aujourd'hui à 14 h"
    assert (
        ouverture_en_mots(now + datetime.timedelta(days=1, hours=-1), now) == "Ouvre demain à 9 h"
    )
    mardi = datetime.datetime(2026, 3, 5, 9, 30, tzinfo=PARIS)
    assert ouverture_en_mots(mardi, now) == "Ouvre jeudi à 9 h 30"
    loin = datetime.datetime(2026, 3, 17, 9, 0, tzinfo=PARIS)
    assert ouverture_en_mots(loin, now) == "Ouvre le mardi 17 mars à 9 h"


@override_settings(LEAFLET_TILES_URL="/tuiles/{z}/{x}/{y}.png")
def test_map_only_with_tiles_and_as_a_data_island(client, site_public, ouvert, ferme):
    html = _texte(client.get(URL))
    assert 'id="lieux-carte"' in html and 'type="application/json"' in html
    assert "leaflet/leaflet.js" in html and "cms/carte/carte.js" in html
    assert 'data-tuiles="/tuiles/{z}/{x}/{y}.png"' in html
    assert "Médiathèque ouverte" in html and "style=" not in html


def test_home_and_workshops_do_not_load_leaflet(client, site_public, ouvert):
    with override_settings(LEAFLET_TILES_URL="/tuiles/{z}/{x}/{y}.png"):
        assert "leaflet" not in _texte(client.get("/ateliers-pres-de-chez-moi/"))
        assert "leaflet" not in _texte(client.get("/"))


def test_query_count_does_not_grow_with_places(client, site_public, ouvert):
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for i in range(49):
        LieuFactory(quartier=QuartierFactory() if i % 2 else None, horaires="Mo-Fr 09:00-17:00")
    client.get(URL)  # new places refresh the page's kept URL once (steady state after)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(URL)
    assert len(_lieux(_texte(response))) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)


def test_open_now_follows_the_clock(client, site_public, commune, monkeypatch):
    lieu = LieuFactory(commune=commune, horaires="Mo-Fr 09:00-12:00")
    lundi_10h = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
    monkeypatch.setattr(timezone, "now", lambda: lundi_10h)
    assert _lieux(_texte(client.get(URL, {"ouvert": "on"}))) == {lieu.pk}
    monkeypatch.setattr(timezone, "now", lambda: lundi_10h.replace(hour=13))
    assert _lieux(_texte(client.get(URL, {"ouvert": "on"}))) == set()
