"""The pages of /pro/conservation/ (issue 18): the list of files soon anonymised and "garder
encore". Who reaches them, the happy path, bad input refused in French with nothing written,
another structure's file hidden, the query count of the list, the home card."""

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import inclusion.hooks_conservation_dossiers  # noqa: F401  (until apps.py imports it)
from inclusion import registry
from inclusion.enums import Role
from inclusion.models import Beneficiaire, Journal
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LISTE = "/pro/conservation/"


def garder(b):
    return f"/pro/conservation/{b.uuid}/garder/"


def text(response):
    return unescape(response.content.decode()).replace("\xa0", " ")


def inactive(structure, jours_restants, **kwargs):
    return BeneficiaireFactory(
        structure=structure,
        derniere_activite=FROZEN_AT - datetime.timedelta(days=730 - jours_restants),
        **kwargs,
    )


@pytest.fixture
def structure():
    return StructureFactory(nom="CCAS A")


@pytest.fixture
def prescripteur(structure):
    return member(Role.PRESCRIPTEUR, structure=structure)


@pytest.fixture
def presc_client(client, prescripteur):
    client.force_login(prescripteur)
    return client


@pytest.fixture
def personne(structure):
    return inactive(structure, 29, prenom="Fatima", nom="Benali")


def test_url_names():
    assert reverse("conservation:bientot") == LISTE
    b = Beneficiaire(uuid="6f0e3c1e-4a56-4c38-9d8b-2f7f3e0b9a11")
    assert reverse("conservation:garder", kwargs={"uuid": b.uuid}) == garder(b)


# --- Who reaches it -------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, personne):
    for url in (LISTE, garder(personne)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/connexion/" in response["Location"]
    client.post(garder(personne), {"motif": "demande"})
    personne.refresh_from_db()
    assert personne.conserver_jusquau is None


def test_a_volontaire_is_refused(client, structure, personne):
    client.force_login(member(Role.VOLONTAIRE, structure=structure))
    assert client.get(LISTE).status_code == 403
    assert client.get(garder(personne)).status_code == 403
    assert client.post(garder(personne), {"motif": "demande"}).status_code == 403
    personne.refresh_from_db()
    assert personne.conserver_jusquau is None


def test_another_structures_file_is_absent_and_not_listed(client, personne):
    client.force_login(member(Role.PRESCRIPTEUR, structure=StructureFactory()))
    response = client.get(LISTE)
    assert response.status_code == 200
    assert "Benali" not in text(response)
    assert "Aucun dossier de vos structures" in text(response)
    assert client.get(garder(personne)).status_code == 404
    assert client.post(garder(personne), {"motif": "demande"}).status_code == 404
    personne.refresh_from_db()
    assert personne.conserver_jusquau is None


def test_other_methods_are_refused(presc_client, personne):
    assert presc_client.post(LISTE).status_code == 405
    assert presc_client.put(garder(personne)).status_code == 405


# --- The list and keeping ------------------------------------------------------------------


def test_the_list_shows_the_person_the_date_and_a_form(presc_client, personne, structure):
    inactive(structure, 31, prenom="Pas", nom="Encore")
    response = presc_client.get(LISTE)
    page = text(response)
    assert response.status_code == 200
    assert "Fatima Benali" in page
    assert "Encore" not in page
    assert "1 dossier" in page
    assert "16 décembre 2026" in page  # sera anonymisé le
    assert "16 décembre 2024" in page  # dernière activité, 701 days ago
    assert reverse("pro:beneficiaire_detail", args=[personne.uuid]) in page
    assert f'action="{garder(personne)}"' in page
    assert f'<label for="motif-{personne.uuid}">' in page
    assert "Accompagnement en cours" in page


def test_keeping_from_the_list(presc_client, personne, prescripteur):
    response = presc_client.post(garder(personne), {"motif": "accompagnement"})
    assert response.status_code == 302
    assert response["Location"] == LISTE
    personne.refresh_from_db()
    assert personne.conserver_jusquau == datetime.date(2027, 11, 17)
    assert personne.conserver_motif == "accompagnement"
    page = text(presc_client.get(LISTE))
    assert "Le dossier de Fatima Benali est gardé jusqu'au 17 novembre 2027." in page
    assert "Fatima Benali</a>" not in page
    line = Journal.objects.get(action="beneficiaire.conservation")
    assert line.acteur == prescripteur
    assert line.details == {"motif": "accompagnement", "jusquau": "2027-11-17"}


def test_the_form_alone_and_back_to_the_file(presc_client, personne):
    response = presc_client.get(garder(personne) + "?suite=dossier")
    page = text(response)
    assert response.status_code == 200
    assert "Garder encore le dossier de Fatima Benali" in page
    assert "sera anonymisé le <strong>16 décembre 2026</strong>" in page
    assert 'name="suite" value="dossier"' in page
    response = presc_client.post(garder(personne), {"motif": "demande", "suite": "dossier"})
    assert response["Location"] == reverse("pro:beneficiaire_detail", args=[personne.uuid])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choisissez pourquoi garder ce dossier."),
        ({"motif": ""}, "Choisissez pourquoi garder ce dossier."),
        ({"motif": "il revient"}, "Choisissez un motif de la liste."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_written(presc_client, personne, data, message):
    response = presc_client.post(garder(personne), data)
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert 'class="error-summary"' in page
    assert 'aria-describedby="id_motif_erreurs"' in page or "id_motif_erreurs" in page
    personne.refresh_from_db()
    assert (personne.conserver_jusquau, personne.conserver_motif) == (None, "")
    assert not Journal.objects.filter(action="beneficiaire.conservation").exists()


def test_an_anonymised_file_is_refused_with_a_message(presc_client, personne):
    Beneficiaire.objects.filter(pk=personne.pk).update(anonymise_le=FROZEN_AT)
    response = presc_client.post(garder(personne), {"motif": "demande"})
    assert response.status_code == 422
    assert "Ce dossier est déjà anonymisé" in text(response)


def test_a_coordinator_sees_every_structure_with_its_name(client, personne):
    inactive(StructureFactory(nom="Association B"), 3, prenom="Odile", nom="Quentel")
    client.force_login(member(Role.COORDINATEUR))
    page = text(client.get(LISTE))
    assert "Odile Quentel" in page and "Fatima Benali" in page
    assert page.index("Odile Quentel") < page.index("Fatima Benali")  # sooner first
    assert "Association B" in page and "CCAS A" in page
    assert client.post(garder(personne), {"motif": "obligation"}).status_code == 302


def test_the_list_query_count_does_not_grow_with_rows(presc_client, structure, habillage_en_cache):
    for _ in range(2):
        inactive(structure, 10)
    presc_client.get(LISTE)  # warm the session and the caches
    with CaptureQueriesContext(connection) as two:
        assert presc_client.get(LISTE).status_code == 200
    for i in range(18):
        inactive(structure, 5 + i)
    with CaptureQueriesContext(connection) as twenty:
        response = presc_client.get(LISTE)
    assert "20 dossiers" in text(response)
    assert len(twenty.captured_queries) == len(two.captured_queries)


def test_the_home_card_is_for_those_who_see_the_list(structure):
    names = lambda user: [e.url_name for e in registry.pro_entries_for(user)]  # noqa: E731
    assert "conservation:bientot" in names(member(Role.PRESCRIPTEUR, structure=structure))
    assert "conservation:bientot" in names(member(Role.MEDIATEUR, structure=structure))
    assert "conservation:bientot" in names(member(Role.COORDINATEUR))
    assert "conservation:bientot" not in names(member(Role.VOLONTAIRE, structure=structure))


# --- The notice on the person's file --------------------------------------------------------


def test_the_file_page_says_when_it_will_be_anonymised(presc_client, personne, structure):
    fiche = reverse("pro:beneficiaire_detail", args=[personne.uuid])
    page = text(presc_client.get(fiche))
    assert "Ce dossier sera anonymisé le <strong>16 décembre 2026</strong> faute d'activité" in page
    assert f'href="{garder(personne)}?suite=dossier"' in page
    presc_client.post(garder(personne), {"motif": "demande", "suite": "dossier"})
    assert "sera anonymisé" not in text(presc_client.get(fiche))
    loin = inactive(structure, 31)
    assert "sera anonymisé" not in text(
        presc_client.get(reverse("pro:beneficiaire_detail", args=[loin.uuid]))
    )


def test_the_file_page_of_a_due_file_says_today(presc_client, structure):
    due = inactive(structure, -1, prenom="Paul", nom="Due")
    page = text(presc_client.get(reverse("pro:beneficiaire_detail", args=[due.uuid])))
    assert "Ce dossier sera anonymisé aujourd'hui faute d'activité" in page
