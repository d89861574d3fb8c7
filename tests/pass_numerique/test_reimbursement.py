import csv
import datetime
import io

import pypdfium2
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inclusion.enums import Role
from inclusion.models import Journal
from pass_numerique import reports
from pass_numerique.enums import StatutCheque, StatutReleve
from pass_numerique.models import Cheque, Releve
from pass_numerique.services import issuance
from pass_numerique.services.redemption import redeem_cheque
from pass_numerique.services.reimbursement import (
    build_statements,
    mark_paid,
    month_bounds,
    next_month,
    unlisted_cheques,
)
from tests.clock import TODAY
from tests.inclusion.factories import member
from tests.pass_numerique.factories import issued, setup_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MOIS = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
START, END = month_bounds(MOIS)


def redeem(ctx, code, now, lieu=None):
    return redeem_cheque(
        acteur=ctx["mediateur"],
        lieu=lieu or ctx["lieu"],
        code=code,
        prestation="atelier",
        demande_id=issuance.new_request_id(),
        now=now,
    )


@pytest.fixture
def coord():
    return member(Role.COORDINATEUR)


@pytest.fixture
def ctx():
    ctx = setup_pass()
    [item] = issued(ctx)
    ctx["codes"] = [code for _, code in item.cheque_codes]
    # Three in the month (one 30 min after it starts in Paris), one just before it, one after.
    for i, code in enumerate(ctx["codes"][:3]):
        redeem(ctx, code, START + datetime.timedelta(minutes=30, days=i * 3))
    redeem(ctx, ctx["codes"][3], START - datetime.timedelta(minutes=30))
    redeem(ctx, ctx["codes"][4], END + datetime.timedelta(minutes=30))
    return ctx


def test_build_statements_one_per_lieu_and_programme_then_idempotent(ctx, coord):
    [result] = build_statements(acteur=coord, mois=MOIS.replace(day=15))
    releve = result.releve
    assert result.nouveau and result.ajoutes == 3
    assert (releve.lieu, releve.programme, releve.mois) == (ctx["lieu"], ctx["programme"], MOIS)
    assert releve.nb_cheques == 3 and releve.montant == 30
    assert releve.statut == StatutReleve.A_PAYER and releve.genere_par == coord
    assert Cheque.objects.filter(releve=releve, statut=StatutCheque.ENCAISSE).count() == 3
    assert unlisted_cheques(mois=MOIS) == 0
    # Running again builds nothing and links nothing more.
    assert build_statements(acteur=coord, mois=MOIS) == []
    assert Releve.objects.count() == 1
    line = Journal.objects.get(action="releve.creation")
    assert line.details == {"mois": f"{MOIS:%Y-%m}", "cheques": 3, "montant": "30.00"}


def test_two_lieux_two_statements(ctx, coord):
    from tests.inclusion.factories import LieuFactory

    other = LieuFactory(qualifie=True, structure=ctx["lieu"].structure)
    redeem(ctx, ctx["codes"][5], START + datetime.timedelta(days=1), lieu=other)
    results = build_statements(acteur=coord, mois=MOIS)
    assert sorted(r.releve.nb_cheques for r in results) == [1, 3]


def test_current_month_refused_and_nothing_written(ctx, coord):
    with pytest.raises(ValidationError, match="n'est pas terminé"):
        build_statements(acteur=coord, mois=TODAY)
    assert not Releve.objects.exists()


def test_only_coordinators_build_and_pay(ctx, coord):
    with pytest.raises(PermissionDenied):
        build_statements(acteur=ctx["mediateur"], mois=MOIS)
    [result] = build_statements(acteur=coord, mois=MOIS)
    with pytest.raises(PermissionDenied):
        mark_paid(acteur=ctx["prescripteur"], releve=result.releve, paye_le=TODAY)


def test_mark_paid_then_refused_twice(ctx, coord):
    [result] = build_statements(acteur=coord, mois=MOIS)
    releve = mark_paid(acteur=coord, releve=result.releve, paye_le=TODAY)
    assert releve.statut == StatutReleve.PAYE and releve.paye_le == TODAY
    assert releve.paye_par == coord
    assert Cheque.objects.filter(statut=StatutCheque.REMBOURSE).count() == 3
    assert Cheque.objects.filter(statut=StatutCheque.ENCAISSE).count() == 2
    with pytest.raises(ValidationError, match="déjà payé"):
        mark_paid(acteur=coord, releve=releve, paye_le=TODAY)
    assert Journal.objects.filter(action="releve.paiement").count() == 1
    # A reimbursed chèque is never put on another statement.
    assert build_statements(acteur=coord, mois=MOIS) == []


def test_mark_paid_bad_dates(ctx, coord):
    [result] = build_statements(acteur=coord, mois=MOIS)
    with pytest.raises(ValidationError, match="futur"):
        mark_paid(acteur=coord, releve=result.releve, paye_le=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="fin du mois"):
        mark_paid(acteur=coord, releve=result.releve, paye_le=MOIS)
    result.releve.refresh_from_db()
    assert result.releve.statut == StatutReleve.A_PAYER
    assert not Cheque.objects.filter(statut=StatutCheque.REMBOURSE).exists()


def test_late_redemption_joins_the_unpaid_statement_only(ctx, coord):
    [result] = build_statements(acteur=coord, mois=MOIS)
    redeem(ctx, ctx["codes"][6], START + datetime.timedelta(days=2))  # back-dated
    [again] = build_statements(acteur=coord, mois=MOIS)
    assert again.releve.pk == result.releve.pk and not again.nouveau and again.ajoutes == 1
    assert again.releve.nb_cheques == 4 and again.releve.montant == 40
    mark_paid(acteur=coord, releve=again.releve, paye_le=TODAY)
    redeem(ctx, ctx["codes"][7], START + datetime.timedelta(days=2))
    assert build_statements(acteur=coord, mois=MOIS) == []
    assert unlisted_cheques(mois=MOIS) == 1
    again.releve.refresh_from_db()
    assert again.releve.nb_cheques == 4


def test_csv_content(ctx, coord):
    [result] = build_statements(acteur=coord, mois=MOIS)
    data = reports.statement_csv(result.releve)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == reports.CSV_HEADER
    assert len(rows) == 1 + 3 + 1
    first = rows[1]
    assert first[1] == ctx["lieu"].nom and first[4] == f"{MOIS:%m/%Y}"
    assert first[8] == "Atelier collectif" and first[10] == "10,00"
    assert rows[-1][0] == "Total" and rows[-1][-1] == "30,00"
    assert all(code not in data.decode("utf-8") for code in ctx["codes"])


def test_pdf_text(ctx, coord):
    [result] = build_statements(acteur=coord, mois=MOIS)
    pdf = pypdfium2.PdfDocument(reports.statement_pdf(result.releve))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    assert ctx["lieu"].nom in text
    assert ctx["lieu"].structure.nom in text
    assert reports.mois_label(MOIS) in text
    assert "30,00" in text and "Signature" in text
    assert ctx["programme"].nom in text


def test_next_month():
    assert next_month(datetime.date(2026, 12, 1)) == datetime.date(2027, 1, 1)
    assert next_month(datetime.date(2026, 1, 1)) == datetime.date(2026, 2, 1)


def test_csv_neutralises_formulas_typed_by_people(coord):
    """Issue 12: a reference typed as =HYPERLINK(…), or a lieu named "@…" by an editor,
    reaches the spreadsheet as text; the amounts stay numbers."""
    ctx = setup_pass()
    ctx["lieu"].nom = "@Lieu piégé"
    ctx["lieu"].save()
    [item] = issued(ctx)
    typed = '=HYPERLINK("https://exemple.fr/?v=1","Remboursement")'
    redeem_cheque(
        acteur=ctx["mediateur"],
        lieu=ctx["lieu"],
        code=item.cheque_codes[0][1],
        prestation="atelier",
        reference=typed,
        demande_id=issuance.new_request_id(),
        now=START + datetime.timedelta(days=1),
    )
    [result] = build_statements(acteur=coord, mois=MOIS)
    data = reports.statement_csv(result.releve).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Référence"] == "'" + typed
    assert line["Lieu"] == "'@Lieu piégé"
    assert line["Valeur (€)"] == "10,00"
    assert rows[-1][-1] == "10,00"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
