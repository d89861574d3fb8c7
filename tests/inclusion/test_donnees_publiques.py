"""The public page "Vos données personnelles" and the README's table of delays: both generated
from inclusion.conservation.delais() and the settings, so neither can drift from the code."""

import html
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string

from inclusion import conservation
from inclusion.conservation import Delai
from inclusion.enums import Role
from inclusion.management.commands.tableau_conservation import tableau_markdown
from inclusion.perms import can_list_beneficiaires, can_view_beneficiaire
from inclusion.views.donnees_publiques import FINALITES, QUI_VOIT
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

URL = "/donnees-personnelles/"
README = Path(settings.BASE_DIR) / "README.md"
DEBUT, FIN = "<!-- conservation:debut -->", "<!-- conservation:fin -->"
COMMANDE = "DJANGO_DEBUG=1 .venv/bin/python manage.py tableau_conservation"


@pytest.fixture
def delais_de_test():
    """The registered delays plus one of this test (and the inactive files' one when no layer
    has registered it yet), put back as they were afterwards."""
    avant = dict(conservation._delais)
    conservation.register(
        Delai(
            cle="test_page_publique",
            donnees="Les cartes postales de test",
            apres="après leur envoi",
            ensuite="effacées",
            finalite="Vérifier la page publique.",
            jours=45,
        )
    )
    if "dossier_inactif" not in conservation._delais:
        conservation.register(
            Delai(
                cle="dossier_inactif",
                donnees="Votre dossier",
                apres="après votre dernière activité",
                ensuite="rendu anonyme",
                finalite="Vous aider et vous suivre.",
            )
        )
    yield conservation.delais()
    conservation._delais.clear()
    conservation._delais.update(avant)


def _rows(content):
    """{cle: text of its row} of the page's table of delays."""
    return {
        cle: html.unescape(re.sub(r"<[^>]+>", " ", row))
        for cle, row in re.findall(r'<tr id="delai-([^"]+)">(.*?)</tr>', content, re.S)
    }


def _squeeze(text):
    return " ".join(text.split())


def test_page_opens_without_login(client):
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert reverse("donnees_personnelles:page") == URL
    assert settings.HELP_PHONE in content or "Appelez le" in content
    assert "STOP" in content and "CNIL" in content


def test_page_lists_every_registered_delay_with_its_duration(client, delais_de_test):
    content = client.get(URL).content.decode()
    rows = _rows(content)
    assert list(rows) == [d.cle for d in delais_de_test]
    for d in delais_de_test:
        row = _squeeze(rows[d.cle])
        assert _squeeze(d.donnees) in row
        assert d.duree_en_mots in row
        assert _squeeze(d.apres)[1:] in row  # after capfirst
        assert _squeeze(d.ensuite)[1:] in row
        assert _squeeze(d.finalite) in _squeeze(html.unescape(content))
    assert "45 jours" in _squeeze(rows["test_page_publique"])


def test_another_inactivity_delay_changes_the_page(client, delais_de_test):
    avant = _squeeze(html.unescape(client.get(URL).content.decode()))
    assert "Vous ne venez plus pendant 2 ans ?" in avant
    assert "2 ans" in _rows(client.get(URL).content.decode())["dossier_inactif"]

    reglages = {**settings.INCLUSION_CONSERVATION, "dossier_inactif": 1095}
    with override_settings(INCLUSION_CONSERVATION=reglages):
        content = client.get(URL).content.decode()
    apres = _squeeze(html.unescape(content))
    assert "Vous ne venez plus pendant 3 ans ?" in apres
    assert "3 ans" in _rows(content)["dossier_inactif"]
    assert "2 ans" not in _rows(content)["dossier_inactif"]


def test_page_names_the_platform_of_the_habillage(client, monkeypatch):
    from inclusion import registry

    monkeypatch.setattr(
        registry,
        "_habillage_provider",
        lambda request: registry.Habillage(nom="Ville de Test", telephone_aide="05 11 22 33 44"),
    )
    content = html.unescape(client.get(URL).content.decode())
    assert "Nous sommes Ville de Test." in content
    assert 'href="tel:0511223344"' in content


def test_who_sees_what_names_real_permission_rules():
    regles = [r for ligne in QUI_VOIT for r in ligne.regles]
    assert regles
    for regle in regles:
        assert callable(import_string(regle)), regle
    for ligne in FINALITES + QUI_VOIT:
        for phrase in ligne.phrases:
            assert len(phrase.split()) <= 14, phrase  # FALC: short sentences


def test_who_sees_what_holds_for_the_files():
    """The page's main claims, checked against the predicates themselves."""
    structure = StructureFactory()
    personne = BeneficiaireFactory(structure=structure)
    assert can_view_beneficiaire(member(Role.PRESCRIPTEUR, structure), personne)
    assert can_view_beneficiaire(member(Role.MEDIATEUR, structure), personne)
    assert can_view_beneficiaire(member(Role.COORDINATEUR), personne)  # the whole territory
    assert not can_view_beneficiaire(member(Role.PRESCRIPTEUR), personne)  # another structure
    volontaire = member(Role.VOLONTAIRE, structure)
    assert not can_view_beneficiaire(volontaire, personne)
    assert not can_list_beneficiaires(volontaire)


def test_command_prints_one_row_per_delay(delais_de_test):
    out = io.StringIO()
    call_command("tableau_conservation", stdout=out)
    lignes = out.getvalue().strip().splitlines()
    assert lignes[0] == "| Données | Durée | À partir de | Ensuite | Pourquoi |"
    assert len(lignes) == 2 + len(delais_de_test)
    assert (
        "| Les cartes postales de test | 45 jours | après leur envoi | effacées "
        "| Vérifier la page publique. |" in lignes
    )


def test_command_keeps_a_pipe_inside_its_cell():
    delai = Delai(cle="x", donnees="A | B", apres="a", ensuite="e", finalite="f", jours=1)
    assert tableau_markdown([delai]).splitlines()[2] == "| A \\| B | 1 jour | a | e | f |"


def test_readme_holds_the_commands_table():
    texte = README.read_text(encoding="utf-8")
    attendu = tableau_markdown()
    consigne = (
        f"Run `{COMMANDE}` and paste its output into README.md between the lines {DEBUT} and {FIN}."
    )
    if DEBUT not in texte or FIN not in texte:
        pytest.fail(f"README.md has no table of delays. {consigne}", pytrace=False)
    dans_readme = texte.split(DEBUT, 1)[1].split(FIN, 1)[0].strip()
    if dans_readme != attendu:
        pytest.fail(
            f"README.md's table of delays differs from the settings. {consigne}\n"
            f"Expected:\n{attendu}",
            pytrace=False,
        )


def test_demo_page_types_no_delay_and_links_to_the_generated_page():
    from cms.demo import DONNEES

    textes = " ".join(str(bloc["value"]) for bloc in DONNEES)
    assert not re.search(r"\d+\s*(ans?|mois|jours?)\b", textes), "a delay typed in the demo"
    assert f'href="{URL}"' in textes
