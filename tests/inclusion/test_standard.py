import csv
import json
import re

import pytest
from django.core.management import call_command

from inclusion.models import Lieu
from inclusion.standard import COLUMNS, SCHEMA_PATH, lieu_to_row

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_columns_match_schema_order():
    assert COLUMNS == [f["name"] for f in SCHEMA["fields"]]


def test_reference_example_uses_same_columns():
    example = SCHEMA_PATH.with_name("exemple-valide.csv")
    with example.open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == COLUMNS


def _violations(row):
    problems = []
    for field in SCHEMA["fields"]:
        name, rules = field["name"], field.get("constraints", {})
        value = row[name]
        if not value:
            if rules.get("required"):
                problems.append(f"{name}: obligatoire")
            continue
        if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
            problems.append(f"{name}: {value!r} ne respecte pas le motif")
        if "maxLength" in rules and len(value) > rules["maxLength"]:
            problems.append(f"{name}: trop long")
        if field["type"] == "number":
            float(value)
    return problems


@pytest.mark.django_db
def test_demo_places_export_to_valid_standard_rows(settings):
    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    rows = [lieu_to_row(lieu) for lieu in Lieu.objects.select_related("commune", "structure")]
    assert len(rows) == 10
    for row in rows:
        assert list(row) == COLUMNS
        assert _violations(row) == [], row["nom"]
    assert len({row["id"] for row in rows}) == 10
