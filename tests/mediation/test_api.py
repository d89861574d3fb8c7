"""Issue 17: the public read API (/api/v1/) — places, themes, upcoming sessions, open-data
resources: no account needed, paginated, filterable, rate-limited, CORS for GET."""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import StatutSession
from inclusion.enums import Role
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    LieuFactory,
    StructureFactory,
    member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

# The frozen clock is a Tuesday at 10:00 in Paris.
OUVERT = "Mo-Fr 09:00-12:00,14:00-17:00"
FERME = "Sa 09:00-12:00"


def rates(**rates):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **rates,
            },
        }
    )


@pytest.fixture
def monde():
    lille = CommuneFactory(nom="Lille", code_insee="59350", codes_postaux="59000")
    roubaix = CommuneFactory(nom="Roubaix", code_insee="59512", codes_postaux="59100")
    structure = StructureFactory(commune=lille)
    ouvert = LieuFactory(
        structure=structure, commune=lille, nom="Médiathèque", code_postal="59000", horaires=OUVERT
    )
    ferme = LieuFactory(
        structure=structure,
        commune=roubaix,
        nom="Centre social",
        code_postal="59100",
        horaires=FERME,
    )
    sans_horaires = LieuFactory(
        structure=structure, commune=lille, nom="Espace", code_postal="59000", horaires=""
    )
    LieuFactory(structure=structure, commune=lille, nom="Fermé pour de bon", actif=False)
    smartphone = ThemeFactory(titre="Smartphone")
    courriel = ThemeFactory(titre="Courriel", niveau="intermediaire")
    ThemeFactory(titre="Retiré", actif=False)
    now = timezone.now()
    demain = SessionFactory(theme=smartphone, lieu=ouvert, debut=now + datetime.timedelta(days=1))
    plein = SessionFactory(
        theme=courriel, lieu=ferme, debut=now + datetime.timedelta(days=5), capacite=2
    )
    plein.nb_inscrits = 2
    plein.save(update_fields=["nb_inscrits"])
    SessionFactory(theme=smartphone, lieu=ouvert, debut=now - datetime.timedelta(days=1))
    SessionFactory(
        theme=smartphone,
        lieu=ouvert,
        debut=now + datetime.timedelta(days=2),
        statut=StatutSession.ANNULEE,
    )
    return {
        "lille": lille,
        "roubaix": roubaix,
        "ouvert": ouvert,
        "ferme": ferme,
        "sans_horaires": sans_horaires,
        "smartphone": smartphone,
        "courriel": courriel,
        "demain": demain,
        "plein": plein,
    }


def get(client, name, **params):
    response = client.get(reverse(f"api:{name}"), params)
    return response


def noms(response):
    return [r.get("nom") or r.get("titre") for r in response.json()["results"]]


# --- Places ---------------------------------------------------------------------------------


def test_places_need_no_account(client, monde):
    response = get(client, "lieux")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["count"] == 3
    assert noms(response) == ["Espace", "Médiathèque", "Centre social"]
    lieu = next(r for r in data["results"] if r["nom"] == "Médiathèque")
    assert lieu["id"] == str(monde["ouvert"].uuid)
    assert lieu["commune"] == {"code_insee": "59350", "nom": "Lille"}
    assert lieu["ouvert_maintenant"] is True
    assert lieu["horaires"] == OUVERT
    assert "courriels" not in lieu  # may be a staff member's address


def test_places_by_commune(client, monde):
    assert noms(get(client, "lieux", commune="59512")) == ["Centre social"]
    assert get(client, "lieux", commune="00000").json()["count"] == 0


def test_places_open_now(client, monde):
    assert noms(get(client, "lieux", ouvert_maintenant="true")) == ["Médiathèque"]
    assert noms(get(client, "lieux", ouvert_maintenant="false")) == ["Espace", "Centre social"]
    results = get(client, "lieux").json()["results"]
    assert {r["nom"]: r["ouvert_maintenant"] for r in results} == {
        "Espace": None,
        "Médiathèque": True,
        "Centre social": False,
    }


def test_places_by_theme_of_their_upcoming_sessions(client, monde):
    assert noms(get(client, "lieux", theme=monde["smartphone"].pk)) == ["Médiathèque"]
    assert noms(get(client, "lieux", theme=monde["courriel"].pk)) == ["Centre social"]


@pytest.mark.parametrize(
    "params",
    [{"theme": "abc"}, {"theme": "99999999999999999999"}, {"theme": "0"}, {"commune": "1" * 50}],
)
def test_places_bad_filter_is_400_with_field_message(client, monde, params):
    response = get(client, "lieux", **params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_place_detail_and_unknown_or_inactive_404(client, monde):
    url = reverse("api:lieu", args=[monde["ouvert"].uuid])
    assert client.get(url).json()["nom"] == "Médiathèque"
    inactif = LieuFactory(actif=False)
    assert client.get(reverse("api:lieu", args=[inactif.uuid])).status_code == 404
    response = client.get(reverse("api:lieu", args=["0b7c6d1e-5f3a-4e2b-9c8d-7a6b5c4d3e2f"]))
    assert response.status_code == 404
    assert "detail" in response.json()


def test_places_query_count_does_not_grow(client, monde, django_assert_num_queries):
    # The open places' ids, the count, the page.
    with django_assert_num_queries(3):
        get(client, "lieux", ouvert_maintenant="true")
    for i in range(15):
        LieuFactory(structure=monde["ouvert"].structure, commune=monde["lille"], nom=f"L{i}")
    with django_assert_num_queries(3):
        assert get(client, "lieux", ouvert_maintenant="true").json()["count"] == 16


# --- Pagination -------------------------------------------------------------------------------


def test_pagination_pages_and_max_size(client, monde):
    for i in range(25):
        LieuFactory(structure=monde["ouvert"].structure, commune=monde["lille"], nom=f"Z{i:02d}")
    first = get(client, "lieux").json()
    assert first["count"] == 28
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 8
    assert second["next"] is None
    assert len(get(client, "lieux", taille=5).json()["results"]) == 5
    assert len(get(client, "lieux", taille=1000).json()["results"]) == 28  # capped at 100
    response = get(client, "lieux", page=99)
    assert response.status_code == 404
    assert response.json()["detail"] == "Cette page n'existe pas."


# --- Themes and sessions -------------------------------------------------------------------


def test_themes_offered_only(client, monde):
    assert noms(get(client, "themes")) == ["Courriel", "Smartphone"]
    assert noms(get(client, "themes", niveau="intermediaire")) == ["Courriel"]
    assert get(client, "themes", niveau="expert").status_code == 400


def test_sessions_upcoming_with_seats(client, monde):
    data = get(client, "sessions").json()
    assert data["count"] == 2  # not the past one, not the cancelled one
    first, second = data["results"]
    assert first["id"] == monde["demain"].pk
    assert first["theme"] == {"id": monde["smartphone"].pk, "titre": "Smartphone"}
    assert first["lieu"]["id"] == str(monde["ouvert"].uuid)
    assert first["places_libres"] == 10
    assert first["liste_attente"] == 0
    assert second["places_libres"] == 0


def test_sessions_filters(client, monde):
    ids = lambda **p: [r["id"] for r in get(client, "sessions", **p).json()["results"]]  # noqa: E731
    demain, plein = monde["demain"].pk, monde["plein"].pk
    assert ids(commune="59512") == [plein]
    assert ids(theme=monde["smartphone"].pk) == [demain]
    assert ids(lieu=str(monde["ferme"].uuid)) == [plein]
    assert ids(places_libres="true") == [demain]
    assert ids(places_libres="false") == [plein]
    assert ids(du="2026-11-20") == [plein]
    assert ids(au="2026-11-18") == [demain]
    assert ids(du="2026-11-18", au="2026-11-18") == [demain]
    assert ids(du="2026-11-25", au="2026-11-20") == []
    response = get(client, "sessions", du="2026-13-45", lieu="pas-un-uuid")
    assert response.status_code == 400
    assert set(response.json()) == {"du", "lieu"}


def test_sessions_query_count_does_not_grow(client, monde, django_assert_num_queries):
    with django_assert_num_queries(2):
        get(client, "sessions")
    for _ in range(10):
        SessionFactory(theme=monde["courriel"], lieu=monde["ferme"])
    with django_assert_num_queries(2):
        assert get(client, "sessions").json()["count"] == 12


def test_open_data_resources_point_to_opendata(client, monde):
    data = get(client, "jeux_de_donnees").json()
    assert [r["id"] for r in data["results"]] == ["lieux", "data-inclusion", "ateliers"]
    for ressource in data["results"]:
        assert "Etalab" in ressource["licence"]
        assert ressource["page"] == "http://testserver/opendata/"
        for fmt in ressource["formats"]:
            assert fmt["url"].startswith("http://testserver/opendata/")
            assert client.get(fmt["url"]).status_code == 200  # the address is live
    urls = [f["url"] for r in data["results"] for f in r["formats"]]
    assert "http://testserver/opendata/lieux.csv" in urls


# --- No personal data -------------------------------------------------------------------------


def test_no_person_no_staff_email_anywhere(client, monde):
    mediateur = member(Role.MEDIATEUR, structure=monde["ouvert"].structure, email="agent@mairie.fr")
    monde["demain"].animateurs.add(mediateur)
    monde["ouvert"].courriels = "marie.dupont@mairie.fr"
    monde["ouvert"].save()
    BeneficiaireFactory(prenom="Josiane", nom="Balasko", avec_mobile=True, telephone="+33612345678")
    corps = "".join(
        get(client, name).content.decode()
        for name in ("lieux", "themes", "sessions", "jeux_de_donnees")
    )
    for secret in ("agent@mairie.fr", "marie.dupont", "Josiane", "Balasko", "612345678", "Camille"):
        assert secret not in corps


# --- Rate limits and CORS -----------------------------------------------------------------------


def test_rate_limit_gives_429_with_retry_after(client, monde):
    with rates(anon="3/min"):
        for _ in range(3):
            assert get(client, "themes").status_code == 200
        response = get(client, "lieux")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


def test_rate_limit_is_per_address(client, monde):
    with rates(anon="1/min"):
        assert client.get(reverse("api:themes"), REMOTE_ADDR="10.0.0.1").status_code == 200
        assert client.get(reverse("api:themes"), REMOTE_ADDR="10.0.0.1").status_code == 429
        assert client.get(reverse("api:themes"), REMOTE_ADDR="10.0.0.2").status_code == 200


def test_cors_header_on_get_from_another_origin(client, monde):
    response = client.get(reverse("api:lieux"), HTTP_ORIGIN="https://carto.example.org")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        reverse("api:sessions"),
        HTTP_ORIGIN="https://carto.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_writes_are_refused(client, monde):
    assert client.post(reverse("api:lieux"), {}, content_type="application/json").status_code == 405
    assert client.delete(reverse("api:lieu", args=[monde["ouvert"].uuid])).status_code == 405


def test_a_signed_in_user_sees_the_same_public_data(client, monde):
    client.force_login(member(Role.COORDINATEUR))
    assert get(client, "lieux").json()["count"] == 3
