"""Issue 17: the dashboards' page (/pro/pilotage/), its PDF and its tables' exports: who sees
it and within which scope, the filters in the URL, what each section shows, a constant query
count, and the sections written by the other helpers rendered for real."""

import csv
import importlib
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import Lieu
from mediation.pilotage import tableau_de_bord
from mediation.pilotage.filtres import Portee
from tests.inclusion.factories import LieuFactory, StructureFactory, member
from tests.mediation.pilotage_fausse_section import use_fake_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

URL = "/pro/pilotage/"


def signed(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def fake(monkeypatch):
    return use_fake_section(monkeypatch)


@pytest.fixture
def coordinateur():
    return member(Role.COORDINATEUR)


def test_url_names():
    assert reverse("pilotage:tableau_de_bord") == URL
    assert reverse("pilotage:pdf") == URL + "pdf/"


@pytest.mark.parametrize("url", [URL, URL + "pdf/"])
def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/pro/connexion/" in response["Location"]


@pytest.mark.parametrize("url", [URL, URL + "pdf/"])
def test_volontaire_is_refused(client, url, fake):
    signed(client, member(Role.VOLONTAIRE))
    assert client.get(url).status_code == 403
    assert fake == []


def test_coordinator_sees_the_territory(client, coordinateur, fake):
    response = signed(client, coordinateur).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Vous voyez les chiffres de tout le territoire." in html
    # Default period: the last 12 months up to today (17/11/2026), compared with the year before.
    assert "du 18 novembre 2025 au 17 novembre 2026" in html
    assert "du 18 novembre 2024 au 17 novembre 2025" in html
    filtres, portee = fake[0]
    assert portee.territoire and filtres.structure is None


def test_figures_with_their_change(client, coordinateur, fake):
    html = signed(client, coordinateur).get(URL).content.decode()
    assert "112" in html
    assert "+12\u202f% par rapport à la période précédente (100)" in html
    assert "1\u202f234,50\u202f€" in html
    assert "+23\u202f% par rapport à la période précédente (1\u202f000\u202f€)" in html
    assert "50\u202f%" in html and "+5\u00a0points par rapport à la période précédente" in html
    assert "—" in html  # None is not applicable, never 0


def test_each_table_chart_sentence_table_and_exports(client, coordinateur, fake):
    html = signed(client, coordinateur).get(URL).content.decode()
    for ident in ("g-essai-essai-quartiers", "g-essai-essai-presence", "g-essai-essai-mois"):
        assert f'aria-labelledby="{ident}-titre {ident}-desc"' in html
    assert html.count('role="img"') == 3
    assert (
        "<caption>Personnes par quartier, du 18 novembre 2025 au 17 novembre 2026</caption>" in html
    )
    assert '<th scope="col">Quartier</th>' in html
    assert '<th scope="row">Quartier 2</th><td>20</td><td>2</td>' in html
    assert "Le quartier 3 compte le plus de personnes." in html
    assert html.count('name="tableau" value="essai_') == 3  # no export of an empty table
    assert "Aucune donnée sur cette période." in html
    assert 'value="csv"' in html and 'value="xlsx"' in html


def test_filters_in_the_url_reach_the_sections_and_the_links(client, coordinateur, fake):
    structure = StructureFactory()
    lieu = LieuFactory(structure=structure)
    query = f"?du=2026-01-01&au=2026-03-31&structure={structure.pk}&lieu={lieu.pk}"
    html = signed(client, coordinateur).get(URL + query).content.decode()
    filtres, _ = fake[0]
    assert (filtres.du.isoformat(), filtres.au.isoformat()) == ("2026-01-01", "2026-03-31")
    assert (filtres.structure, filtres.lieu) == (structure.pk, lieu.pk)
    assert "comparée à la période précédente, du 3 octobre 2025 au 31 décembre 2025" in html
    pdf = f"/pro/pilotage/pdf/?du=2026-01-01&amp;au=2026-03-31&amp;structure={structure.pk}"
    assert pdf in html
    assert f'<input type="hidden" name="lieu" value="{lieu.pk}">' in html
    assert f'<option value="{structure.pk}" selected>' in html


def test_bad_input_is_said_next_to_the_field(client, coordinateur, fake):
    response = signed(client, coordinateur).get(URL + "?du=2026-13-45&commune=999999&lieu=abc")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["du"] and form.errors["commune"] and form.errors["lieu"]
    html = response.content.decode()
    assert 'aria-describedby="id_commune_erreurs"' in html or "id_commune_erreurs" in html
    filtres, _ = fake[0]
    assert filtres.commune is None and filtres.lieu is None
    assert filtres.au.isoformat() == "2026-11-17"


def test_mediateur_limited_to_their_places(client, fake):
    structure = StructureFactory(nom="Espace Nord")
    mine = LieuFactory(structure=structure, nom="Mon lieu")
    other = LieuFactory(nom="Lieu d'ailleurs")
    mediateur = member(Role.MEDIATEUR, structure)
    response = signed(client, mediateur).get(
        URL + f"?lieu={other.pk}&structure={other.structure_id}"
    )
    html = response.content.decode()
    assert "Vous voyez les chiffres des lieux de votre structure : Espace Nord." in html
    choices = dict(response.context["form"].fields["lieu"].choices)
    assert str(mine.pk) in choices and str(other.pk) not in choices
    assert "n&#x27;existe pas ou vous n&#x27;y avez pas accès" in html
    filtres, portee = fake[0]
    assert portee == Portee(structures=frozenset({structure.pk}), role=Role.MEDIATEUR)
    assert filtres.lieu is None and filtres.structure is None


def test_prescripteur_limited_to_their_structure(client, fake):
    structure = StructureFactory(nom="CCAS du Centre")
    StructureFactory(nom="Autre structure")
    response = signed(client, member(Role.PRESCRIPTEUR, structure)).get(URL)
    html = response.content.decode()
    assert "Vous voyez les chiffres de votre structure : CCAS du Centre" in html
    assert "Autre structure" not in html
    assert fake[0][1].role == Role.PRESCRIPTEUR


def test_page_without_any_section(client, coordinateur, monkeypatch):
    monkeypatch.setattr(tableau_de_bord, "MODULES", ("mediation.pilotage.section_absente",))
    html = signed(client, coordinateur).get(URL).content.decode()
    assert "Aucune section n'est encore disponible." in html


def test_menu_entry_for_pro_users(client):
    from inclusion import registry
    from mediation import pilotage_hooks  # noqa: F401

    for role in (Role.COORDINATEUR, Role.MEDIATEUR, Role.PRESCRIPTEUR):
        urls = [e.url_name for e in registry.pro_entries_for(member(role))]
        assert "pilotage:tableau_de_bord" in urls
    assert "pilotage:tableau_de_bord" not in [
        e.url_name for e in registry.pro_entries_for(member(Role.VOLONTAIRE))
    ]


# --- Query count ------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_rows(
    client, coordinateur, monkeypatch, habillage_en_cache
):
    """The page's own queries (form lists, scope) do not grow with the data: 1 place vs 30."""
    use_fake_section(monkeypatch, query=lambda: list(Lieu.objects.all()[:1]))
    signed(client, coordinateur)
    LieuFactory()
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for _ in range(29):
        LieuFactory()
    use_fake_section(monkeypatch, lignes=40, query=lambda: list(Lieu.objects.all()[:1]))
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(one)


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_of_the_same_content(client, coordinateur, fake, monkeypatch):
    from mediation.pilotage import pdf

    rendered = {}

    def fake_render(context, request=None):
        from django.template.loader import render_to_string

        rendered["html"] = render_to_string("mediation/pilotage/pdf.html", context, request=request)
        return b"%PDF-1.7 test"

    monkeypatch.setattr(pdf, "render_pdf", fake_render)
    response = signed(client, coordinateur).get(URL + "pdf/?du=2026-01-01&au=2026-03-31")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="pilotage_2026-01-01_2026-03-31.pdf"' in response["Content-Disposition"]
    html = rendered["html"]
    assert "Personnes par quartier" in html and 'role="img"' in html
    assert "exports:demander" not in html and 'name="format"' not in html
    assert "du 1er janvier 2026 au 31 mars 2026" in html


def test_pdf_rendered_by_weasyprint(client, coordinateur, fake):
    response = signed(client, coordinateur).get(URL + "pdf/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_pdf_fetches_nothing_from_the_network():
    from mediation.pilotage.pdf import Refused, url_fetcher

    with pytest.raises(Refused):
        url_fetcher("https://example.org/logo.png")
    with pytest.raises(Refused):
        url_fetcher("file:///etc/passwd")
    assert url_fetcher("/static/mediation/pilotage.css")["string"].startswith(b"/* Pilotage")


# --- Exports ----------------------------------------------------------------------------------


def _export(client, format, **params):
    return client.post(
        reverse("exports:demander"),
        {"nature": "pilotage", "format": format, **params},
    )


def test_export_csv_of_one_table(client, coordinateur, fake):
    from mediation import pilotage_hooks  # noqa: F401  (registers the export)

    response = _export(
        signed(client, coordinateur),
        "csv",
        tableau="essai_quartiers",
        du="2026-01-01",
        au="2026-03-31",
    )
    assert response.status_code == 200
    content = response.content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert ["Période", "du 1er janvier 2026 au 31 mars 2026"] in rows
    start = rows.index(["Quartier", "Personnes", "Nouvelles"])
    assert rows[start + 1 : start + 4] == [
        ["Quartier 1", "10", "1"],
        ["Quartier 2", "20", "2"],
        ["Quartier 3", "30", "3"],
    ]
    filtres, _ = fake[-1]
    assert filtres.du.isoformat() == "2026-01-01"


def test_a_long_table_shows_its_largest_rows_and_exports_them_all(
    client, coordinateur, monkeypatch
):
    """Issue 19: a national territory's thousands of communes and neighbourhoods: the page
    keeps a long table's 30 largest rows (its own order), the export has every row; a time
    series (by month) is never cut."""
    from mediation import pilotage_hooks  # noqa: F401  (registers the export)
    from mediation.pilotage import presentation

    use_fake_section(monkeypatch, lignes=45)
    html = signed(client, coordinateur).get(URL).content.decode()
    tableau = html.split('id="tableau-essai_quartiers"')[1].split('id="tableau-')[0]
    shown = [
        f"Quartier {i}" for i in range(1, 46) if f'<th scope="row">Quartier {i}</th>' in tableau
    ]
    assert shown == [f"Quartier {i}" for i in range(16, 46)]
    assert presentation.LIGNES_PAGE == 30
    assert "Les 30 lignes les plus fortes sur 45" in tableau
    assert "le tableau entier est dans l'export ci-dessous (CSV ou XLSX)." in tableau
    assert "Quartier 15" not in tableau  # neither in the table nor in its chart

    rows = list(
        csv.reader(
            io.StringIO(
                _export(client, "csv", tableau="essai_quartiers").content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    start = rows.index(["Quartier", "Personnes", "Nouvelles"])
    assert [r[0] for r in rows[start + 1 : start + 46]] == [f"Quartier {i}" for i in range(1, 46)]


def test_a_time_series_is_never_cut():
    from mediation.pilotage import presentation
    from mediation.pilotage.sections import Ligne, Tableau

    lignes = tuple(Ligne(f"mois {i}", (i,)) for i in range(61))  # five years by month
    serie = Tableau("m", "Par mois", "", ("Mois", "n"), lignes, chronologique=True)
    assert presentation.shown(serie) == (serie, 0)
    longue = Tableau("q", "Par quartier", "", ("Quartier", "n"), lignes)
    coupee, total = presentation.shown(longue)
    assert total == 61 and [ligne.valeurs[0] for ligne in coupee.lignes] == list(range(31, 61))


def test_export_xlsx_of_one_table(client, coordinateur, fake):
    from mediation import pilotage_hooks  # noqa: F401

    response = _export(signed(client, coordinateur), "xlsx", tableau="essai_mois")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    start = values.index(["Mois", "Pass"])
    assert values[start + 1] == ["mois 1", 1]
    assert len(values) - start - 1 == 12


def test_export_of_an_unknown_table_is_refused(client, coordinateur, fake):
    from mediation import pilotage_hooks  # noqa: F401

    response = _export(signed(client, coordinateur), "csv", tableau="inconnu")
    assert response.status_code == 302
    assert response["Location"] == URL


def test_export_refused_to_a_volontaire(client, fake):
    from mediation import pilotage_hooks  # noqa: F401

    response = _export(signed(client, member(Role.VOLONTAIRE)), "csv", tableau="essai_mois")
    assert response.status_code == 403


def test_export_keeps_the_scope(client, fake):
    from mediation import pilotage_hooks  # noqa: F401

    structure = StructureFactory()
    other = LieuFactory()
    mediateur = member(Role.MEDIATEUR, structure)
    response = _export(signed(client, mediateur), "csv", tableau="essai_mois", lieu=str(other.pk))
    assert response.status_code == 200
    filtres, portee = fake[-1]
    assert filtres.lieu is None and portee.structures == frozenset({structure.pk})


# --- The real sections, as they land -----------------------------------------------------------


def _present_modules():
    present = []
    for name in tableau_de_bord.MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        present.append(name)
    return present


@pytest.mark.parametrize("module", _present_modules())
def test_real_section_rendered(client, module, monkeypatch):
    from tests.mediation.monde_pilotage import build_monde_pilotage

    m = build_monde_pilotage()
    monkeypatch.setattr(tableau_de_bord, "MODULES", (module,))
    query = f"?du={m.filtres.du.isoformat()}&au={m.filtres.au.isoformat()}"
    for user in (m.coordinateur, m.m1, m.p):
        response = signed(client, user).get(URL + query)
        assert response.status_code == 200, (module, user)
        sections = response.context["sections"]
        for section in sections:
            html = response.content.decode()
            assert f'id="section-{section.cle}"' in html
            for t in section.tableaux:
                assert f'id="tableau-{t.cle}"' in html
                if t.lignes:
                    assert "<caption>" in html
    # Each of its tables exported (CSV): its header row is the table's columns.
    from mediation import pilotage_hooks  # noqa: F401

    page = signed(client, m.coordinateur).get(URL + query)
    for section in page.context["sections"]:
        for t in section.tableaux:
            if not t.lignes:
                continue
            response = _export(
                client,
                "csv",
                tableau=t.cle,
                du=m.filtres.du.isoformat(),
                au=m.filtres.au.isoformat(),
            )
            assert response.status_code == 200, t.cle
            rows = list(
                csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
            )
            header = rows.index(next(r for r in rows if r and r[0] == t.colonnes[0]))
            assert len(rows) - header - 1 == len(t.lignes), (t.cle, rows)


def test_all_real_sections_query_count_independent_of_data(client, habillage_en_cache):
    """Every present section together: the same number of queries with the small world and
    with more of everything (more people, places, records)."""
    from tests.inclusion.factories import BeneficiaireFactory
    from tests.mediation.monde_pilotage import build_monde_pilotage

    m = build_monde_pilotage()
    query = f"?du={m.filtres.du.isoformat()}&au={m.filtres.au.isoformat()}"
    signed(client, m.coordinateur)
    client.get(URL + query)
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL + query).status_code == 200
    for _ in range(10):
        BeneficiaireFactory(structure=m.ccas, commune=m.c2)
        LieuFactory(structure=m.s2)
    with CaptureQueriesContext(connection) as after:
        assert client.get(URL + query).status_code == 200
    assert len(after) == len(before)
