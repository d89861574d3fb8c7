"""The orientation exports (mediation/exports_orientations.py): what each side sees, the
columns and their values on a fixed set of orientations (tests/mediation/monde_orientations),
the filters, no name of the person and no free text, CSV (UTF-8 with BOM, ";") and XLSX."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from inclusion.enums import Role
from inclusion.services import exports_fichiers
from mediation import exports_orientations as exports
from tests.inclusion.factories import member
from tests.mediation.monde_orientations import build_monde

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def monde():
    return build_monde()


def written(nature, user, params=None, fmt="csv"):
    """(header block, headers, rows) of the export as the service writes it, read back."""
    build = exports.build_envoyees if nature == exports.ENVOYEES else exports.build_recues
    tableau = build(user, exports.parametres_valides(params or {}))
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
    start = next(i for i, r in enumerate(rows) if r and r[0] in ("Envoyée le", "Reçue le"))
    assert n == len(rows) - start - 1 == tableau.total
    headers = rows[start]
    return rows[:start], headers, [dict(zip(headers, r, strict=True)) for r in rows[start + 1 :]]


def by_id(rows, orientation):
    (row,) = [r for r in rows if r["ID orientation"] == str(orientation.uuid)]
    return row


def test_sent_columns_and_values(monde):
    _, headers, rows = written(exports.ENVOYEES, monde.prescripteur)
    assert headers == exports.COLONNES_ENVOYEES
    assert len(rows) == 8  # the CCAS's, not the other structure's
    o = monde.o
    b = by_id(rows, o["B"])
    assert b["Envoyée le"] == f"{timezone.localdate() - datetime.timedelta(days=8):%d/%m/%Y}"
    assert b["Statut"] == "Refusée" and b["Vers"].startswith("Accompagnement individuel")
    assert b["Lieu"] == "Médiathèque 1" and b["Structure qui oriente"] == "CCAS de Bordeaux"
    assert b["Raisons du refus"] == "Personne non joignable"
    assert b["Jours d’attente"] == "3" and b["Besoins"] == "E-mail"
    d = by_id(rows, o["D"])
    assert d["Lieux sollicités"] == "Médiathèque 1\nMédiathèque 2"
    assert d["Statut"] == "Acceptée" and d["Lieu"] == "Médiathèque 2"
    assert d["Session du"] and d["Atelier"] == monde.theme.titre
    assert by_id(rows, o["E"])["Jours d’attente"] == "2"  # still waiting: until today
    f = by_id(rows, o["F"])
    assert (f["Statut"], f["Jours d’attente"]) == ("Expirée", "30")
    assert f["Expirée le"] and not f["Décision le"]
    assert by_id(rows, o["G"])["Annulée le"]
    assert by_id(rows, o["C"])["Terminée le"]
    assert by_id(rows, o["A"])["Rendez-vous le"]


def test_received_columns_and_the_places_own_answer(monde):
    _, headers, rows = written(exports.RECUES, monde.mediateurs[0])
    assert headers == exports.COLONNES_RECUES
    assert {r["Lieu qui reçoit"] for r in rows} == {"Médiathèque 1"}
    assert len(rows) == 7  # A B D F G H I
    o = monde.o
    d = by_id(rows, o["D"])
    assert d["Statut pour ce lieu"] == "Refusée par ce lieu"
    assert d["Statut de l’orientation"] == "Acceptée"
    assert d["Raisons du refus"] == "Session complète\nNe peut pas se déplacer"
    assert d["Jours d’attente"] == "1" and d["Rendez-vous le"] == ""
    i = by_id(rows, o["I"])
    assert i["Statut pour ce lieu"] == "Prise par un autre lieu" and i["Ouverte le"] == ""
    h = by_id(rows, o["H"])
    assert h["Structure qui oriente"] == "Mission locale" and h["Ouverte le"]
    a = by_id(rows, o["A"])
    assert a["Statut pour ce lieu"] == "Acceptée" and a["Rendez-vous le"]
    # The second place's médiateur: its four.
    _, _, rows = written(exports.RECUES, monde.mediateurs[1])
    assert len(rows) == 4
    assert by_id(rows, o["C"])["Statut pour ce lieu"] == "Terminée"


def test_no_name_and_no_free_text(monde):
    for nature, user in (
        (exports.ENVOYEES, monde.coordinateur),
        (exports.RECUES, monde.coordinateur),
    ):
        block, headers, rows = written(nature, user)
        text = str(rows) + str(headers)
        for secret in (monde.personne.prenom, monde.personne.nom, "Parti", "Erreur", "Créer"):
            assert secret not in text, (nature, secret)


def test_scope_and_who_may_export(monde):
    assert len(written(exports.ENVOYEES, monde.coordinateur)[2]) == 9
    assert len(written(exports.RECUES, monde.coordinateur)[2]) == 11  # every place's rows
    assert len(written(exports.ENVOYEES, monde.p2)[2]) == 1
    # A médiateur whose structure sent nothing: an empty export of sent ones.
    assert written(exports.ENVOYEES, monde.mediateurs[0])[2] == []
    # A prescripteur receives nothing: no export of received ones.
    with pytest.raises(ValidationError) as refused:
        exports_fichiers.request_export(
            acteur=monde.prescripteur, nature=exports.RECUES, format="csv", params={}
        )
    assert refused.value.code == "non_autorise"
    volontaire = member(Role.VOLONTAIRE, monde.ccas)
    assert not exports.allowed_envoyees(volontaire) and not exports.allowed_recues(volontaire)


def test_filters(monde):
    today = timezone.localdate()
    du = (today - datetime.timedelta(days=5)).isoformat()
    au = (today - datetime.timedelta(days=2)).isoformat()
    block, _, rows = written(exports.ENVOYEES, monde.coordinateur, {"du": du, "au": au})
    assert {r["ID orientation"] for r in rows} == {
        str(monde.o[k].uuid) for k in ("D", "H", "G", "E")
    }
    assert ["Période d’envoi", f"du {today - datetime.timedelta(days=5):%d/%m/%Y} au "
            f"{today - datetime.timedelta(days=2):%d/%m/%Y}"] in block  # fmt: skip
    _, _, rows = written(exports.ENVOYEES, monde.coordinateur, {"statut": "refusee"})
    assert {r["Statut"] for r in rows} == {"Refusée"} and len(rows) == 2
    lieu2 = monde.lieux[1]
    block, _, rows = written(exports.RECUES, monde.coordinateur, {"lieu": str(lieu2.pk)})
    assert len(rows) == 4 and ["Lieu", "Médiathèque 2"] in block
    # Another structure's place: nothing.
    assert written(exports.RECUES, monde.mediateurs[0], {"lieu": str(lieu2.pk)})[2] == []
    # Invalid values are dropped, never an error.
    assert exports.parametres_valides({"du": "hier", "statut": "x", "lieu": "1;"}) == {}


def test_xlsx_dates_are_dates(monde):
    _, _, rows = written(exports.ENVOYEES, monde.coordinateur, fmt="xlsx")
    assert all(isinstance(r["Envoyée le"], datetime.datetime) for r in rows)
    assert {r["Relances automatiques"] for r in rows} <= {0, 1, 2}


def test_through_the_export_page(monde):
    client = Client()
    client.force_login(monde.mediateurs[0])
    response = client.post(
        "/pro/exports/demander/", {"nature": exports.RECUES, "format": "csv", "statut": "refusee"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="orientations_recues_')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and "Refusée par ce lieu" in text


@pytest.mark.parametrize(
    ("url", "nature", "persona"),
    [
        ("orientations:envoyees", exports.ENVOYEES, "prescripteur"),
        ("orientations:recues", exports.RECUES, "mediateur"),
    ],
)
def test_each_list_offers_its_export(monde, url, nature, persona):
    """The lists carry the export form of their own nature; posting it exports that list."""
    from django.urls import reverse

    user = monde.prescripteur if persona == "prescripteur" else monde.mediateurs[0]
    client = Client()
    client.force_login(user)
    page = client.get(reverse(url)).content.decode()
    assert f'action="{reverse("exports:demander")}"' in page
    assert f'name="nature" value="{nature}"' in page
    response = client.post(reverse("exports:demander"), {"nature": nature, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="{nature}_')
