"""The datasets page (/opendata/): public, cacheable, each dataset with its licence,
frequency, last change (computed from its rows) and formats at their stable URLs."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from inclusion.models import Lieu
from mediation.opendata import catalogue
from tests.ateliers.factories import SessionFactory
from tests.clock import FROZEN_AT
from tests.inclusion.factories import LieuFactory
from tests.mediation import monde_opendata

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

STABLE_PATHS = {
    "opendata:jeux": "/opendata/",
    "opendata:catalogue": "/opendata/catalogue.json",
    "opendata:lieux_csv": "/opendata/lieux.csv",
    "opendata:lieux_json": "/opendata/lieux.json",
    "opendata:di_structures": "/opendata/data-inclusion/structures.json",
    "opendata:di_services": "/opendata/data-inclusion/services.json",
    "opendata:ateliers_json": "/opendata/ateliers.json",
    "opendata:ateliers_ics": "/opendata/ateliers.ics",
}


def test_the_addresses_never_change():
    """Portals link to these paths: a change breaks them."""
    assert {name: reverse(name) for name in STABLE_PATHS} == STABLE_PATHS


def test_the_catalogue_lists_every_file():
    listed = {fmt.url_name for jeu in catalogue.JEUX for fmt in jeu.formats}
    assert listed == set(STABLE_PATHS) - {"opendata:jeux", "opendata:catalogue"}


def test_page_is_public_and_describes_each_dataset(client):
    monde_opendata.build()
    response = client.get(reverse("opendata:jeux"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<form" not in html
    for jeu in catalogue.JEUX:
        assert jeu.titre.replace("'", "&#x27;") in html
    for name, path in STABLE_PATHS.items():
        if name not in ("opendata:jeux", "opendata:catalogue"):
            assert f'href="http://testserver{path}"' in html
    assert html.count("Licence Ouverte / Etalab 2.0") >= 3
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence" in html
    # The pass numérique decision is said on the page.
    assert "nous les décrivons « gratuit »" in html
    # Last change: computed from the rows.
    assert html.count('<time datetime="2026-11-17">17 novembre 2026</time>') == 3


def test_last_change_follows_the_places(client):
    monde = monde_opendata.build()
    with time_machine.travel(FROZEN_AT + datetime.timedelta(days=3), tick=False):
        Lieu.objects.get(pk=monde["minimal"].pk).save()  # date_maj is auto_now
    html = client.get(reverse("opendata:jeux")).content.decode()
    assert '<time datetime="2026-11-20">20 novembre 2026</time>' in html


def test_empty_territory_says_no_data_yet(client):
    html = client.get(reverse("opendata:jeux")).content.decode()
    assert html.count("Pas encore de données.") == 3


def test_query_count_does_not_grow(client, habillage_en_cache):
    monde_opendata.build()

    def count():
        return monde_opendata.queries_of(client, "opendata:jeux")

    one = count()
    for lieu in LieuFactory.create_batch(10):
        SessionFactory(lieu=lieu, debut=FROZEN_AT + datetime.timedelta(days=2))
    assert count() == one


@pytest.mark.parametrize("name", sorted(STABLE_PATHS))
def test_only_safe_methods(client, name):
    assert client.head(reverse(name)).status_code == 200
    assert client.post(reverse(name)).status_code == 405


def test_catalogue_json_lists_the_datasets_for_portals(client):
    monde_opendata.build()
    response = client.get(reverse("opendata:catalogue"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]
    data = json.loads(response.content)
    assert [d["identifier"] for d in data["dataset"]] == ["lieux", "data-inclusion", "ateliers"]
    lieux = data["dataset"][0]
    assert lieux["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
    assert lieux["modified"] == "2026-11-17"
    assert lieux["conformsTo"] == "https://schema.data.gouv.fr/LaMednum/standard-mediation-num/"
    assert lieux["distribution"][0] == {
        "title": "CSV",
        "downloadURL": "http://testserver/opendata/lieux.csv",
        "mediaType": "text/csv",
        "fileName": "lieux-mediation-numerique.csv",
    }
    urls = [d["downloadURL"] for jeu in data["dataset"] for d in jeu["distribution"]]
    for url in urls:
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(STABLE_PATHS))
def test_other_sites_may_read_the_files_without_cookies(client, name):
    """CORS for GET (settings: /opendata/ and /api/v1/), and no cookie set: any cache may
    keep the answer."""
    response = client.get(reverse(name), HTTP_ORIGIN="https://portail.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies
