import pytest

from inclusion.enums import Role
from tests.inclusion.factories import BeneficiaireFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_prescripteur_sees_list_and_detail(client):
    user = member(Role.PRESCRIPTEUR)
    b = BeneficiaireFactory(structure=user.memberships.get().structure)
    client.force_login(user)
    assert client.get("/pro/").status_code == 200
    response = client.get("/pro/beneficiaires/")
    assert response.status_code == 200
    assert b.prenom in response.content.decode()
    assert client.get(f"/pro/beneficiaires/{b.uuid}/").status_code == 200
    assert client.get("/pro/beneficiaires/nouveau/").status_code == 200
    assert client.get(f"/pro/beneficiaires/{b.uuid}/modifier/").status_code == 200
