"""Places in the national standard (LaMednum v1.0.2), as CSV and JSON, streamed.

Rows come from `inclusion.standard.lieu_to_row` (the standard's 32 columns in its order);
the database is read in chunks (mediation.opendata.flux), so memory stays flat whatever the
number of places (bench/opendata_lieux.py measures it).
"""

import csv

from django.db.models import Max

from inclusion.models import Lieu
from inclusion.standard import COLUMNS, lieu_to_row
from mediation.opendata import flux

NUMBERS = ("latitude", "longitude")


class _Echo:
    """A file-like object whose write returns the line: csv.writer feeds the stream."""

    def write(self, value):
        return value


def lieux_publies():
    """Active places, in a stable order (the standard's id is their uuid)."""
    return Lieu.objects.filter(actif=True).select_related("commune", "structure").order_by("pk")


def derniere_maj():
    """The latest change of a published place (its `date_maj`), or None."""
    return lieux_publies().aggregate(m=Max("date_maj"))["m"]


def csv_lines(queryset=None):
    """The CSV file line by line: a header of the standard's columns, then one row a place.
    UTF-8 without BOM, comma separated, every field quoted (as the reference example)."""
    queryset = lieux_publies() if queryset is None else queryset
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield writer.writerow(COLUMNS).encode()
    for lieu in flux.rows(queryset):
        row = lieu_to_row(lieu)
        yield writer.writerow([row[c] for c in COLUMNS]).encode()


def json_record(row):
    """The CSV row as a JSON object: same keys and strings ("|" lists kept), coordinates as
    numbers, empty values as null."""
    record = {}
    for column in COLUMNS:
        value = row[column]
        if value == "":
            record[column] = None
        elif column in NUMBERS:
            record[column] = float(value)
        else:
            record[column] = value
    return record


def json_chunks(queryset=None):
    """A JSON array of places, written piece by piece."""
    queryset = lieux_publies() if queryset is None else queryset
    yield from flux.json_array(json_record(lieu_to_row(lieu)) for lieu in flux.rows(queryset))
    yield b"\n"
