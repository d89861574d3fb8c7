"""How the open-data files are streamed: rows read from the database a chunk at a time, each
record written as soon as it is made, so memory stays flat whatever the number of rows
(bench/opendata_lieux.py, bench/national/mesures.py measure it)."""

import json

CHUNK = 500


def rows(queryset, chunk_size=None):
    """The queryset's rows, read CHUNK at a time (a server-side cursor on PostgreSQL); its
    prefetches, if any, run once per chunk."""
    return queryset.iterator(chunk_size=chunk_size or CHUNK)


def json_array(records, indent=None, depth=0):
    """A JSON array of the records, piece by piece.

    With `indent`, the bytes json.dumps(..., indent=indent) writes for the array at this depth
    of a document ("[]" when empty); without, one record a line between "[" and "]"."""
    if indent is None:
        yield b"["
        separator = "\n"
        for record in records:
            yield (separator + json.dumps(record, ensure_ascii=False)).encode()
            separator = ",\n"
        yield b"\n]"
        return
    inner = " " * (indent * (depth + 1))
    separator = "[\n"
    for record in records:
        text = json.dumps(record, ensure_ascii=False, indent=indent)
        # A JSON text has no raw newline inside a string: each line is a line of the record.
        yield (separator + "\n".join(inner + line for line in text.split("\n"))).encode()
        separator = ",\n"
    yield b"[]" if separator == "[\n" else ("\n" + " " * (indent * depth) + "]").encode()
