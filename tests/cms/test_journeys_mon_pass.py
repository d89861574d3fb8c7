""" "Mon pass" on the public site: the carnet's QR target and the typed code."""

import html as html_lib

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from pass_numerique import codes
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory
from tests.pass_numerique.factories import issued, setup_pass

pytestmark = pytest.mark.usefixtures("frozen")

URL = "/mon-pass/"


def _texte(response):
    return html_lib.unescape(response.content.decode())


@pytest.fixture
def ctx(db):
    ctx = setup_pass()
    ctx["lieu"].nom = "Médiathèque du centre"
    ctx["lieu"].horaires = "Mo-Su 00:00-24:00"
    ctx["lieu"].save()
    ctx["beneficiaire"] = BeneficiaireFactory(
        structure=ctx["enveloppe"].structure,
        prenom="Awa",
        nom="Diallo",
        consentant=True,
        commune=ctx["lieu"].commune,
    )
    return ctx


@pytest.fixture
def carnet(ctx):
    return issued(ctx, ctx["beneficiaire"])[0]


def _verifier_resultat(response, ctx):
    html = _texte(response)
    assert response.status_code == 200
    assert "Bonjour Awa" in html
    assert "Il vous reste 10 chèques." in html
    assert "jusqu'au" in html
    assert ctx["lieu"].nom in html and "Ouvert maintenant" in html
    # Nothing personal beyond the first name.
    assert "Diallo" not in html
    assert ctx["beneficiaire"].telephone.as_national not in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "no-referrer"
    return html


def test_qr_url_shows_the_site_page(client, site_public, ctx, carnet):
    response = client.get(f"/p/{codes.format_code(carnet.code)}")
    html = _verifier_resultat(response, ctx)
    assert 'class="skip-link"' in html and "Voir un autre carnet" in html


def test_typed_code_without_javascript(client, site_public, ctx, carnet):
    form = client.get(URL)
    assert form.status_code == 200
    assert "Le code de votre carnet" in _texte(form)
    assert 'method="get"' in _texte(form)
    _verifier_resultat(client.get(URL, {"code": codes.format_code(carnet.code).lower()}), ctx)
    _verifier_resultat(client.get(f"{URL}{carnet.code}/"), ctx)


def test_next_workshops_near_the_person(client, site_public, ctx, carnet):
    proche = SessionFactory(lieu=ctx["lieu"], theme=ThemeFactory(titre_falc="Atelier tout près"))
    loin = SessionFactory(lieu=LieuFactory(), theme=ThemeFactory(titre_falc="Atelier très loin"))
    html = _texte(client.get(f"/p/{carnet.code}"))
    assert "Atelier tout près" in html
    assert f"/ateliers-pres-de-chez-moi/session/{proche.pk}/inscription/" in html
    assert "Atelier très loin" not in html and loin.pk


def test_unknown_code(client, site_public):
    response = client.get(f"/p/{codes.generate()}")
    assert response.status_code == 404
    assert "Nous ne trouvons pas ce pass." in _texte(response)
    response = client.get(URL, {"code": "pas un code !"})
    assert response.status_code == 422
    assert "Ce code n'est pas bon" in _texte(response)


def test_rate_limit_then_429_in_plain_french(client, site_public, ctx, carnet):
    for _ in range(10):
        assert client.get(f"{URL}{codes.generate()}/").status_code == 404
    response = client.get(f"/p/{carnet.code}")
    assert response.status_code == 429
    assert "Vous avez essayé trop de codes" in _texte(response)
    assert client.get(URL, {"code": carnet.code}).status_code == 429
    other = client.get(f"/p/{carnet.code}", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_forwarded_for_only_when_the_proxy_is_trusted(client, site_public, ctx, carnet):
    for i in range(10):
        client.get(f"/p/{codes.generate()}", HTTP_X_FORWARDED_FOR=f"1.1.1.{i}")
    assert client.get(f"/p/{carnet.code}", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    with override_settings(INCLUSION_TRUSTED_PROXIES=["127.0.0.1"]):
        assert client.get(f"/p/{carnet.code}", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 200
        for _ in range(10):
            client.get(f"/p/{codes.generate()}", HTTP_X_FORWARDED_FOR="3.3.3.3")
        assert client.get(f"/p/{carnet.code}", HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 429


def test_without_a_site_page_the_minimal_view_answers(client, ctx, carnet):
    response = client.get(f"/p/{carnet.code}")
    assert response.status_code == 200
    assert "Bonjour Awa." in _texte(response)


def test_qr_finds_the_page_with_one_query(client, site_public, ctx, carnet):
    """The page lookup is one query; the rest is the pass lookup, the same for every code."""
    from cms.models import MonPassPage

    with CaptureQueriesContext(connection) as ctxq:
        MonPassPage.objects.live().first()
    assert len(ctxq.captured_queries) == 1


def test_cheques_left_and_places_are_never_stale(
    client, site_public, ctx, carnet, django_capture_on_commit_callbacks
):
    """The places are kept per programme, the chèques are read live."""
    import uuid

    from inclusion.services.territoire import withdraw_qualification
    from pass_numerique.services.redemption import redeem_cheque

    url = f"/p/{carnet.code}"
    assert "Il vous reste 10 chèques." in _texte(client.get(url))
    redeem_cheque(
        acteur=ctx["mediateur"],
        lieu=ctx["lieu"],
        code=carnet.cheque_codes[0][1],
        prestation="atelier",
        demande_id=uuid.uuid4(),
    )
    html = _texte(client.get(url))
    assert "Il vous reste 9 chèques." in html and ctx["lieu"].nom in html
    from inclusion.enums import Role
    from tests.inclusion.factories import member

    coordinateur = member(Role.COORDINATEUR, structure=ctx["lieu"].structure)
    with django_capture_on_commit_callbacks(execute=True):  # the generation moves on commit
        withdraw_qualification(acteur=coordinateur, lieu=ctx["lieu"], motif="fermeture")
    assert ctx["lieu"].nom not in _texte(client.get(url))


# --- The kept page: the same for every carnet, nothing of anybody's in it ---------------------


def test_each_holder_sees_only_their_own_part(client, site_public, ctx, carnet, habillage_en_cache):
    """The page is built once for the programme and the commune; the first name, the chèques
    left and the code (in the text-size link) are put in at each request, and never kept."""
    from cms.journeys import mon_pass
    from inclusion import page_cache

    autre_personne = BeneficiaireFactory(
        structure=ctx["enveloppe"].structure, prenom="Bastien", commune=ctx["lieu"].commune
    )
    autre = issued(ctx, autre_personne)[0]
    page_awa = _texte(client.get(f"/p/{carnet.code}"))
    with CaptureQueriesContext(connection) as queries:
        page_bastien = _texte(client.get(f"/p/{autre.code}"))
    assert "Bonjour Bastien" in page_bastien and "Awa" not in page_bastien
    assert "Bonjour Awa" in page_awa and "Bastien" not in page_awa
    assert f"suite=%2Fp%2F{autre.code}" in page_bastien and carnet.code not in page_bastien
    assert f"suite=%2Fp%2F{carnet.code}" in page_awa and autre.code not in page_awa
    assert mon_pass.MARQUE_CHEMIN not in page_awa and "mon-pass:personnel" not in page_awa
    # Bastien's page was not built again: the carnet, and the live state of the workshops.
    assert len(queries.captured_queries) == 2
    kept = [v for v in page_cache._memo.values() if isinstance(v, str) and "<html" in v]
    assert kept, "the page is kept"
    for page in kept:
        for personal in ("Awa", "Bastien", carnet.code, autre.code, "Il vous reste"):
            assert personal not in page


def test_result_page_queries(client, site_public, ctx, carnet, habillage_en_cache):
    """Once built: the carnet with its chèques left (one query) and the live state of the
    workshops near the person (one query), whatever the number of places and workshops."""
    for _ in range(3):
        SessionFactory(lieu=ctx["lieu"])
    client.get(f"/p/{carnet.code}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/p/{carnet.code}")
    assert response.status_code == 200
    assert len(queries.captured_queries) == 2, [q["sql"] for q in queries.captured_queries]


def test_seats_near_the_person_are_never_stale(client, site_public, ctx, carnet):
    from ateliers.enums import Canal
    from ateliers.services.registrations import register

    session = SessionFactory(lieu=ctx["lieu"], capacite=2)
    assert "2 places libres" in _texte(client.get(f"/p/{carnet.code}"))
    register(session=session, beneficiaire=ctx["beneficiaire"], canal=Canal.PUBLIC)
    assert "1 place libre" in _texte(client.get(f"/p/{carnet.code}"))


def test_opening_state_follows_the_minute(client, site_public, ctx, carnet, monkeypatch):
    """Kept for one minute at most: a place that opens at 9 h shows open from 9 h."""
    import datetime

    from django.utils import timezone

    ctx["lieu"].horaires = "Mo-Su 09:00-18:00"
    ctx["lieu"].save()
    jour = timezone.localdate() + datetime.timedelta(days=400)
    avant = timezone.make_aware(datetime.datetime.combine(jour, datetime.time(8, 59, 30)))
    monkeypatch.setattr(timezone, "now", lambda: avant)
    html = _texte(client.get(f"/p/{carnet.code}"))
    assert "Fermé maintenant. Ouvre aujourd'hui à 9 h" in html
    monkeypatch.setattr(timezone, "now", lambda: avant + datetime.timedelta(seconds=31))
    assert "Ouvert maintenant" in _texte(client.get(f"/p/{carnet.code}"))


def test_big_text_has_its_own_page(client, site_public, ctx, carnet):
    client.get(f"/p/{carnet.code}")
    client.cookies["taille_texte"] = "grand"
    html = _texte(client.get(f"/p/{carnet.code}"))
    assert 'class="texte-grand"' in html and "Texte normal" in html


def test_a_pass_that_cannot_be_used(client, site_public, ctx, carnet):
    from pass_numerique.enums import StatutCarnet
    from pass_numerique.models import Carnet

    Carnet.objects.filter(pk=carnet.carnet.pk).update(statut=StatutCarnet.ANNULE)
    html = _texte(client.get(f"/p/{carnet.code}"))
    assert "Votre pass ne peut plus servir." in html and "Bonjour Awa" in html
    assert "Où utiliser vos chèques" not in html and "Il vous reste" not in html


def test_the_next_workshops_are_the_soonest(client, site_public, ctx, carnet):
    import datetime

    from django.utils import timezone

    debut = timezone.now() + datetime.timedelta(days=3)
    tardives = [
        SessionFactory(lieu=ctx["lieu"], debut=debut + datetime.timedelta(days=i))
        for i in range(1, 7)
    ]
    proche = SessionFactory(lieu=ctx["lieu"], debut=debut)  # created last, comes first
    html = _texte(client.get(f"/p/{carnet.code}"))
    assert f"atelier-{proche.pk}" in html
    assert f"atelier-{tardives[-1].pk}" not in html  # 5 at most: the latest is left out
    positions = [html.index(f"atelier-{s.pk}") for s in [proche, *tardives[:4]]]
    assert positions == sorted(positions)


def test_the_qr_target_never_skips_a_view_restriction(
    client, site_public, ctx, carnet, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    from cms.models import MonPassPage

    assert client.get(f"/p/{carnet.code}").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the generation moves on commit
        PageViewRestriction.objects.create(
            page=MonPassPage.objects.get(), restriction_type="password", password="secret"
        )
    response = client.get(f"/p/{carnet.code}")
    assert response.status_code == 302 and response["Location"] == f"{URL}{carnet.code}/"
    asked = client.get(response["Location"])
    assert "Bonjour Awa" not in _texte(asked) and "Il vous reste" not in _texte(asked)
