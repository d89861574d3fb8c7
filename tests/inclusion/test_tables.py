"""The espace pro's tables (inclusion/tables.py): sorting by each column, aria-sort,
pagination that keeps the filters, the accessible markup, django-tables2's query string."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from inclusion.enums import Role, TrancheAge, TypeTelephone
from tests.inclusion.factories import BeneficiaireFactory, QuartierFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

URL = "pro:beneficiaire_list"


@pytest.fixture
def people(client):
    user = member(Role.PRESCRIPTEUR)
    structure = user.memberships.get().structure
    q1, q2 = QuartierFactory(nom="Bastide"), QuartierFactory(nom="Chartrons")
    q1.commune.nom, q2.commune.nom = "Ambarès", "Zèbres"
    q1.commune.save(), q2.commune.save()
    made = [
        BeneficiaireFactory(
            structure=structure,
            prenom="Béa",
            commune=q2.commune,
            quartier=q2,
            tranche_age=TrancheAge.values[-1],
            consentement_sms=False,
        ),
        BeneficiaireFactory(
            structure=structure,
            prenom="Abel",
            commune=q1.commune,
            quartier=q1,
            tranche_age=TrancheAge.values[0],
            telephone="+33600004567",
            type_telephone=TypeTelephone.MOBILE,
            consentement_sms=True,
            consentement_sms_le=timezone.now(),
        ),
    ]
    BeneficiaireFactory(prenom="Ailleurs")  # another structure: never listed
    client.force_login(user)
    return made


def _order(html):
    return re.findall(r">(Abel|Béa|Ailleurs) Martin<", html)


@pytest.mark.parametrize(
    "column", ["nom_affiche", "commune", "quartier", "tranche_age", "consentement_sms"]
)
def test_each_sortable_column_sorts_both_ways(client, people, column):
    # Abel is first by name, commune, quartier and age band; Béa first by "SMS" (Non < Oui).
    first = "Béa" if column == "consentement_sms" else "Abel"
    last = "Abel" if first == "Béa" else "Béa"
    up = client.get(reverse(URL), {"sort": column}).text
    down = client.get(reverse(URL), {"sort": f"-{column}"}).text
    assert _order(up) == [first, last]
    assert _order(down) == [last, first]
    assert 'aria-sort="ascending"' in up and 'aria-sort="descending"' in down
    assert up.count("aria-sort") == 1
    # The header's link gives the other order; the others start ascending.
    assert f'href="?sort=-{column}"' in up
    assert f'href="?sort={column}"' in down


def test_sort_by_last_activity(client, people):
    import datetime

    from inclusion.models import Beneficiaire

    Beneficiaire.objects.filter(pk=people[1].pk).update(
        derniere_activite=people[0].derniere_activite - datetime.timedelta(days=3)
    )
    assert _order(client.get(reverse(URL), {"sort": "derniere_activite"}).text) == ["Abel", "Béa"]
    assert _order(client.get(reverse(URL), {"sort": "-derniere_activite"}).text) == ["Béa", "Abel"]


def test_unknown_or_unsortable_sort_is_ignored(client, people):
    for value in ("telephone", "password", "-__class__", ""):
        response = client.get(reverse(URL), {"sort": value})
        assert response.status_code == 200
        assert "aria-sort" not in response.text


def test_markup(client, people):
    html = client.get(reverse(URL)).text
    assert '<caption class="visually-hidden">Personnes accompagnées</caption>' in html
    assert html.count('<th scope="col"') == 7
    # The telephone column is not sortable: a plain header.
    assert '<th scope="col">Téléphone</th>' in html
    assert '<td data-col="telephone">Pas de téléphone</td>' in html
    assert '<td data-col="consentement_sms"><span class="true">Oui</span></td>' in html
    assert '<td data-col="telephone">06 00 00 45 67</td>' in html
    assert '<td data-col="derniere_activite">17/11/2026</td>' in html
    assert f'href="/pro/beneficiaires/{people[0].uuid}/">Béa Martin</a>' in html
    assert "Ailleurs" not in html


def test_empty_text(client, people):
    html = client.get(reverse(URL), {"q": "personne-inconnue"}).text
    assert '<td colspan="7">Aucune personne ne correspond à votre recherche.</td>' in html


def test_pagination_keeps_filters_and_order(client, people):
    structure = people[0].structure
    for i in range(30):
        BeneficiaireFactory(structure=structure, prenom=f"Zoé{i:02d}")
    html = client.get(reverse(URL), {"q": "zoé", "sort": "-nom_affiche"}).text
    assert "30 personnes" in html
    assert len(re.findall(r'data-col="nom_affiche"', html)) == 25
    assert "Page 1 sur 2" in html and "Zoé29" in html
    assert 'href="?q=zo%C3%A9&amp;sort=-nom_affiche&amp;page=2">Page suivante' in html
    page2 = client.get(reverse(URL), {"q": "zoé", "sort": "-nom_affiche", "page": 2}).text
    assert "Page 2 sur 2" in page2 and "Zoé00" in page2 and "Zoé29" not in page2
    assert "Page précédente" in page2 and "Page suivante" not in page2
    assert ", page 2 sur 2</caption>" in page2
    # Out of range and not a number: the last and the first page, as django-tables2 did.
    assert "Page 2 sur 2" in client.get(reverse(URL), {"q": "zoé", "page": 99}).text
    assert "Page 1 sur 2" in client.get(reverse(URL), {"q": "zoé", "page": "x"}).text


def test_per_page_is_bounded(client, people):
    structure = people[0].structure
    for _ in range(120):
        BeneficiaireFactory(structure=structure)
    rows = lambda html: html.count('data-col="nom_affiche"')  # noqa: E731
    assert rows(client.get(reverse(URL), {"per_page": 50}).text) == 50
    assert rows(client.get(reverse(URL), {"per_page": 100000}).text) == 25
    assert rows(client.get(reverse(URL), {"per_page": "x"}).text) == 25


def test_query_count_same_for_any_order_and_page(
    client, people, django_assert_num_queries, habillage_en_cache
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse(URL))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(URL))
    for _ in range(40):
        BeneficiaireFactory(structure=people[0].structure)
    for params in ({"sort": "-commune"}, {"sort": "quartier", "page": 2}):
        with django_assert_num_queries(len(one.captured_queries)):
            assert client.get(reverse(URL), params).status_code == 200


def test_markup_of_a_landline_a_name_to_escape_and_an_age_label(client, people):
    structure = people[0].structure
    BeneficiaireFactory(
        structure=structure,
        prenom="Zoé <b>",
        nom="",
        telephone="+33556001122",
        type_telephone=TypeTelephone.FIXE,
        tranche_age=TrancheAge.values[0],
        commune=None,
        quartier=None,
    )
    html = client.get(reverse(URL), {"q": "zoé"}).text
    assert '<td data-col="telephone">05 56 00 11 22 <span class="badge">fixe</span></td>' in html
    assert ">Zoé &lt;b&gt;</a></td>" in html
    assert f'<td data-col="tranche_age">{TrancheAge.choices[0][1]}</td>' in html
    # No commune nor quartier: the column's dash.
    assert '<td data-col="commune">—</td><td data-col="quartier">—</td>' in html


def test_cells_escape_as_django_does():
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from inclusion.tables import HTML, cellule_html

    for value in (
        'Zoé & <b>"l\'ami"</b>',
        "&amp; déjà",
        "",
        " ",
        42,
        None,
        mark_safe("<em>sûr</em>"),
        "é\u00a0ç «»",
    ):
        assert cellule_html(value) == conditional_escape(value)
        if isinstance(value, str) and not hasattr(value, "__html__"):
            assert value.translate(HTML) == conditional_escape(value)
