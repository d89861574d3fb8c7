"""The erasure page (/pro/effacement/<uuid>/, issue 18): who reaches it, what it says, the
confirmation asked, the refusal under a legal hold."""

import datetime

import pytest
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import Beneficiaire, Journal
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.inclusion.test_anonymisation import NOM, PRENOM, _carnet_cashed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def personne():
    return BeneficiaireFactory(prenom=PRENOM, nom=NOM, consentant=True)


@pytest.fixture
def prescripteur(personne):
    return member(Role.PRESCRIPTEUR, structure=personne.structure)


def url(b):
    return reverse("effacement:confirmer", args=[b.uuid])


def test_page_says_what_goes_and_what_stays(client, personne, prescripteur):
    client.force_login(prescripteur)
    response = client.get(url(personne))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Effacer les données de {PRENOM} {NOM}" in html
    assert "Ce qui sera effacé" in html and "Ce qui reste" in html
    assert 'name="demande"' in html
    assert "pas possible pour l'instant" not in html


def test_who_reaches_the_page(client, personne):
    assert client.get(url(personne)).status_code == 302
    client.force_login(member(Role.MEDIATEUR, structure=personne.structure))
    assert client.get(url(personne)).status_code == 403
    assert client.post(url(personne), {"demande": "on"}).status_code == 403
    client.force_login(member(Role.PRESCRIPTEUR))  # another structure
    assert client.get(url(personne)).status_code == 404
    client.force_login(member(Role.VOLONTAIRE, structure=personne.structure))
    assert client.get(url(personne)).status_code == 403
    personne.refresh_from_db()
    assert personne.anonymise_le is None


def test_confirmation_is_required(client, personne, prescripteur):
    client.force_login(prescripteur)
    response = client.post(url(personne), {})
    assert response.status_code == 400
    assert "Cochez cette case" in response.content.decode()
    assert Beneficiaire.objects.get(pk=personne.pk).anonymise_le is None


def test_erasure_redirects_to_the_anonymous_file(client, personne, prescripteur):
    client.force_login(prescripteur)
    response = client.post(url(personne), {"demande": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "pro:beneficiaire_detail", args=[personne.uuid]
    )
    html = response.content.decode()
    assert "Les données de la personne sont effacées" in html
    assert PRENOM not in html and NOM not in html
    b = Beneficiaire.objects.get(pk=personne.pk)
    assert b.anonymise_le == FROZEN_AT and b.prenom == "Anonyme"
    # The button is gone, the page says it is done.
    assert "Effacer les données de la personne" not in html
    again = client.get(url(personne))
    assert "déjà effacées" in again.content.decode()
    assert client.post(url(personne), {"demande": "on"}).status_code == 200
    assert Journal.objects.filter(action="conservation.anonymisation").count() == 1


def test_refusal_under_a_legal_hold(client, personne, prescripteur):
    _carnet_cashed(personne, prescripteur, quand=FROZEN_AT - datetime.timedelta(days=2))
    client.force_login(prescripteur)
    page = client.get(url(personne)).content.decode()
    assert "pas possible pour l'instant" in page
    assert "Un chèque encaissé le 15 novembre 2026 attend son remboursement" in page
    assert 'name="demande"' not in page
    response = client.post(url(personne), {"demande": "on"})
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert Beneficiaire.objects.get(pk=personne.pk).prenom == PRENOM


def test_button_on_the_file(client, personne, prescripteur):
    detail = reverse("pro:beneficiaire_detail", args=[personne.uuid])
    client.force_login(prescripteur)
    assert url(personne) in client.get(detail).content.decode()
    client.force_login(member(Role.MEDIATEUR, structure=personne.structure))
    assert url(personne) not in client.get(detail).content.decode()


def test_an_anonymised_file_can_no_longer_be_edited_nor_acted_on(db):
    """No edit (the service refuses, so every door does) and no button on the file."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from inclusion import registry
    from inclusion.enums import Role
    from inclusion.services.anonymisation import anonymise_files
    from inclusion.services.beneficiaires import update_beneficiaire
    from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member

    structure = StructureFactory()
    prescripteur = member(Role.PRESCRIPTEUR, structure)
    personne = BeneficiaireFactory(structure=structure)
    assert registry.beneficiaire_actions_for(prescripteur, personne)
    anonymise_files([personne.pk], now=timezone.now(), raison="effacement")
    personne.refresh_from_db()
    assert registry.beneficiaire_actions_for(prescripteur, personne) == []
    with pytest.raises(PermissionDenied):
        update_beneficiaire(acteur=prescripteur, beneficiaire=personne, prenom="Revenu")
