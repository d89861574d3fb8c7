"""Import of people, the pages: upload, preview (nothing written), confirmation."""

import re
from pathlib import Path

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inclusion.enums import Role
from inclusion.forms_import import SEL
from inclusion.models import Beneficiaire, Journal
from inclusion.services import import_personnes as service
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
DEPOT = reverse("import_personnes:depot")
CONFIRMATION = reverse("import_personnes:confirmation")


def upload(client, structure, contenu, nom="personnes.csv"):
    return client.post(
        DEPOT, {"structure": structure.pk, "fichier": SimpleUploadedFile(nom, contenu)}
    )


def jeton_of(response):
    return re.search(r'name="jeton" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def prescripteur():
    structure = StructureFactory()
    return structure, member(Role.PRESCRIPTEUR, structure=structure)


def test_anonymous_is_sent_to_login(client):
    for url in (DEPOT, CONFIRMATION, reverse("import_personnes:modele")):
        response = client.get(url)
        assert response.status_code == 302 and "/pro/connexion/" in response["Location"]
    assert client.post(CONFIRMATION, {"jeton": "x"}).status_code == 302
    assert Beneficiaire.objects.count() == 0


def test_volontaire_cannot_import(client):
    structure = StructureFactory()
    client.force_login(member(Role.VOLONTAIRE, structure=structure))
    assert client.get(DEPOT).status_code == 403
    contenu = (FIXTURES / "personnes.csv").read_bytes()
    assert upload(client, structure, contenu).status_code == 403
    jeton = signing.dumps({"u": 0, "s": structure.pk, "l": []}, salt=SEL, compress=True)
    assert client.post(CONFIRMATION, {"jeton": jeton}).status_code == 403
    assert client.get(reverse("import_personnes:modele")).status_code == 403
    assert Beneficiaire.objects.count() == 0


def test_upload_page_lists_only_the_users_structures(client, prescripteur):
    structure, user = prescripteur
    autre = StructureFactory(nom="Structure voisine")
    client.force_login(user)
    page = client.get(DEPOT).content.decode()
    assert structure.nom in page and autre.nom not in page
    response = upload(client, autre, (FIXTURES / "personnes.csv").read_bytes())
    assert response.status_code == 422
    assert "Choisissez une de vos structures." in response.content.decode()


def test_preview_then_confirm_then_again(client, prescripteur):
    structure, user = prescripteur
    client.force_login(user)
    contenu = (FIXTURES / "personnes.csv").read_bytes()
    apercu = upload(client, structure, contenu)
    assert apercu.status_code == 200
    page = apercu.content.decode()
    assert "Rien n'est encore enregistré" in page
    assert "L'accord pour les SMS n'est jamais importé" in page
    assert "Importer 4 personnes" in page
    assert "Ce numéro de téléphone n&#x27;est pas valide" in page
    # The formula is shown as text, escaped.
    assert "=SOMME(A1:A3)" in page
    # Nothing written by the preview.
    assert Beneficiaire.objects.count() == 0
    assert not Journal.objects.filter(action="beneficiaire.import").exists()

    resultat = client.post(CONFIRMATION, {"jeton": jeton_of(apercu)})
    assert resultat.status_code == 200
    assert "4 personnes créées" in resultat.content.decode()
    assert Beneficiaire.objects.filter(structure=structure).count() == 4

    # The same file again: everything is found, the button is gone, nothing is created.
    encore = upload(client, structure, contenu)
    page = encore.content.decode()
    assert "Aucune personne à créer." in page and "Déjà inscrite" in page
    client.post(CONFIRMATION, {"jeton": jeton_of(encore)})
    assert Beneficiaire.objects.filter(structure=structure).count() == 4


def test_coop_export_preview(client, prescripteur):
    structure, user = prescripteur
    client.force_login(user)
    response = upload(
        client, structure, (FIXTURES / "coop-beneficiaires.xlsx").read_bytes(), "export.xlsx"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "export de La Coop de la médiation numérique" in page
    assert "Importer 3 personnes" in page
    assert (
        "Année de naissance : L&#x27;année de naissance doit être comprise entre 1900 et 2026."
        in page
    )


@pytest.mark.parametrize(
    "contenu,nom,message",
    [
        (b"", "vide.csv", "Le fichier est vide."),
        (b"%PDF-1.4\x00\x00", "doc.pdf", "ni un CSV ni un classeur Excel"),
        (b"nom;telephone\r\nA;B\r\n", "sans.csv", "« prénom » est introuvable"),
    ],
)
def test_bad_files_give_a_french_message_not_a_500(client, prescripteur, contenu, nom, message):
    structure, user = prescripteur
    client.force_login(user)
    response = upload(client, structure, contenu, nom)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_file_over_the_size_limit(client, prescripteur):
    structure, user = prescripteur
    client.force_login(user)
    response = upload(client, structure, b"prenom\r\n" + b"a" * service.MAX_OCTETS)
    assert response.status_code == 422
    assert "Le fichier dépasse 2 Mo." in response.content.decode()


def test_a_tampered_or_stolen_token_writes_nothing(client, prescripteur):
    structure, user = prescripteur
    client.force_login(user)
    apercu = upload(client, structure, (FIXTURES / "personnes.csv").read_bytes())
    jeton = jeton_of(apercu)
    response = client.post(CONFIRMATION, {"jeton": jeton[:-3] + "abc"}, follow=True)
    assert "Cet aperçu n&#x27;est plus valable" in response.content.decode()
    # Another user of the same structure cannot replay it.
    client.force_login(member(Role.MEDIATEUR, structure=structure))
    client.post(CONFIRMATION, {"jeton": jeton})
    assert Beneficiaire.objects.count() == 0


def test_an_old_preview_expires(client, prescripteur, time_machine):
    structure, user = prescripteur
    client.force_login(user)
    apercu = upload(client, structure, (FIXTURES / "personnes.csv").read_bytes())
    time_machine.move_to(FROZEN_AT.replace(hour=12), tick=False)
    response = client.post(CONFIRMATION, {"jeton": jeton_of(apercu)}, follow=True)
    assert "date de plus d&#x27;une heure" in response.content.decode()
    assert Beneficiaire.objects.count() == 0


def test_a_structure_left_since_the_preview_is_refused(client, prescripteur):
    structure, user = prescripteur
    client.force_login(user)
    apercu = upload(client, structure, (FIXTURES / "personnes.csv").read_bytes())
    user.memberships.update(active=False)
    response = client.post(CONFIRMATION, {"jeton": jeton_of(apercu)})
    assert response.status_code == 403
    assert Beneficiaire.objects.count() == 0


def test_other_structures_file_is_not_shown_in_the_preview(client, prescripteur):
    structure, user = prescripteur
    ailleurs = BeneficiaireFactory(
        prenom="Secret", nom="Ailleurs", telephone="+33612345678", type_telephone="mobile"
    )
    client.force_login(user)
    contenu = "prénom;nom;téléphone\r\nSecret;Ailleurs;06 12 34 56 78\r\n".encode()
    page = upload(client, structure, contenu).content.decode()
    assert str(ailleurs.uuid) not in page and ailleurs.structure.nom not in page
    assert "<strong>Déjà inscrite" not in page and "Importer 1 personne" in page


def test_confirm_is_post_only(client, prescripteur):
    _, user = prescripteur
    client.force_login(user)
    assert client.get(CONFIRMATION).status_code == 405


def test_model_file_downloads_and_reads_back(client, prescripteur):
    _, user = prescripteur
    client.force_login(user)
    response = client.get(reverse("import_personnes:modele"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lu = service.read_file(response.content)
    assert [v["prenom"] for _, v in lu.lignes] == ["Marie"]


def test_preview_query_count_is_the_same_for_5_and_100_rows(
    client, prescripteur, django_assert_num_queries, habillage_en_cache
):
    structure, user = prescripteur
    client.force_login(user)
    BeneficiaireFactory(structure=structure)

    def fichier(n):
        lignes = [f"P{i};N{i};06 12 34 {i // 100:02d} {i % 100:02d};1960" for i in range(n)]
        return ("prénom;nom;téléphone;année de naissance\r\n" + "\r\n".join(lignes)).encode()

    upload(client, structure, fichier(2))  # warm: session, roles, site settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as peu:
        assert upload(client, structure, fichier(5)).status_code == 200
    with CaptureQueriesContext(connection) as beaucoup:
        assert upload(client, structure, fichier(100)).status_code == 200
    assert len(beaucoup) == len(peu)
    assert len(peu) <= 12


def test_the_people_list_leads_to_the_import(client, prescripteur):
    _, user = prescripteur
    client.force_login(user)
    page = client.get(reverse("pro:beneficiaire_list")).content.decode()
    assert f'href="{DEPOT}"' in page
    assert "Importer des personnes" in page
