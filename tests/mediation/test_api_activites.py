"""Issue 17: the funders' endpoint /api/v1/activites/ (Bearer token) — tokens valid, revoked,
unknown; cursor pagination; modified-since sync; tombstones; beneficiaries as counts only;
the last use recorded at most every 5 minutes; the token command."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from inclusion.enums import Genre, Role, Statut, TrancheAge
from inclusion.models import Journal
from mediation.models_api import JetonApi
from mediation.services import activites, jetons_api
from mediation.vocabulaire import TypeLieu
from tests.inclusion.factories import member
from tests.mediation.factories_activites import individuelle, setup_activites
from tests.mediation.test_api import rates
from tests.validation import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

URL = "/api/v1/activites/"
NOTE = "Très inquiète pour son dossier CAF"


@pytest.fixture
def ctx():
    return setup_activites()


@pytest.fixture
def jeton(ctx):
    return jetons_api.create_jeton(acteur=ctx["coordinateur"], nom="Outil du financeur")


def bearer(clear):
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def call(client, clear, url=URL, **params):
    return client.get(url, params, **bearer(clear))


# --- Tokens -----------------------------------------------------------------------------------


def test_token_is_stored_as_fingerprint_only(ctx, jeton):
    objet, clear = jeton
    objet.refresh_from_db()
    assert clear.startswith("inj_") and len(clear) > 40
    assert objet.empreinte == jetons_api.fingerprint(clear)
    assert clear not in (objet.empreinte, objet.nom)
    assert objet.prefixe == clear[:8]
    assert Journal.objects.filter(action="api.jeton.creation", objet_id=str(objet.pk)).exists()


def test_a_token_needs_a_name_refused_with_its_code(ctx):
    before = JetonApi.objects.count()
    refused("nom_requis", jetons_api.create_jeton, acteur=ctx["coordinateur"], nom="  ")
    assert JetonApi.objects.count() == before


def test_only_coordinators_create_or_revoke(ctx, jeton):
    with pytest.raises(PermissionDenied):
        jetons_api.create_jeton(acteur=ctx["mediateur"], nom="X")
    with pytest.raises(PermissionDenied):
        jetons_api.revoke_jeton(acteur=ctx["mediateur"], jeton=jeton[0])


def test_valid_token_reads(client, ctx, jeton):
    individuelle(ctx)
    response = call(client, jeton[1])
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, None),
        ({"HTTP_AUTHORIZATION": "Bearer inj_inconnu"}, "jeton_inconnu"),
        ({"HTTP_AUTHORIZATION": "Bearer " + "x" * 500}, "jeton_inconnu"),
        ({"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}, "schema_inconnu"),
        ({"HTTP_AUTHORIZATION": "Bearer"}, "jeton_mal_forme"),
        ({"HTTP_AUTHORIZATION": "Bearer a b"}, "jeton_mal_forme"),
    ],
)
def test_missing_or_unknown_token_is_401_with_json(client, ctx, headers, code):
    response = client.get(URL, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["detail"]
    if code:
        assert body["code"] == code


def test_revoked_token_is_401(client, ctx, jeton):
    objet, clear = jeton
    assert jetons_api.revoke_jeton(acteur=ctx["coordinateur"], jeton=objet)
    assert not jetons_api.revoke_jeton(acteur=ctx["coordinateur"], jeton=objet)  # once
    response = call(client, clear)
    assert response.status_code == 401
    assert response.json() == {"detail": "Ce jeton a été révoqué.", "code": "jeton_revoque"}


def test_a_session_cookie_opens_nothing(client, ctx):
    client.force_login(ctx["coordinateur"])
    assert client.get(URL).status_code == 401


def test_last_use_written_at_most_every_five_minutes(client, ctx, jeton, django_assert_num_queries):
    objet, clear = jeton
    call(client, clear)
    objet.refresh_from_db()
    first = objet.dernier_usage_le
    assert first == timezone.now()
    with time_machine.travel(first + datetime.timedelta(minutes=4), tick=False):
        # The token read, the page (no activity: no count query): no write.
        with django_assert_num_queries(2):
            call(client, clear)
    objet.refresh_from_db()
    assert objet.dernier_usage_le == first
    later = first + datetime.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        call(client, clear)
    objet.refresh_from_db()
    assert objet.dernier_usage_le == later


def test_rate_limit_per_token(client, ctx, jeton):
    other = jetons_api.create_jeton(acteur=ctx["coordinateur"], nom="Autre")
    with rates(jeton="2/min"):
        assert call(client, jeton[1]).status_code == 200
        assert call(client, jeton[1]).status_code == 200
        response = call(client, jeton[1])
        assert response.status_code == 429
        assert "Retry-After" in response
        assert call(client, other[1]).status_code == 200


# --- Content: counts only, never a person ------------------------------------------------------


def test_activity_shape_and_counts(client, ctx, jeton):
    activite = individuelle(ctx, notes=NOTE, nom_demarche="Dossier de Mme Martin")
    activites.record_individuelle(
        acteur=ctx["mediateur"],
        anonyme={
            "genre": Genre.MASCULIN,
            "tranche_age": TrancheAge.DE_25_A_39,
            "statut_social": Statut.EN_EMPLOI,
        },
        thematiques=["email"],
    )
    results = call(client, jeton[1]).json()["results"]
    assert len(results) == 2
    row = next(r for r in results if r["id"] == str(activite.uuid))
    assert row["supprime"] is False
    assert row["type"] == "individuel"
    assert row["canal"] == TypeLieu.LIEU_ACTIVITE
    assert row["lieu"] == {"id": str(ctx["lieu"].uuid), "nom": ctx["lieu"].nom}
    assert row["commune"]["code_insee"] == ctx["lieu"].commune.code_insee
    assert row["thematiques"] == ["email"]
    assert row["beneficiaires"]["total"] == 1
    assert row["beneficiaires"]["anonymes"] == 0
    assert row["beneficiaires"]["genres"]["feminin"] == 1
    assert row["beneficiaires"]["tranches_age"]["soixante_soixante_neuf"] == 1
    assert row["beneficiaires"]["statuts"]["retraite"] == 1
    assert sum(row["beneficiaires"]["genres"].values()) == 1
    anonyme = next(r for r in results if r["id"] != str(activite.uuid))
    assert anonyme["beneficiaires"]["anonymes"] == 1
    assert anonyme["beneficiaires"]["genres"]["masculin"] == 1


def _values(data, keys):
    """Every value under one of `keys`, anywhere in a JSON document."""
    if isinstance(data, dict):
        found = [v for k, v in data.items() if k in keys]
        return found + [x for v in data.values() for x in _values(v, keys)]
    if isinstance(data, list):
        return [x for v in data for x in _values(v, keys)]
    return []


def test_no_personal_data(client, ctx, jeton):
    individuelle(ctx, notes=NOTE, nom_demarche="Dossier de Mme Martin")
    body = call(client, jeton[1]).content.decode()
    personne = ctx["personne"]
    for secret in (
        NOTE,
        "Mme Martin",
        personne.prenom,
        personne.nom,
        ctx["mediateur"].email,
        ctx["mediateur"].first_name,
        str(personne.uuid),
    ):
        assert secret not in body
    # Nor the file's id as any value (a bare "1" would match anything: read the JSON).
    assert personne.pk not in _values(call(client, jeton[1]).json(), keys=("id", "pk"))
    assert "beneficiaire" not in body.replace("beneficiaires", "")
    assert "mediateur" not in body


def test_counts_in_constant_queries(client, ctx, jeton, django_assert_num_queries):
    individuelle(ctx)
    call(client, jeton[1])  # the last use written
    # Token, page, counts.
    with django_assert_num_queries(3):
        call(client, jeton[1])
    for _ in range(12):
        individuelle(ctx, anonyme={"genre": Genre.FEMININ}, beneficiaire=None)
    with django_assert_num_queries(3):
        assert len(call(client, jeton[1]).json()["results"]) == 13


# --- Sync: cursor, modified since, tombstones ---------------------------------------------------


def test_cursor_pagination_walks_everything_once(client, ctx, jeton):
    made = []
    for i in range(7):
        with time_machine.travel(timezone.now() - datetime.timedelta(hours=i), tick=False):
            made.append(individuelle(ctx).uuid)
    seen = []
    page = call(client, jeton[1], taille=3).json()
    assert set(page) == {"next", "previous", "results"}
    while True:
        seen += [r["id"] for r in page["results"]]
        if not page["next"]:
            break
        assert "cursor=" in page["next"]
        page = client.get(page["next"], **bearer(jeton[1])).json()
    assert seen == [str(u) for u in made]  # last modified first
    response = call(client, jeton[1], cursor="pas-un-curseur")
    assert response.status_code == 404
    assert response.json()["detail"] == "Curseur invalide."


def test_modified_since_and_tombstones(client, ctx, jeton):
    vieille = individuelle(ctx)
    gardee = individuelle(ctx)
    later = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        activites.delete_activite(acteur=ctx["mediateur"], activite=vieille)
    depuis = (later - datetime.timedelta(minutes=1)).isoformat()
    results = call(client, jeton[1], modifie_depuis=depuis).json()["results"]
    assert [r["id"] for r in results] == [str(vieille.uuid)]
    tombe = results[0]
    assert tombe["supprime"] is True
    assert tombe["supprime_le"] is not None
    assert tombe["type"] == "individuel"
    kept = {"id", "type", "supprime", "supprime_le", "cree_le", "modifie_le"}
    assert {k for k, v in tombe.items() if v is not None} == kept
    assert set(tombe) == set(call(client, jeton[1]).json()["results"][1])  # same keys
    everything = call(client, jeton[1]).json()["results"]
    assert {r["id"] for r in everything} == {str(vieille.uuid), str(gardee.uuid)}
    assert call(client, jeton[1], modifie_depuis="hier").status_code == 400
    # Found by schemathesis on PostgreSQL: an offset Python accepts and PostgreSQL refuses
    # (beyond ±15:59) is read in UTC; one that leaves the possible dates is a 400.
    response = call(client, jeton[1], modifie_depuis="0660-04-15T12:38:46.3+18:09")
    assert response.status_code == 200
    response = call(client, jeton[1], modifie_depuis="0001-01-01T00:00:00+18:00")
    assert response.status_code == 400


# --- The command ------------------------------------------------------------------------------


def run(*args):
    out = StringIO()
    call_command("jeton_api", *args, stdout=out)
    return out.getvalue()


def test_command_dry_run_then_create_list_revoke(ctx):
    email = ctx["coordinateur"].email
    assert "Simulation" in run("creer", "--nom", "Outil", "--par", email)
    assert not JetonApi.objects.exists()
    out = run("creer", "--nom", "Outil", "--par", email, "--wet-run")
    clear = out.strip().splitlines()[-1]
    jeton = JetonApi.objects.get()
    assert jeton.empreinte == jetons_api.fingerprint(clear)
    assert "actif" in run("liste")
    assert clear not in run("liste")
    assert "Simulation" in run("revoquer", str(jeton.pk), "--par", email)
    jeton.refresh_from_db()
    assert jeton.revoque_le is None
    assert "révoqué" in run("revoquer", str(jeton.pk), "--par", email, "--wet-run")
    jeton.refresh_from_db()
    assert jeton.revoque_le is not None


def test_command_refuses_a_non_coordinator(ctx):
    with pytest.raises(CommandError):
        run("creer", "--nom", "Outil", "--par", ctx["mediateur"].email, "--wet-run")
    with pytest.raises(CommandError):
        run("revoquer", "999", "--par", member(Role.COORDINATEUR).email, "--wet-run")
