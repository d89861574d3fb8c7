"""Issue 12: a chèque of the person's own pass, cashed without the paper chèque, is recorded
as such and shown on the reimbursement statement and the coordinators' dashboard."""

import csv
import datetime
import io

import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inclusion.enums import Role
from pass_numerique import reports
from pass_numerique.models import Encaissement
from pass_numerique.services import issuance, stats
from pass_numerique.services.redemption import (
    PeriodeService,
    RedemptionRefused,
    redeem_cheque,
    redeem_own_cheque,
)
from pass_numerique.services.reimbursement import build_statements, month_bounds
from tests.clock import TODAY
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.pass_numerique.factories import issued, setup_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MOIS = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
START, _ = month_bounds(MOIS)


def _periode(now):
    return PeriodeService(debut=now - datetime.timedelta(hours=1), fin=now, nom="cette séance")


def _own(ctx, person, now, mediateur=None, lieu=None):
    return redeem_own_cheque(
        acteur=mediateur or ctx["mediateur"],
        lieu=lieu or ctx["lieu"],
        beneficiaire=person,
        prestation="atelier",
        demande_id=issuance.new_request_id(),
        periode=_periode(now),
        now=now,
    )


def _scan(ctx, code, now, mediateur=None, lieu=None):
    return redeem_cheque(
        acteur=mediateur or ctx["mediateur"],
        lieu=lieu or ctx["lieu"],
        code=code,
        prestation="accompagnement",
        demande_id=issuance.new_request_id(),
        now=now,
    )


@pytest.fixture
def coord():
    return member(Role.COORDINATEUR)


@pytest.fixture
def ctx(coord):
    """At the lieu: 2 chèques of Fatima's pass without the paper chèque, 1 scanned."""
    ctx = setup_pass()
    person = BeneficiaireFactory(structure=ctx["enveloppe"].structure, prenom="Fatima")
    [item] = issued(ctx, person)
    when = START + datetime.timedelta(days=2)
    ctx["own"] = [_own(ctx, person, when), _own(ctx, person, when + datetime.timedelta(days=1))]
    ctx["scanned"] = _scan(ctx, item.cheque_codes[5][1], when)
    ctx["person"] = person
    [result] = build_statements(acteur=coord, mois=MOIS)
    ctx["releve"] = result.releve
    return ctx


# --- The service -----------------------------------------------------------------------------


def test_the_flag_is_set_at_creation_only_for_own_cheques(ctx):
    assert [e.sans_cheque_papier for e in Encaissement.objects.order_by("pk")] == [
        True,
        True,
        False,
    ]


def test_own_cheque_needs_the_service_window(ctx):
    with pytest.raises(TypeError):
        redeem_own_cheque(
            acteur=ctx["mediateur"],
            lieu=ctx["lieu"],
            beneficiaire=ctx["person"],
            prestation="atelier",
            demande_id=issuance.new_request_id(),
        )
    with pytest.raises(TypeError):
        redeem_own_cheque(
            acteur=ctx["mediateur"],
            lieu=ctx["lieu"],
            beneficiaire=ctx["person"],
            prestation="atelier",
            demande_id=issuance.new_request_id(),
            periode=None,
        )


def test_a_window_given_to_a_scanned_cheque_applies_too():
    ctx = setup_pass()
    [item] = issued(ctx)
    now = START + datetime.timedelta(days=2)
    futur = PeriodeService(
        debut=now + datetime.timedelta(days=1), fin=now + datetime.timedelta(days=1, hours=2)
    )
    with pytest.raises(RedemptionRefused) as exc:
        redeem_cheque(
            acteur=ctx["mediateur"],
            lieu=ctx["lieu"],
            code=item.cheque_codes[0][1],
            prestation="atelier",
            demande_id=issuance.new_request_id(),
            periode=futur,
            now=now,
        )
    assert exc.value.check.reason == "pas_commence"
    assert exc.value.check.message.startswith("Ce service n'a pas encore commencé")
    assert not Encaissement.objects.exists()


# --- The statement ---------------------------------------------------------------------------


def test_csv_says_which_lines_had_no_paper_cheque(ctx):
    data = reports.statement_csv(ctx["releve"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert rows[0][-1] == "Sans chèque papier"
    assert [row[-1] for row in rows[1:-1]] == ["oui", "non", "oui"]
    total = rows[-1]
    assert total[0] == "Total" and total[-1] == "30,00"
    assert "dont 2 sans chèque papier" in total


def test_pdf_says_which_lines_had_no_paper_cheque(ctx):
    pdf = pypdfium2.PdfDocument(reports.statement_pdf(ctx["releve"]))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    assert text.count("sans chèque papier") >= 3  # 2 lines and the total
    assert "Dont sans chèque papier" in text


def test_statement_page_says_which_lines_had_no_paper_cheque(client, ctx, coord):
    client.force_login(coord)
    html = client.get(reverse("pass_gestion:releve", args=[ctx["releve"].pk])).content.decode()
    assert html.count("sans chèque papier") >= 3
    assert "dont 2 sans chèque papier" in html


# --- The dashboard ---------------------------------------------------------------------------


def test_dashboard_counts_per_mediateur(ctx):
    other = member(Role.MEDIATEUR, structure=ctx["lieu"].structure)
    other.first_name, other.last_name = "Paul", "Martin"
    other.save()
    [item] = issued(ctx)
    _scan(ctx, item.cheque_codes[0][1], START, mediateur=other)
    t = stats.programme_dashboard(programme=ctx["programme"])
    by_id = {m.mediateur_id: m for m in t.mediateurs}
    assert (by_id[ctx["mediateur"].pk].encaisses, by_id[ctx["mediateur"].pk].sans_papier) == (3, 2)
    assert (by_id[other.pk].encaisses, by_id[other.pk].sans_papier) == (1, 0)
    assert by_id[other.pk].nom == "Paul Martin"
    assert (t.total_mediateurs.encaisses, t.total_mediateurs.sans_papier) == (4, 2)
    # The per-lieu figures are unchanged by the per-médiateur split.
    [lieu] = t.lieux
    assert lieu.encaisses == 4 and lieu.montant == 40


def test_dashboard_queries_do_not_grow_with_mediateurs(ctx):
    with CaptureQueriesContext(connection) as few:
        stats.programme_dashboard(programme=ctx["programme"])
    for _ in range(5):
        mediateur = member(Role.MEDIATEUR, structure=ctx["lieu"].structure)
        person = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
        issued(ctx, person)
        _own(ctx, person, START + datetime.timedelta(days=3), mediateur=mediateur)
    with CaptureQueriesContext(connection) as many:
        t = stats.programme_dashboard(programme=ctx["programme"])
    assert len(t.mediateurs) == 6
    assert len(few) == len(many) == 4


def test_dashboard_page_shows_the_column_and_total(client, ctx, coord):
    client.force_login(coord)
    url = reverse("pass_gestion:tableau_de_bord", args=[ctx["programme"].pk])
    html = client.get(url).content.decode()
    assert "Encaissements par médiateur" in html
    assert "Sans chèque papier" in html
    assert (ctx["mediateur"].get_full_name() or ctx["mediateur"].email) in html
