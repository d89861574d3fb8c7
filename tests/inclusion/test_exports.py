"""Issue 12: spreadsheet exports neutralise cells that a spreadsheet would run as formulas."""

import csv
import io
from decimal import Decimal

import pytest

from inclusion.exports import cellule_sure, csv_writer, nombre


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("https://exemple.fr/?x=1","Cliquez")',
        "+33 6 12 34 56 78",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "-10,00",  # typed by a person: text like any other
    ],
)
def test_text_starting_like_a_formula_is_quoted(text):
    assert cellule_sure(text) == "'" + text


@pytest.mark.parametrize("text", ["Atelier collectif", "ateliers.session#4", "", "10,00", "a=b"])
def test_ordinary_text_is_kept(text):
    assert cellule_sure(text) == text


def test_numbers_stay_numbers_even_negative():
    assert cellule_sure(-3) == -3
    assert cellule_sure(Decimal("-10.50")) == Decimal("-10.50")
    assert cellule_sure(nombre(Decimal("-10.5"))) == "-10,50"
    assert cellule_sure(nombre(1234)) == "1234,00"
    assert cellule_sure(None) == ""
    assert cellule_sure(True) == "True"


def test_the_writer_neutralises_every_cell():
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["=1+1", nombre(-5), "ok", 7, "@x"])
    writer.writerows([["+1"]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))
    assert rows == [["'=1+1", "-5,00", "ok", "7", "'@x"], ["'+1"]]
    assert buffer.getvalue().endswith("\r\n")
