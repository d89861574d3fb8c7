"""Places in the national standard v1.0.2: CSV and JSON, streamed, valid against the
reference schema with frictionless (how CI validates them: bin/test runs pytest)."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from frictionless import Resource, Schema, validate

from inclusion.standard import COLUMNS, SCHEMA_PATH
from tests.inclusion.factories import LieuFactory
from tests.mediation import monde_opendata

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

EXEMPLE = SCHEMA_PATH.with_name("exemple-valide.csv")


def _schema():
    """The reference schema, read here (frictionless refuses absolute paths as unsafe)."""
    return Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _body(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def _errors(report):
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_schema_is_the_reference_copy():
    reference = SCHEMA_PATH.parents[2] / ".." / "shared" / "reference" / "standard-mediation-num"
    reference = reference.resolve()
    if not reference.exists():
        pytest.skip("the shared reference is not beside the project")
    for name in ("schema.json", "exemple-valide.csv"):
        assert (reference / name).read_bytes() == SCHEMA_PATH.with_name(name).read_bytes()


def test_csv_columns_and_order_are_the_reference_example_header(client):
    with EXEMPLE.open(encoding="utf-8") as fh:
        attendu = next(csv.reader(fh))
    body = _body(client.get(reverse("opendata:lieux_csv")))
    assert next(csv.reader(io.StringIO(body.decode("utf-8")))) == attendu == COLUMNS


def test_csv_is_valid_against_the_schema_with_frictionless(client, tmp_path):
    monde = monde_opendata.build()
    response = client.get(reverse("opendata:lieux_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="lieux-mediation-numerique.csv"' in response["Content-Disposition"]
    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]
    body = _body(response)
    assert not body.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM, as the standard's example
    path = tmp_path / "lieux.csv"
    path.write_bytes(body)
    report = validate(
        Resource(
            path=path.name,
            basepath=str(tmp_path),
            schema=_schema(),
        )
    )
    assert _errors(report) == []
    assert report.valid
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    # Active places only: the closed one is not published.
    assert [r["nom"] for r in rows] == [monde["complet"].nom, monde["minimal"].nom]
    complet = rows[0]
    assert complet["id"] == f"lieu-{monde['complet'].uuid}"
    assert complet["services"] == (
        "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien"
    )
    assert complet["formations_labels"] == (
        "Étapes numériques(La Poste)|Formé à « Mon Espace Santé »"
    )
    assert complet["courriels"] == "contact@mediatheque.example|numerique@mediatheque.example"
    assert complet["telephone"] == "+33556112233"
    assert complet["latitude"] == "44.83780"
    assert complet["date_maj"] == "2026-11-17"
    # The minimal place takes its structure's RNA as pivot.
    assert rows[1]["pivot"] == "W123456789"


def test_json_has_the_same_places_and_is_valid_too(client):
    monde_opendata.build()
    csv_rows = list(
        csv.DictReader(io.StringIO(_body(client.get(reverse("opendata:lieux_csv"))).decode()))
    )
    response = client.get(reverse("opendata:lieux_json"))
    assert response["Content-Type"] == "application/json"
    assert 'filename="lieux-mediation-numerique.json"' in response["Content-Disposition"]
    records = json.loads(_body(response))
    assert [list(r) for r in records] == [COLUMNS, COLUMNS]
    assert records[0]["latitude"] == 44.8378
    assert records[1]["complement_adresse"] is None
    for record, row in zip(records, csv_rows, strict=True):
        as_text = {k: "" if v is None else v for k, v in record.items()}
        as_text["latitude"] = row["latitude"] and str(float(row["latitude"]))
        as_text["longitude"] = row["longitude"] and str(float(row["longitude"]))
        row = {**row, "latitude": as_text["latitude"], "longitude": as_text["longitude"]}
        assert {k: str(v) for k, v in as_text.items()} == row
    report = validate(Resource(data=records, schema=_schema()))
    assert _errors(report) == []


def test_empty_territory_gives_the_header_alone(client):
    body = _body(client.get(reverse("opendata:lieux_csv")))
    assert body.decode().count("\r\n") == 1
    assert json.loads(_body(client.get(reverse("opendata:lieux_json")))) == []


@pytest.mark.parametrize("url_name", ["opendata:lieux_csv", "opendata:lieux_json"])
def test_query_count_does_not_grow_with_places(client, url_name):
    def count():
        return monde_opendata.queries_of(client, url_name)

    LieuFactory()
    one = count()
    LieuFactory.create_batch(30)
    assert count() == one


def test_head_and_post(client):
    assert client.head(reverse("opendata:lieux_csv")).status_code == 200
    assert client.post(reverse("opendata:lieux_csv")).status_code == 405


def test_the_validation_catches_a_broken_file(client, tmp_path):
    """The check bites: a pivot out of the pattern and a missing required value are errors."""
    monde_opendata.build()
    body = _body(client.get(reverse("opendata:lieux_csv"))).decode()
    body = body.replace('"W123456789"', '"W12"').replace('"12 rue des Lilas"', '""')
    (tmp_path / "casse.csv").write_text(body, encoding="utf-8")
    report = validate(Resource(path="casse.csv", basepath=str(tmp_path), schema=_schema()))
    assert {(e[1], e[2]) for e in _errors(report)} == {
        ("pivot", "constraint-error"),
        ("adresse", "constraint-error"),
    }
