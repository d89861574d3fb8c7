"""The carnets list (/pro/pass/): its cells, sorting, the programme filter's choices, and what
its queries read."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Membership
from pass_numerique.enums import StatutCarnet
from pass_numerique.models import Carnet, Programme
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.pass_numerique.factories import (
    EnveloppeFactory,
    ProgrammeFactory,
    issued,
    setup_pass,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("pass:carnets"), params)
    return response, response.content.decode()


def _options(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def _rows(html):
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [
        dict(re.findall(r'<td data-col="([^"]+)">(.*?)</td>', row))
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def ctx():
    return setup_pass()


def test_each_cell(client, ctx):
    structure = ctx["enveloppe"].structure
    nommee = issued(ctx, BeneficiaireFactory(structure=structure, prenom="Jean-<b>Luc</b>"))
    anonyme = issued(ctx)[0].carnet
    Carnet.objects.filter(pk=anonyme.pk).update(statut=StatutCarnet.REMIS)
    carnet = nommee[0].carnet
    response, html = _page(client, ctx["prescripteur"])
    assert response.status_code == 200
    rows = {re.search(r"\d{4}-\d{6}", row["numero"]).group(0): row for row in _rows(html)}
    detail = reverse("pass:carnet_detail", args=[carnet.pk])
    assert rows[carnet.numero] == {
        "numero": (
            f'<a href="{detail}">{carnet.numero}'
            '<span class="visually-hidden"> : voir le carnet</span></a>'
        ),
        "personne": "Jean-&lt;b&gt;Luc&lt;/b&gt;",
        "programme": ctx["programme"].nom,
        "statut": "Émis",
        "restants": "10 sur 10",
        "emis_le": timezone.localtime(carnet.emis_le).strftime("%d/%m/%Y"),
    }
    autre = rows[anonyme.numero]
    assert autre["personne"] == "Carnet anonyme"
    assert autre["statut"] == "Remis à la personne"


def test_the_structure_column_shows_with_two_structures(client, ctx):
    issued(ctx, BeneficiaireFactory(structure=ctx["enveloppe"].structure))
    _, html = _page(client, ctx["prescripteur"])
    assert "structure" not in _rows(html)[0]
    autre = EnveloppeFactory(programme=ctx["programme"])
    Membership.objects.create(
        user=ctx["prescripteur"], structure=autre.structure, role=Role.PRESCRIPTEUR
    )
    # A fresh user: the one above keeps its memberships read before.
    prescripteur = type(ctx["prescripteur"]).objects.get(pk=ctx["prescripteur"].pk)
    issued(dict(ctx, enveloppe=autre, prescripteur=prescripteur))
    _, html = _page(client, prescripteur, sort="-structure")
    noms = [row["structure"] for row in _rows(html)]
    assert noms == sorted({autre.structure.nom, ctx["enveloppe"].structure.nom}, reverse=True)


@pytest.mark.parametrize("sort", ["personne", "-personne", "statut", "-statut", "numero"])
def test_sorting(client, ctx, sort):
    structure = ctx["enveloppe"].structure
    statuts = {
        "Bruno": StatutCarnet.REMIS,
        "Amina": StatutCarnet.EMIS,
        "Chloé": StatutCarnet.ENTAME,
    }
    for prenom, statut in statuts.items():
        carnet = issued(ctx, BeneficiaireFactory(structure=structure, prenom=prenom))[0].carnet
        Carnet.objects.filter(pk=carnet.pk).update(statut=statut)
    ordre = {
        "personne": ["beneficiaire__prenom"],
        "-personne": ["-beneficiaire__prenom"],
        "statut": ["statut"],
        "-statut": ["-statut"],
        "numero": ["emis_le", "pk"],
    }[sort]
    expected = [c.numero for c in Carnet.objects.order_by(*ordre)]
    _, html = _page(client, ctx["prescripteur"], sort=sort)
    assert [re.search(r"\d{4}-\d{6}", row["numero"]).group(0) for row in _rows(html)] == expected


def test_programme_choices_are_the_envelopes_programmes_in_programme_order(client, ctx):
    """Read from the envelopes the page shows, in Programme's own order (newest end of
    validity first, then by name): the same options as a query of those programmes."""
    structure = ctx["enveloppe"].structure
    fin = timezone.localdate() + datetime.timedelta(days=100)
    for nom, jours in [("Zèbre", 0), ("Abeille", 0), ("Castor", 50), ("Daim", -20)]:
        EnveloppeFactory(
            structure=structure,
            programme=ProgrammeFactory(nom=nom, fin_validite=fin + datetime.timedelta(days=jours)),
        )
    pas_le_sien = ProgrammeFactory(nom="Ailleurs")
    EnveloppeFactory(programme=pas_le_sien)
    _, html = _page(client, ctx["prescripteur"])
    attendus = Programme.objects.filter(enveloppes__structure=structure)
    assert _options(html, "programme") == [("", "Tous")] + [(str(p.pk), p.nom) for p in attendus]
    assert [nom for _, nom in _options(html, "programme")][1:] == [
        ctx["programme"].nom,
        "Castor",
        "Abeille",
        "Zèbre",
        "Daim",
    ]


def test_programme_filter(client, ctx):
    structure = ctx["enveloppe"].structure
    premier = issued(ctx, BeneficiaireFactory(structure=structure))[0].carnet
    autre = EnveloppeFactory(structure=structure, programme__anonyme=True)
    second = issued(dict(ctx, enveloppe=autre))[0].carnet
    response, html = _page(client, ctx["prescripteur"], programme=autre.programme_id)
    assert response.status_code == 200
    assert second.numero in html and premier.numero not in html
    assert (str(autre.programme_id), autre.programme.nom) in _options(html, "programme")
    assert f'<option value="{autre.programme_id}" selected>' in html


def test_programme_filter_refuses_a_programme_not_offered(client, ctx):
    pas_le_sien = EnveloppeFactory().programme
    response, html = _page(client, ctx["prescripteur"], programme=pas_le_sien.pk)
    assert response.status_code == 422
    assert 'id="id_programme_erreurs"' in html


def test_a_coordinator_filters_on_every_programme(client, ctx):
    sans_enveloppe = ProgrammeFactory(nom="Sans enveloppe")
    coordinateur = member(Role.COORDINATEUR)
    _, html = _page(client, coordinateur)
    options = _options(html, "programme")
    assert options == [("", "Tous")] + [(str(p.pk), p.nom) for p in Programme.objects.all()]
    assert (str(sans_enveloppe.pk), "Sans enveloppe") in options
    response, html = _page(client, coordinateur, programme=sans_enveloppe.pk)
    assert response.status_code == 200


def test_queries_read_nothing_twice(client, ctx, habillage_en_cache):
    """The programme filter's names come with the envelopes; the count joins nothing; the
    rows read only the columns the cells show."""
    issued(ctx, BeneficiaireFactory(structure=ctx["enveloppe"].structure), nombre=2)
    client.force_login(ctx["prescripteur"])
    client.get(reverse("pass:carnets"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("pass:carnets")).status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sqls if re.match(r'SELECT .* FROM "pass_numerique_programme"', s)]
    (count,) = [s for s in sqls if "COUNT(*)" in s and "pass_numerique_carnet" in s]
    assert "JOIN" not in count
    (rows,) = [
        s for s in sqls if re.match(r'SELECT .* FROM "pass_numerique_carnet"', s) and s != count
    ]
    assert "telephone" not in rows and "code_hash" not in rows
