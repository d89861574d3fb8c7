"""Issue 17: the dashboards' charts drawn on the server (mediation/pilotage/graphiques.py) and
the figures written the French way (affichage.py)."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from mediation.pilotage import affichage
from mediation.pilotage.graphiques import barres, barres_empilees, courbe, graphique
from mediation.pilotage.sections import Ligne, Tableau

SVG = "{http://www.w3.org/2000/svg}"


def tableau(graphique="barres", colonnes=("Commune", "Personnes"), lignes=None, unite=""):
    lignes = lignes or (
        Ligne("Ville-Haute", (30,), mise_en_avant=True),
        Ligne("Ville-Basse", (15,)),
        Ligne("Sans commune", (0,)),
    )
    return Tableau(
        cle="essai",
        titre="Personnes <par> commune",
        phrase="Ville-Haute & Ville-Basse.",
        colonnes=colonnes,
        lignes=lignes,
        graphique=graphique,
        unite=unite,
    )


def parse(svg):
    return ET.fromstring(str(svg))


def texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


def test_bars_are_an_image_named_by_title_and_desc():
    root = parse(barres(tableau(), "g-x"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "g-x-titre g-x-desc"
    assert root.find(f"{SVG}title").get("id") == "g-x-titre"
    assert root.find(f"{SVG}title").text == "Personnes <par> commune"  # escaped, then parsed
    assert root.find(f"{SVG}desc").text == "Ville-Haute & Ville-Basse."


def test_bars_write_each_value_and_are_proportional():
    root = parse(barres(tableau(), "g-x"))
    assert {"Ville-Haute", "Ville-Basse", "Sans commune", "30", "15", "0"} <= set(texts(root))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[2] == 1  # a zero still shows a hairline, its value written beside it


def test_a_highlighted_row_is_bold():
    root = parse(barres(tableau(), "g-x"))
    bold = [t.text for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert bold == ["Ville-Haute"]


def test_several_series_differ_without_colour():
    t = tableau(
        colonnes=("Mois", "Délivrés", "Utilisés", "Remboursés"),
        lignes=(Ligne("octobre", (10, 5, 2)), Ligne("novembre", (8, 6, 4))),
    )
    svg = str(barres(t, "g-y"))
    root = parse(svg)
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("height") == "18"}
    assert fills == {"#1b2f4d", "url(#g-y-motif-1)", "url(#g-y-motif-2)"}
    assert 'id="g-y-motif-1"' in svg and 'id="g-y-motif-2"' in svg
    assert {"Délivrés", "Utilisés", "Remboursés"} <= set(texts(root))  # the legend


def test_rates_scale_to_100_percent():
    t = tableau(unite="%", lignes=(Ligne("A", (0.5,)), Ligne("B", (0.25,))))
    root = parse(barres(t, "g-z"))
    assert {"50\u202f%", "25\u202f%"} <= set(texts(root))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[0] < 400 / 2


def test_stacked_bars_total_and_segments():
    t = tableau(
        graphique="barres_empilees",
        colonnes=("Atelier", "Présents", "Absents", "Excusés"),
        lignes=(Ligne("Smartphone", (30, 10, 1)), Ligne("Démarches", (0, 4, 0))),
    )
    root = parse(barres_empilees(t, "g-e"))
    values = texts(root)
    assert "41" in values and "4" in values  # totals
    assert "30" in values and "10" in values  # segments wide enough carry their value
    assert {"Présents", "Absents", "Excusés"} <= set(values)


def test_line_for_months():
    t = tableau(
        graphique="courbe",
        colonnes=("Mois", "Pass délivrés"),
        lignes=tuple(Ligne(f"m{i}", (i * 2,)) for i in range(1, 13)),
    )
    root = parse(courbe(t, "g-c"))
    line = root.find(f"{SVG}polyline")
    points = line.get("points").split()
    assert len(points) == 12
    ys = [float(p.split(",")[1]) for p in points]
    assert ys == sorted(ys, reverse=True)  # growing values go up
    assert "24" in texts(root) and "m1" in texts(root)


def test_nothing_to_draw():
    assert graphique(tableau(graphique=""), "g-n") == ""
    empty = Tableau("v", "Vide", "", ("A", "B"), (), graphique="barres")
    assert graphique(empty, "g-n") == ""


def test_labels_are_escaped_and_ids_prefixed():
    t = tableau(lignes=(Ligne('<script>alert("x")</script>', (3,)), Ligne("b", (None,))))
    svg = str(graphique(t, "g-esc"))
    assert "<script>" not in svg
    parse(svg)  # well-formed
    assert "—" in texts(parse(svg))  # None written as not applicable
    assert all(i.startswith("g-esc") for i in re.findall(r'id="([^"]+)"', svg))


def test_text_values_do_not_break_a_chart():
    t = tableau(colonnes=("Lieu", "Structure", "Visites"), lignes=(Ligne("L1", ("CCAS", 4)),))
    parse(graphique(t, "g-t"))


# --- Figures in French -------------------------------------------------------------------------


def test_values_written_the_french_way():
    assert affichage.valeur(1234567) == "1\u202f234\u202f567"
    assert affichage.valeur(Decimal("1234.5"), "€") == "1\u202f234,50\u202f€"
    assert affichage.valeur(Decimal("40"), "€") == "40\u202f€"
    assert affichage.valeur(0.456, "%") == "46\u202f%"
    assert affichage.valeur(0.05, "%") == "5\u202f%"
    assert affichage.valeur(0.055, "%") == "5,5\u202f%"
    assert affichage.valeur(2.5, "jours") == "2,5\u00a0jours"
    assert affichage.valeur(None) == "—"
    assert affichage.valeur(12.25) == "12,2" or affichage.valeur(12.25) == "12,3"


def test_change_from_the_previous_period():
    assert affichage.evolution(112, 100).startswith("+12\u202f% par rapport")
    assert affichage.evolution(90, 100).startswith("−10\u202f% par rapport")
    assert affichage.evolution(5, 0) == "contre 0 sur la période précédente"
    assert affichage.evolution(0, 0).startswith("stable")
    assert affichage.evolution(0.5, 0.45, "%").startswith("+5\u00a0points")
    assert affichage.evolution(0.44, 0.45, "%").startswith("−1\u00a0point ")
    assert affichage.evolution(3, None) == ""
    assert affichage.evolution(None, 3) == ""


def test_export_values_stay_numbers():
    assert affichage.export_value(0.456, "%") == 45.6
    assert affichage.export_value(Decimal("12.50"), "€") == Decimal("12.50")
    assert affichage.export_value(None) == ""
    assert affichage.export_value(7) == 7
