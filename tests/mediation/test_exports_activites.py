"""Issue 15: the activity records export — La Coop's columns and order, one row per
participant, one's own export against a wider one, XLSX re-read with openpyxl and CSV."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from inclusion.enums import Statut, TrancheAge
from inclusion.services import exports_fichiers
from mediation import exports_activites
from mediation.services import activites
from mediation.vocabulaire import Materiel, Thematique, TypeLieu
from tests.ateliers.factories import ThemeFactory
from tests.clock import TODAY
from tests.inclusion.factories import BeneficiaireFactory, CommuneFactory
from tests.mediation.factories_activites import (
    atelier_enregistre,
    individuelle,
    setup_activites,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

# La Coop's headers, in its order (buildAccompagnementsWorksheet.ts), written out in full so
# that a change of ours shows here.
LA_COOP_PROPRE = [
    "Date", "Enregistré le", "Dernière modification le", "Type", "Participants",
    "Bénéficiaire", "Canaux d’accompagnement", "Nom du lieu", "Adresse", "Commune",
    "Code postal", "Code Insee", "Durée (min)", "Nom de l’atelier", "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement", "Tags", "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)", "Bénéficiaire réorienté", "Structure de redirection",
    "Commune du bénéficiaire", "Code postal du bénéficiaire", "Code Insee du bénéficiaire",
    "Genre du bénéficiaire", "Tranche d’âge du bénéficiaire", "Statut du bénéficiaire",
    "Notes supplémentaires", "ID CRA",
]  # fmt: skip
LA_COOP_STRUCTURE = [
    "Date", "Enregistré le", "Dernière modification le", "Prénom du médiateur",
    "Nom du médiateur", "Rôle", "Type", "Participants", "Canaux d’accompagnement",
    "Nom du lieu", "Adresse", "Commune", "Code postal", "Code Insee", "Durée (min)",
    "Nom de l’atelier", "Matériel numérique utilisé", "Thématique(s) d’accompagnement", "Tags",
    "Nom de la démarche administrative", "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté", "Structure de redirection", "Commune du bénéficiaire",
    "Code postal du bénéficiaire", "Code Insee du bénéficiaire", "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire", "Statut du bénéficiaire", "ID CRA",
]  # fmt: skip

MIENNES = {"portee": "miennes"}


@pytest.fixture
def ctx():
    ctx = setup_activites()
    ctx["mediateur"].first_name, ctx["mediateur"].last_name = "Inès", "Martin"
    ctx["mediateur"].save()
    return ctx


@pytest.fixture
def atelier(ctx):
    """A closed workshop of ctx's médiateur: two people present, one anonymous person."""
    presents = [
        BeneficiaireFactory(structure=ctx["structure"], prenom="Léa", nom="Blanc"),
        BeneficiaireFactory(structure=ctx["structure"], prenom="Marc", nom="Noir"),
    ]
    theme = ThemeFactory(thematiques=[Thematique.SECURITE_NUMERIQUE], niveau="debutant")
    return atelier_enregistre(ctx, presents=presents, anonymes=1, theme=theme)


def written(user, params, fmt="xlsx"):
    """The export written as the service writes it, read back: (header block, headers, rows)."""
    tableau = exports_activites.build(user, exports_activites.parametres_valides(params))
    buffer = io.BytesIO()
    n = exports_fichiers.write_tableau(tableau, fmt, buffer, demandeur=user, now=timezone.now())
    if fmt == "xlsx":
        buffer.seek(0)
        ws = openpyxl.load_workbook(buffer, read_only=True).active
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    else:
        text = buffer.getvalue().decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Date")
    assert n == len(rows) - start - 1 == tableau.total
    return rows[:start], rows[start], rows[start + 1 :]


def by_header(headers, row):
    return dict(zip(headers, row, strict=True))


def test_own_export_has_la_coop_columns_names_and_notes(ctx):
    personne = ctx["personne"]
    personne.prenom, personne.nom = "Jeanne", "Durand"
    personne.save()
    individuelle(
        ctx,
        thematiques=[Thematique.EMAIL, Thematique.SANTE],
        materiel=[Materiel.ORDINATEUR, Materiel.TELEPHONE],
        autonomie="partiellement_autonome",
        duree_minutes=45,
        notes="Revoir la semaine prochaine",
    )
    entete, headers, rows = written(ctx["mediateur"], MIENNES)
    assert headers == LA_COOP_PROPRE
    [ligne] = rows
    cells = by_header(headers, ligne)
    assert cells["Date"] == datetime.datetime(TODAY.year, TODAY.month, TODAY.day)
    assert cells["Enregistré le"] == "17/11/2026 à 10:00"
    assert cells["Dernière modification le"] is None  # never modified
    assert cells["Type"] == "Accompagnement individuel"
    assert cells["Participants"] == 1
    assert cells["Bénéficiaire"] == "Jeanne Durand"
    assert cells["Canaux d’accompagnement"] == TypeLieu.LIEU_ACTIVITE.label
    assert cells["Nom du lieu"] == ctx["lieu"].nom
    assert cells["Code Insee"] == ctx["lieu"].commune.code_insee
    assert cells["Durée (min)"] == 45
    assert cells["Matériel numérique utilisé"] == "Ordinateur\nTéléphone"
    assert cells["Thématique(s) d’accompagnement"] == (
        f"{Thematique.EMAIL.label}\n{Thematique.SANTE.label}"
    )
    assert cells["Niveau d’autonomie (ou de l’atelier)"] == "Partiellement autonome"
    assert cells["Bénéficiaire réorienté"] == "Non"
    assert cells["Commune du bénéficiaire"] == personne.commune.nom
    assert cells["Genre du bénéficiaire"] == "Féminin"
    assert cells["Statut du bénéficiaire"] == Statut.RETRAITE.label
    assert cells["Notes supplémentaires"] == "Revoir la semaine prochaine"
    assert cells["ID CRA"] == str(ctx["mediateur"].activites.get().uuid)


def test_structure_export_has_the_mediateurs_and_no_names_nor_notes(ctx):
    individuelle(ctx, notes="Note privée de l'auteur")
    individuelle(ctx, acteur=ctx["collegue"], notes="Note privée du collègue")
    for user in (ctx["mediateur"], ctx["coordinateur"]):
        _, headers, rows = written(user, {})
        assert headers == LA_COOP_STRUCTURE
        assert len(rows) == 2
        flat = "|".join(str(c) for r in rows for c in r)
        assert "Note privée" not in flat
        assert ctx["personne"].prenom not in flat
        mine = next(
            by_header(headers, r) for r in rows if r[headers.index("Prénom du médiateur")] == "Inès"
        )
        assert mine["Nom du médiateur"] == "Martin"
        assert mine["Rôle"] == "Médiateur"


def test_header_block_who_when_total_filters(ctx):
    individuelle(ctx)
    individuelle(ctx, thematiques=[Thematique.SANTE])
    entete, _, _ = written(ctx["mediateur"], {**MIENNES, "thematique": "sante"})
    bloc = {r[0]: r[1] if len(r) > 1 else None for r in entete if r and r[0]}
    assert bloc["Nom"] == "Martin"
    assert bloc["Prénom"] == "Inès"
    assert bloc["Rôle"] == "Médiateur"
    assert bloc["Total"] == 1
    assert bloc["Date d’export"] == "17/11/2026"
    assert bloc["Heure d’export"] == "10:00"
    assert bloc["Thématique"] == Thematique.SANTE.label
    assert bloc["Portée"] == "Mes activités"


def test_a_wider_export_masks_the_person_filtered_on(ctx):
    individuelle(ctx)
    entete, _, _ = written(ctx["coordinateur"], {"personne": str(ctx["personne"].uuid)})
    bloc = {r[0]: r[1] for r in entete if r and len(r) > 1}
    assert bloc["Personne"] == "(masqué dans cet export)"
    assert ctx["personne"].prenom not in str(entete)


def test_one_row_per_participant_i_over_n_and_notes_once(ctx, atelier):
    atelier.notes = "Salle trop petite"
    atelier.save()
    _, headers, rows = written(ctx["mediateur"], MIENNES)
    assert [by_header(headers, r)["Participants"] for r in rows] == ["1/3", "2/3", "3/3"]
    cells = [by_header(headers, r) for r in rows]
    assert [c["Bénéficiaire"] for c in cells] == ["Léa Blanc", "Marc Noir", "Anonyme"]
    assert [c["Notes supplémentaires"] for c in cells] == ["Salle trop petite", None, None]
    assert {c["ID CRA"] for c in cells} == {str(atelier.uuid)}
    assert cells[0]["Type"] == "Atelier collectif"
    assert cells[0]["Niveau d’autonomie (ou de l’atelier)"] == "Débutant"
    assert cells[0]["Bénéficiaire réorienté"] is None
    assert cells[2]["Tranche d’âge du bénéficiaire"] == TrancheAge.PLUS_70.label


def test_tombstones_are_not_exported(ctx):
    gardee = individuelle(ctx)
    supprimee = individuelle(ctx)
    activites.delete_activite(acteur=ctx["mediateur"], activite=supprimee)
    _, headers, rows = written(ctx["mediateur"], MIENNES)
    assert [r[-1] for r in rows] == [str(gardee.uuid)]


def test_formula_injection_is_neutralised_in_xlsx_and_csv(ctx):
    ctx["personne"].prenom = '=HYPERLINK("http://x")'
    ctx["personne"].save()
    individuelle(ctx, notes="+33 6 00 00 00 00", nom_demarche="@SUM(A1)")
    for fmt in ("xlsx", "csv"):
        _, headers, [ligne] = written(ctx["mediateur"], MIENNES, fmt)
        cells = by_header(headers, ligne)
        assert cells["Bénéficiaire"].startswith("'=HYPERLINK")
        assert cells["Notes supplémentaires"] == "'+33 6 00 00 00 00"
        assert cells["Nom de la démarche administrative"] == "'@SUM(A1)"


def test_csv_has_the_same_columns_and_french_dates(ctx):
    individuelle(ctx, type_lieu=TypeLieu.DOMICILE, commune=CommuneFactory(nom="Bègles"))
    _, headers, [ligne] = written(ctx["mediateur"], MIENNES, "csv")
    assert headers == LA_COOP_PROPRE
    cells = by_header(headers, ligne)
    assert cells["Date"] == "17/11/2026"
    assert cells["Participants"] == "1"
    assert cells["Nom du lieu"] == ""
    assert cells["Commune"] == "Bègles"


def test_queries_do_not_grow_with_rows(ctx, django_assert_num_queries):
    def count_for(n):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _ in range(n):
            individuelle(ctx)
        tableau = exports_activites.build(ctx["coordinateur"], {})
        with CaptureQueriesContext(connection) as queries:
            rows = list(tableau.lignes)
        return len(rows), len(queries)

    rows_a, queries_a = count_for(2)
    rows_b, queries_b = count_for(20)
    assert (rows_a, rows_b) == (2, 22)
    assert queries_a == queries_b


def test_the_list_form_exports_the_current_filters(ctx):
    individuelle(ctx)
    individuelle(ctx, thematiques=[Thematique.SANTE])
    client = Client()
    client.force_login(ctx["mediateur"])
    response = client.post(
        "/pro/exports/demander/",
        {"nature": "activites", "format": "csv", "portee": "miennes", "thematique": "sante"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="activites_')
    text = response.content.decode("utf-8")
    assert text.count(Thematique.SANTE.label) == 2  # the filter line and the one row


def test_a_prescripteur_may_not_export_activities(ctx):
    client = Client()
    client.force_login(ctx["prescripteur"])
    response = client.post("/pro/exports/demander/", {"nature": "activites", "format": "csv"})
    assert response.status_code == 302
    assert not response.get("Content-Disposition")
