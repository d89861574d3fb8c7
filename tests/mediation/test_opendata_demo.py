"""The demo territory (every app's demo builder) published: the places' CSV valid for the
national schema (frictionless), every data·inclusion object valid for the official package,
and the workshops' files readable."""

import json

import icalendar
import pytest
from data_inclusion.schema import v1
from django.core.management import call_command
from django.urls import reverse
from frictionless import Resource, Schema, validate

from inclusion.standard import SCHEMA_PATH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_demo_territory_publishes_valid_files(client, settings, tmp_path):
    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    response = client.get(reverse("opendata:lieux_csv"))
    (tmp_path / "lieux.csv").write_bytes(b"".join(response.streaming_content))
    schema = Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    report = validate(Resource(path="lieux.csv", basepath=str(tmp_path), schema=schema))
    assert report.flatten(["rowNumber", "fieldName", "type", "note"]) == []
    assert report.tasks[0].stats["rows"] == 10

    strict = {"ignore_warnings": False}
    structures = json.loads(client.get(reverse("opendata:di_structures")).content)
    services = json.loads(client.get(reverse("opendata:di_services")).content)
    for structure in structures:
        v1.Structure.model_validate(structure, context=strict)
    for service in services:
        v1.Service.model_validate(service, context=strict)
    assert len(structures) == 10
    types = {s["type"] for s in services}
    assert types == {"atelier", "accompagnement"}
    ids = {s["id"] for s in structures}
    assert {s["structure_id"] for s in services} <= ids

    response = client.get(reverse("opendata:ateliers_json"))
    sessions = json.loads(b"".join(response.streaming_content))["sessions"]
    assert sessions
    response = client.get(reverse("opendata:ateliers_ics"))
    cal = icalendar.Calendar.from_ical(b"".join(response.streaming_content))
    assert len(list(cal.walk("VEVENT"))) == len(sessions)
