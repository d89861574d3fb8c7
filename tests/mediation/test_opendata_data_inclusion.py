"""data·inclusion v1: every structure and service the territory publishes is valid for the
official package's models (data-inclusion-schema), warnings included."""

import datetime
import json

import pytest
from data_inclusion.schema import v1
from django.urls import reverse

from mediation.opendata import data_inclusion, thematiques
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.clock import FROZEN_AT
from tests.cms.conftest import build_site
from tests.inclusion.factories import LieuFactory
from tests.mediation import monde_opendata

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

STRICT = {"ignore_warnings": False}


def _get(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]
    return json.loads(response.content)


def test_structures_are_valid_and_one_per_published_place(client):
    monde = monde_opendata.build()
    structures = _get(client, "opendata:di_structures")
    for structure in structures:
        v1.Structure.model_validate(structure, context=STRICT)
    par_nom = {s["nom"]: s for s in structures}
    assert set(par_nom) == {monde["complet"].nom, monde["minimal"].nom}
    complet = par_nom[monde["complet"].nom]
    assert complet["id"] == f"inclusion-numerique--lieu-{monde['complet'].uuid}"
    assert complet["siret"] == "43493312300029"
    assert complet["courriel"] == "contact@mediatheque.example"
    assert complet["telephone"] == "+33556112233"
    assert complet["code_insee"] == "33063"
    assert complet["reseaux_porteurs"] == ["communes", "conseillers-numeriques", "france-service"]
    # An RNA number is no SIRET: left out.
    assert par_nom[monde["minimal"].nom]["siret"] is None


def test_services_are_valid_one_per_theme_per_place_plus_individual_help(client):
    monde = monde_opendata.build()
    services = _get(client, "opendata:di_services")
    for service in services:
        v1.Service.model_validate(service, context=STRICT)
    complet, minimal = monde["complet"], monde["minimal"]
    smartphone, demarches = monde["smartphone"], monde["demarches"]
    par_id = {s["id"]: s for s in services}
    # Themes with an upcoming planned session at the place; the cancelled and the past
    # sessions of "démarches" at the complete place make no service; the closed place none.
    assert set(par_id) == {
        f"inclusion-numerique--atelier-{complet.uuid}-{smartphone.pk}",
        f"inclusion-numerique--atelier-{minimal.uuid}-{demarches.pk}",
        f"inclusion-numerique--accompagnement-{complet.uuid}",
    }
    atelier = par_id[f"inclusion-numerique--atelier-{complet.uuid}-{smartphone.pk}"]
    assert atelier["type"] == "atelier"
    assert atelier["structure_id"] == f"inclusion-numerique--lieu-{complet.uuid}"
    assert atelier["thematiques"] == [thematiques.FONDAMENTAUX]
    # Paid with a pass numérique chèque: free for the person, said in the precisions.
    assert atelier["frais"] == "gratuit"
    assert "chèque du pass numérique" in atelier["frais_precisions"]
    assert atelier["conditions_acces"] == "Apporter 1 chèque du pass numérique."
    # One session for everyone, one for seniors: open to all.
    assert atelier["publics"] == ["tous-publics"]
    assert "2 séances à venir" in atelier["description"]
    gratuit = par_id[f"inclusion-numerique--atelier-{minimal.uuid}-{demarches.pk}"]
    assert gratuit["frais"] == "gratuit" and gratuit["frais_precisions"] is None
    assert gratuit["thematiques"] == sorted(
        [
            thematiques.EN_LIGNE,
            thematiques.DEMARCHES,
            "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
        ]
    )
    aide = par_id[f"inclusion-numerique--accompagnement-{complet.uuid}"]
    assert aide["type"] == "accompagnement"
    assert aide["publics"] == ["seniors"]
    assert aide["lien_mobilisation"] == "https://rdv.example/mediatheque"
    assert aide["frais"] == "gratuit"


def test_the_booking_link_is_the_next_sessions_public_registration_page(client):
    monde = monde_opendata.build()
    build_site()
    services = _get(client, "opendata:di_services")
    complet, smartphone = monde["complet"], monde["smartphone"]
    atelier = next(
        s for s in services if s["id"].endswith(f"atelier-{complet.uuid}-{smartphone.pk}")
    )
    prochaine = monde["sessions"][0]
    assert atelier["lien_mobilisation"] == (
        f"http://testserver/ateliers-pres-de-chez-moi/session/{prochaine.pk}/inscription/"
    )
    assert "utiliser-lien-mobilisation" in atelier["modes_mobilisation"]
    assert client.get(atelier["lien_mobilisation"]).status_code == 200


def test_without_public_site_no_booking_link_but_still_valid(client):
    monde_opendata.build()
    for service in _get(client, "opendata:di_services"):
        if service["type"] == "atelier":
            assert service["lien_mobilisation"] is None
            assert "utiliser-lien-mobilisation" not in service["modes_mobilisation"]
        v1.Service.model_validate(service, context=STRICT)


def test_every_mapped_thematique_exists_in_the_schema():
    known = {t.value for t in v1.Thematique}
    mapped = {v for values in thematiques.DEPUIS_COOP.values() for v in values}
    mapped |= {v for values in thematiques.DEPUIS_SERVICES.values() for v in values}
    assert mapped <= known
    from ateliers.enums import Thematique

    assert set(thematiques.DEPUIS_COOP) == set(Thematique)


def test_every_mapped_reseau_and_public_exists_in_the_schema():
    assert set(data_inclusion.RESEAUX_DISPOSITIFS.values()) <= {r.value for r in v1.ReseauPorteur}
    assert set(data_inclusion.RESEAUX_TYPOLOGIES.values()) <= {r.value for r in v1.ReseauPorteur}
    publics = {p.value for p in v1.Public}
    assert set(data_inclusion.PUBLICS.values()) <= publics
    assert set(data_inclusion.PUBLICS_LIEU.values()) <= publics


def test_a_name_ending_with_a_point_is_trimmed():
    assert data_inclusion._nom("Atelier mail.") == "Atelier mail"
    assert data_inclusion._nom("Ab") == "Ab (lieu)"


@pytest.mark.parametrize("url_name", ["opendata:di_structures", "opendata:di_services"])
def test_query_count_does_not_grow_with_places_and_themes(client, url_name):
    monde_opendata.build()
    build_site()

    def count():
        return monde_opendata.queries_of(client, url_name)

    count()  # the public site's page is kept after the first call
    one = count()
    for i in range(10):
        SessionFactory(
            lieu=LieuFactory(modalites_accompagnement=["Accompagnement individuel"]),
            theme=ThemeFactory(),
            debut=FROZEN_AT + datetime.timedelta(days=i + 1),
        )
    assert count() == one


def test_free_text_contacts_that_the_schema_refuses_are_left_out(client):
    lieu = monde_opendata.lieu_complet(
        site_web="www.sans-schema.example|https://bon.example/",
        courriels="pas-un-courriel|ok@lieu.example",
    )
    structure = _get(client, "opendata:di_structures")[0]
    v1.Structure.model_validate(structure, context=STRICT)
    assert structure["id"].endswith(str(lieu.uuid))
    assert structure["site_web"] == "https://bon.example/"
    assert structure["courriel"] == "ok@lieu.example"
