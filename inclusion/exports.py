"""Cells for spreadsheets (CSV and XLSX exports): text that a spreadsheet would run as a
formula is neutralised (OWASP "CSV injection"). Every export writes its cells through here.

A cell of text that starts with = + - @, a tab or a carriage return gets a leading single
quote: the spreadsheet shows it as text (`=HYPERLINK(…)` typed as a reference stays words).
Numbers stay numbers: an int or a Decimal, or an amount formatted by `nombre()`, is written as
it is, so that a negative amount is still a number the spreadsheet can add up, while the same
characters typed by a person ("-10,00" in a free-text field) are quoted like any text.
"""

import csv
from decimal import Decimal

DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


class Nombre(str):
    """A number formatted by our code (French decimal comma), never text from a person."""


def nombre(value, decimales=2):
    """Decimal(-1234.5) → Nombre("-1234,50"): a number a French spreadsheet reads as such."""
    quantum = Decimal(1).scaleb(-decimales)
    return Nombre(f"{Decimal(value).quantize(quantum)}".replace(".", ","))


def cellule_sure(value):
    """The value to write in a spreadsheet cell: numbers as they are, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, Nombre | Decimal | float | int) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(DEBUTS_DE_FORMULE):
        return "'" + text
    return text


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([cellule_sure(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(buffer, *, delimiter=";", lineterminator="\r\n", **kwargs):
    """csv.writer whose every cell goes through cellule_sure. Defaults for French
    spreadsheets (`;` and CRLF; write the UTF-8 BOM first)."""
    return _SafeWriter(
        csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator, **kwargs)
    )
