"""The attendance sheet PDF: header, registered people, blank rows, count."""

import pypdfium2
import pytest
from django.urls import reverse

from ateliers.enums import Canal
from ateliers.feuille import LIGNES_VIDES, render_feuille
from ateliers.services import registrations
from tests.ateliers.factories import setup_atelier
from tests.inclusion.factories import BeneficiaireFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _text(pdf):
    doc = pypdfium2.PdfDocument(pdf)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


@pytest.fixture
def ctx():
    ctx = setup_atelier(capacite=2)
    session = ctx["session"]
    ctx["mediateur"].first_name, ctx["mediateur"].last_name = "Léa", "Moreau"
    ctx["mediateur"].save()
    for prenom, nom in [("Fatima", "Benali"), ("Jérôme", "Çelik"), ("Karim", "Diallo")]:
        b = BeneficiaireFactory(structure=session.lieu.structure, prenom=prenom, nom=nom)
        registrations.register(
            session=session, beneficiaire=b, canal=Canal.PRO, acteur=ctx["mediateur"]
        )
    return ctx


def test_sheet_content(ctx):
    session = ctx["session"]
    pdf = render_feuille(session)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Feuille d'émargement" in text
    assert session.theme.titre in text and session.lieu.nom in text
    assert "Léa Moreau" in text
    assert "Benali" in text and "Fatima" in text and "Çelik" in text and "Jérôme" in text
    # Karim is on the waiting list: not on the sheet.
    assert "Diallo" not in text
    for header in ("Nom", "Prénom", "Signature", "Chèque"):
        assert header in text
    assert f"\n{2 + LIGNES_VIDES}" in text or f"{2 + LIGNES_VIDES}\r" in text
    assert "2 personnes inscrites pour 2 places" in text


def test_sheet_view(client, ctx):
    client.force_login(ctx["mediateur"])
    response = client.get(reverse("ateliers:feuille", args=[ctx["session"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Benali" in _text(response.content)


def test_sheet_view_other_structure_and_anonymous(client, ctx):
    url = reverse("ateliers:feuille", args=[ctx["session"].pk])
    assert client.get(url).status_code == 302
    client.force_login(ctx["prescripteur"])
    assert client.get(url).status_code == 404
    client.force_login(ctx["mediateur"])
    assert client.get(reverse("ateliers:feuille", args=[999999])).status_code == 404
