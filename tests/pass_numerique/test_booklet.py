import re

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.conf import settings

from inclusion.mots_du_temps import date_et_annee_en_mots
from pass_numerique.booklet import booklet_html, page_count, render_booklet
from pass_numerique.codes import format_code
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, QuartierFactory
from tests.pass_numerique.factories import issued, setup_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SITE = "https://pass.example.org"


def pdf_pages_text(pdf):
    doc = pdfium.PdfDocument(pdf)
    texts = []
    for page in doc:
        raw = page.get_textpage().get_text_range()
        texts.append(" ".join(raw.replace("\xa0", " ").split()))
    return texts


def qr_payloads(pdf):
    doc = pdfium.PdfDocument(pdf)
    found = []
    for page in doc:
        image = page.render(scale=3).to_pil()
        found.extend(result.text for result in zxingcpp.read_barcodes(image))
    return found


@pytest.fixture
def ctx():
    return setup_pass()


@pytest.fixture
def jeanne(ctx):
    return BeneficiaireFactory(prenom="Jeanne", structure=ctx["enveloppe"].structure)


def test_booklet_pages_text_and_qr_codes(ctx, jeanne):
    item = issued(ctx, beneficiaire=jeanne)[0]
    pdf = render_booklet([item], site_url=SITE)

    texts = pdf_pages_text(pdf)
    assert len(texts) == page_count(item) == 4  # cover, places, 2 pages of 5 chèques
    text = " ".join(texts)
    assert "Bonjour Jeanne" in texts[0]
    assert f"pass.example.org/p/{format_code(item.code)}" in texts[0]
    assert "10 chèques" in texts[0]
    assert f"jusqu'au {date_et_annee_en_mots(item.carnet.fin_validite)}" in texts[0]
    for _cheque, code in item.cheque_codes:
        assert format_code(code) in text
    assert text.count("10,00 €") == 10
    assert "Chèque n° 3 / 10" in text
    assert f"Carnet n° {item.carnet.numero}" in texts[2]
    assert "Découpez ici" in texts[2]

    expected = {f"{SITE}/p/{item.code}"} | {f"{SITE}/c/{code}" for _c, code in item.cheque_codes}
    payloads = qr_payloads(pdf)
    assert len(payloads) == 11
    assert set(payloads) == expected


def test_site_url_defaults_to_settings(ctx, jeanne):
    item = issued(ctx, beneficiaire=jeanne)[0]
    html = booklet_html([item])
    assert settings.SITE_URL.startswith("http")
    assert f"{settings.SITE_URL.split('://', 1)[1]}/p/" in html


def test_several_carnets_in_one_pdf(ctx, jeanne):
    items = issued(ctx, beneficiaire=jeanne, nombre=2) + issued(ctx)
    pdf = render_booklet(items, site_url=SITE)
    texts = pdf_pages_text(pdf)
    assert len(texts) == sum(page_count(item) for item in items) == 12
    assert texts[0].count("Bonjour Jeanne") == 1
    assert "Bonjour Jeanne" in texts[4]
    assert "Bonjour Jeanne" not in texts[8]
    assert set(qr_payloads(pdf)) == {
        f"{SITE}/{kind}/{code}"
        for item in items
        for kind, code in [("p", item.code)] + [("c", c) for _ch, c in item.cheque_codes]
    }


def test_anonymous_carnet_says_hello_without_a_name(ctx):
    item = issued(ctx)[0]
    texts = pdf_pages_text(render_booklet([item], site_url=SITE))
    assert "Bonjour Votre pass numérique : 10 chèques" in texts[0]
    assert "Bonjour Prénom" not in texts[0]


def test_places_letter_has_plain_hours_and_national_phone(ctx, jeanne):
    ctx["lieu"].telephone = "+33556000012"
    ctx["lieu"].save()
    item = issued(ctx, beneficiaire=jeanne)[0]
    letter = pdf_pages_text(render_booklet([item], site_url=SITE))[1]
    assert ctx["lieu"].nom in letter
    assert "1 place de la Mairie" in letter
    assert f"33000 {ctx['lieu'].commune.nom}" in letter
    assert "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 17 h" in letter
    assert "05 56 00 00 12" in letter


def test_places_nearest_first_and_at_most_six(ctx):
    commune = ctx["lieu"].commune
    quartier = QuartierFactory(commune=commune)
    LieuFactory.create_batch(6, qualifie=True, nom="Loin")  # other communes
    near = LieuFactory(qualifie=True, nom="Dans le quartier", commune=commune, quartier=quartier)
    LieuFactory(nom="Pas qualifié", commune=commune, quartier=quartier)
    person = BeneficiaireFactory(
        structure=ctx["enveloppe"].structure, commune=commune, quartier=quartier
    )
    html = booklet_html(issued(ctx, beneficiaire=person), site_url=SITE)
    names = re.findall(r'<h3 class="place__name">(.*?)</h3>', html)
    assert names[:2] == [near.nom, ctx["lieu"].nom]
    assert len(names) == 6
    assert "Pas qualifié" not in html
    assert "Il y a 2 autres lieux" in html


def test_html_has_no_script_and_no_external_fetch(ctx, jeanne):
    html = booklet_html(issued(ctx, beneficiaire=jeanne), site_url=SITE)
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="(?!data:)', html)
    assert "font-style: italic" not in html
