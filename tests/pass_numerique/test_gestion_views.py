"""Dashboards and statements under /pro/pass/gestion/, and the figures behind them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inclusion.enums import Role
from pass_numerique.enums import StatutReleve
from pass_numerique.models import Releve
from pass_numerique.services import issuance, stats
from pass_numerique.services.redemption import redeem_cheque
from pass_numerique.services.reimbursement import build_statements, mark_paid, month_bounds
from tests.clock import TODAY
from tests.inclusion.factories import LieuFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, issued, setup_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MOIS = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
START, _ = month_bounds(MOIS)


def redeem(ctx, code, lieu=None, mediateur=None, now=None):
    return redeem_cheque(
        acteur=mediateur or ctx["mediateur"],
        lieu=lieu or ctx["lieu"],
        code=code,
        prestation="atelier",
        demande_id=issuance.new_request_id(),
        now=now or START + datetime.timedelta(days=2),
    )


@pytest.fixture
def coord():
    return member(Role.COORDINATEUR)


@pytest.fixture
def ctx(coord):
    """Two carnets redeemed partly at lieu A in MOIS, a statement built; lieu B elsewhere."""
    ctx = setup_pass()
    items = issued(ctx, nombre=2)
    for _, code in items[0].cheque_codes[:3]:
        redeem(ctx, code)
    issuance.hand_over(acteur=ctx["prescripteur"], carnet=items[1].carnet)
    lieu_b = LieuFactory(qualifie=True)
    ctx["lieu_b"] = lieu_b
    ctx["mediateur_b"] = member(Role.MEDIATEUR, structure=lieu_b.structure)
    redeem(ctx, items[1].cheque_codes[0][1], lieu=lieu_b, mediateur=ctx["mediateur_b"])
    results = build_statements(acteur=coord, mois=MOIS)
    ctx["releve_a"] = next(r.releve for r in results if r.releve.lieu_id == ctx["lieu"].pk)
    ctx["releve_b"] = next(r.releve for r in results if r.releve.lieu_id == lieu_b.pk)
    ctx["items"] = items
    return ctx


# --- Figures --------------------------------------------------------------------------------


def test_dashboard_figures(ctx, coord):
    other = EnveloppeFactory(programme=ctx["programme"], nb_cheques=50)
    issuance.block_and_replace(acteur=ctx["prescripteur"], carnet=ctx["items"][1].carnet)
    mark_paid(acteur=coord, releve=ctx["releve_a"], paye_le=TODAY)
    t = stats.programme_dashboard(programme=ctx["programme"])
    assert (t.total.alloues, t.total.emis, t.total.solde) == (150, 20, 130)
    # Carnet 2 was handed over (10), then blocked: 9 cancelled, 9 on the replacement.
    assert t.total.remis == 10
    assert (t.total.encaisses, t.total.rembourses) == (4, 3)
    assert (t.total.valides, t.total.annules, t.total.expires) == (16, 9, 0)
    by_id = {s.structure_id: s for s in t.structures}
    assert by_id[other.structure_id].chiffres.alloues == 50
    assert by_id[other.structure_id].chiffres.emis == 0
    carnets = {value: n for value, _, n in t.carnets}
    assert carnets == {
        "emis": 0,
        "remis": 1,
        "entame": 1,
        "epuise": 0,
        "expire": 0,
        "bloque": 1,
        "annule": 0,
    }
    lieux = {lieu.lieu_id: lieu for lieu in t.lieux}
    assert lieux[ctx["lieu"].pk].encaisses == 3 and lieux[ctx["lieu"].pk].rembourses == 3
    assert lieux[ctx["lieu_b"].pk].montant == 10 and lieux[ctx["lieu_b"].pk].rembourses == 0
    assert t.montant_encaisse == 40 and t.montant_rembourse == 30


def test_dashboard_constant_queries(ctx):
    with CaptureQueriesContext(connection) as few:
        stats.programme_dashboard(programme=ctx["programme"])
    for _ in range(5):
        env = EnveloppeFactory(programme=ctx["programme"])
        prescripteur = member(Role.PRESCRIPTEUR, structure=env.structure)
        issuance.issue_carnets(acteur=prescripteur, enveloppe=env, nombre=2)
    with CaptureQueriesContext(connection) as many:
        t = stats.programme_dashboard(programme=ctx["programme"])
    assert len(t.structures) == 6
    assert len(few) == len(many) == 4


# --- Pages: who may come in -----------------------------------------------------------------


def urls(ctx):
    return [
        reverse("pass_gestion:accueil"),
        reverse("pass_gestion:tableau_de_bord", args=[ctx["programme"].pk]),
        reverse("pass_gestion:releves"),
        reverse("pass_gestion:releve", args=[ctx["releve_a"].pk]),
        reverse("pass_gestion:releve_pdf", args=[ctx["releve_a"].pk]),
        reverse("pass_gestion:releve_csv", args=[ctx["releve_a"].pk]),
    ]


def test_anonymous_goes_to_login(client, ctx):
    for url in urls(ctx):
        response = client.get(url)
        assert response.status_code == 302 and "/pro/connexion/" in response["Location"]


def test_coordinator_sees_every_page(client, ctx, coord):
    client.force_login(coord)
    for url in urls(ctx):
        assert client.get(url).status_code == 200, url


def test_dashboard_and_home_are_for_coordinators(client, ctx):
    client.force_login(ctx["prescripteur"])
    assert client.get(urls(ctx)[0]).status_code == 403
    assert client.get(urls(ctx)[1]).status_code == 403
    assert client.post(reverse("pass_gestion:etablir"), {"mois": MOIS}).status_code == 403


def test_lieu_structure_lists_and_downloads_its_own_statements_only(client, ctx):
    client.force_login(ctx["mediateur_b"])
    html = client.get(reverse("pass_gestion:releves")).content.decode()
    assert ctx["lieu_b"].nom in html and ctx["lieu"].nom not in html
    assert "Établir les relevés" not in html
    b = ctx["releve_b"].pk
    assert client.get(reverse("pass_gestion:releve_pdf", args=[b])).status_code == 200
    csv = client.get(reverse("pass_gestion:releve_csv", args=[b]))
    assert csv["Content-Type"].startswith("text/csv")
    a = ctx["releve_a"].pk
    for name in ("releve", "releve_pdf", "releve_csv"):
        assert client.get(reverse(f"pass_gestion:{name}", args=[a])).status_code == 404
    # Nor can it pay its own statement.
    response = client.post(reverse("pass_gestion:payer", args=[b]), {"paye_le": TODAY})
    assert response.status_code == 403
    assert Releve.objects.get(pk=b).statut == StatutReleve.A_PAYER


def test_volontaire_refused(client, ctx):
    client.force_login(member(Role.VOLONTAIRE, structure=ctx["lieu"].structure))
    assert client.get(reverse("pass_gestion:releves")).status_code == 403


# --- Pages: actions -------------------------------------------------------------------------


def test_build_from_the_page_is_idempotent(client, ctx, coord):
    client.force_login(coord)
    url = reverse("pass_gestion:etablir")
    response = client.post(url, {"mois": MOIS.isoformat()}, follow=True)
    assert "Aucun nouveau relevé" in response.content.decode()
    response = client.post(url, {"mois": TODAY.replace(day=1).isoformat()}, follow=True)
    assert "Choisissez un mois" in response.content.decode()
    assert Releve.objects.count() == 2


def test_pay_from_the_page(client, ctx, coord):
    client.force_login(coord)
    url = reverse("pass_gestion:payer", args=[ctx["releve_a"].pk])
    future = TODAY + datetime.timedelta(days=3)
    response = client.post(url, {"paye_le": future.isoformat()})
    assert response.status_code == 422
    assert "ne peut pas être dans le futur" in response.content.decode()
    response = client.post(url, {"paye_le": "pas une date"})
    assert response.status_code == 422
    response = client.post(url, {"paye_le": TODAY.isoformat()})
    assert response.status_code == 302
    ctx["releve_a"].refresh_from_db()
    assert ctx["releve_a"].statut == StatutReleve.PAYE
    html = client.get(reverse("pass_gestion:releve", args=[ctx["releve_a"].pk])).content.decode()
    assert "Marquer comme payé" not in html and "Payé le" in html


def test_statement_list_constant_queries(client, ctx, coord, habillage_en_cache):
    client.force_login(coord)
    url = reverse("pass_gestion:releves")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        lieu = LieuFactory(qualifie=True)
        mediateur = member(Role.MEDIATEUR, structure=lieu.structure)
        [item] = issued(ctx)
        redeem(ctx, item.cheque_codes[0][1], lieu=lieu, mediateur=mediateur)
    build_statements(acteur=coord, mois=MOIS)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "7 relevés" in html
    assert len(few) == len(many)


def test_statement_page_constant_queries(client, ctx, coord, habillage_en_cache):
    client.force_login(coord)
    url = reverse("pass_gestion:releve", args=[ctx["releve_b"].pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    url = reverse("pass_gestion:releve", args=[ctx["releve_a"].pk])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_dashboard_page_shows_alert(client, ctx, coord):
    p = ctx["programme"]
    p.fin_validite = TODAY + datetime.timedelta(days=10)
    p.save()
    client.force_login(coord)
    html = client.get(reverse("pass_gestion:tableau_de_bord", args=[p.pk])).content.decode()
    assert "Fin de validité proche" in html
    assert ctx["enveloppe"].structure.nom in html
    html = client.get(reverse("pass_gestion:accueil")).content.decode()
    assert "Fin de validité proche" in html
