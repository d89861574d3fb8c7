"""Issue 15: the public diagnostic's result offers one-tap registration on the public site's
own registration page of each suggested session (the cms registers that link)."""

import pytest
from django.test import Client

from ateliers.enums import Niveau, Thematique
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.mediation.test_diagnostic_portes import walk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_the_result_links_to_the_public_registration_page(site_public):
    session = SessionFactory(
        theme=ThemeFactory(
            titre_falc="Envoyer un e-mail", thematiques=[Thematique.EMAIL], niveau=Niveau.DEBUTANT
        )
    )
    client = Client()
    page = walk(client, "/diagnostic/questions/").content.decode()
    lien = f"/session/{session.pk}/inscription/"
    assert lien in page
    url = next(part for part in page.split('"') if part.endswith(lien))
    response = Client().get(url)
    assert response.status_code == 200
    assert "Envoyer un e-mail" in response.content.decode()


def test_no_link_without_the_workshops_page():
    session = SessionFactory(theme=ThemeFactory(thematiques=[Thematique.EMAIL]))
    page = walk(Client(), "/diagnostic/questions/").content.decode()
    assert f"/session/{session.pk}/inscription/" not in page
