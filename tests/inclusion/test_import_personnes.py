"""Import of people: reading each format and encoding, the preview's outcomes, idempotence."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from inclusion.enums import Genre, Role, Statut, TrancheAge
from inclusion.models import Beneficiaire, Journal
from inclusion.services import import_personnes as service
from tests.inclusion.factories import BeneficiaireFactory, CommuneFactory, StructureFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
EN_TETE = (
    "prénom;nom;téléphone;e-mail;année de naissance;genre;tranche d'âge;statut;commune;code postal"
)


def csv_bytes(*lignes, encodage="utf-8", en_tete=EN_TETE, sep=";"):
    texte = "\r\n".join([en_tete.replace(";", sep), *[ligne.replace(";", sep) for ligne in lignes]])
    return texte.encode(encodage)


def xlsx_bytes(rows, titre="Bénéficiaires"):
    wb = Workbook()
    ws = wb.active
    ws.title = titre
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def refus(contenu):
    with pytest.raises(ValidationError) as exc:
        service.read_file(contenu)
    return exc.value


# --- Reading ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "contenu",
    [
        csv_bytes("Élodie;Dupré;06 12 34 56 78;;1950;féminin;;retraité;;"),
        b"\xef\xbb\xbf" + csv_bytes("Élodie;Dupré;06 12 34 56 78;;1950;féminin;;retraité;;"),
        csv_bytes("Élodie;Dupré;06 12 34 56 78;;1950;féminin;;retraité;;", encodage="cp1252"),
        csv_bytes("Élodie;Dupré;06 12 34 56 78;;1950;féminin;;retraité;;", sep=","),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "virgule"],
)
def test_simple_csv_in_each_encoding_and_separator(contenu):
    lu = service.read_file(contenu)
    assert lu.format == service.FORMAT_SIMPLE
    ((numero, valeurs),) = lu.lignes
    assert numero == 2
    assert valeurs["prenom"] == "Élodie" and valeurs["nom"] == "Dupré"
    assert valeurs["telephone"] == "06 12 34 56 78"
    assert valeurs["annee_naissance"] == "1950"


def test_coop_export_fixture_is_found_below_its_information_block():
    lu = service.read_file((FIXTURES / "coop-beneficiaires.xlsx").read_bytes())
    assert lu.format == service.FORMAT_COOP
    assert [v["prenom"] for _, v in lu.lignes] == ["Josiane", "Thi", "Paul", "Bernard"]
    numero, josiane = lu.lignes[0]
    assert numero == 14  # the spreadsheet's own row number
    assert josiane["commune_insee"] == "33901" and josiane["annee_naissance"] == "1949"
    # La Coop's "-" is an empty cell.
    assert "courriel" not in josiane and "annee_naissance" not in lu.lignes[2][1]


def test_xlsx_numbers_lose_no_leading_zero_and_formulas_stay_text():
    contenu = xlsx_bytes(
        [
            ["Prénom", "Téléphone", "Code INSEE", "Année de naissance"],
            ["=1+1", 612345678, 1053, 1960.0],
        ]
    )
    ((_, valeurs),) = service.read_file(contenu).lignes
    assert valeurs["prenom"] == "=1+1"
    assert valeurs["annee_naissance"] == "1960"


def test_simple_csv_fixture_reads():
    lu = service.read_file((FIXTURES / "personnes.csv").read_bytes())
    assert lu.format == service.FORMAT_SIMPLE
    assert len(lu.lignes) == 5


@pytest.mark.parametrize(
    "contenu,code,texte",
    [
        (b"", "vide", "Le fichier est vide."),
        (b"   \r\n", "vide", "Le fichier est vide."),
        ("prénom;nom\r\n".encode(), "vide", "aucune personne"),
        (b"nom;telephone\r\nDupont;0612345678\r\n", "colonne_prenom", "« prénom » est introuvable"),
        (b"%PDF-1.4\x00\x01binary", "format", "ni un CSV ni un classeur Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "format", "Excel ancien (.xls)"),
        (b"PK\x03\x04 not really a zip", "xlsx", "classeur Excel est illisible"),
        (b"pr\x81nom;nom\r\nA;B\r\n", "encodage", "CSV UTF-8"),
    ],
)
def test_bad_files_get_a_french_reason(contenu, code, texte):
    erreur = refus(contenu)
    assert erreur.code == code
    assert texte in erreur.messages[0]


def test_row_limit():
    lignes = [f"P{i};N;;;;;;;;" for i in range(service.MAX_LIGNES + 1)]
    erreur = refus(csv_bytes(*lignes))
    assert erreur.code == "trop_de_lignes"
    assert f"plus de {service.MAX_LIGNES} personnes" in erreur.messages[0]
    assert len(service.read_file(csv_bytes(*lignes[:-1])).lignes) == service.MAX_LIGNES


def test_size_limit():
    assert refus(b"prenom\r\n" + b"a" * service.MAX_OCTETS).code == "taille"


# --- Preview ----------------------------------------------------------------------------


@pytest.fixture
def monde():
    structure = StructureFactory()
    commune = CommuneFactory(nom="Montclair", code_insee="33902", codes_postaux="33920,33921")
    return structure, commune, member(Role.PRESCRIPTEUR, structure=structure)


def preview(user, *lignes, en_tete=EN_TETE):
    return service.analyse(
        user=user, lignes=service.read_file(csv_bytes(*lignes, en_tete=en_tete)).lignes
    )


def test_preview_has_three_outcomes_and_writes_nothing(monde):
    structure, commune, user = monde
    existante = BeneficiaireFactory(
        structure=structure, prenom="Marie", telephone="+33612345678", type_telephone="mobile"
    )
    avant = (Beneficiaire.objects.count(), Journal.objects.count())
    resultat = preview(
        user,
        "Julie;Martin;07 81 22 33 44;;1980;Femme;;Retraité(e);Montclair;33921",
        "Marie;;06 12 34 56 78;;;;;;;",
        "Jean;Moreau;01 23;;1970;;;;;",
    )
    creee, retrouvee, erreur = resultat
    assert creee.issue == service.CREER
    assert creee.donnees["genre"] == Genre.FEMININ
    assert creee.donnees["statut"] == Statut.RETRAITE
    assert creee.donnees["commune"] == commune
    assert creee.donnees["consentement_sms"] is False
    assert retrouvee.issue == service.RETROUVE and retrouvee.existant == existante
    assert erreur.issue == service.ERREUR
    assert erreur.erreurs == [
        "Téléphone : Ce numéro de téléphone n'est pas valide. Un numéro français compte 10 "
        "chiffres, par exemple 06 12 34 56 78."
    ]
    assert (Beneficiaire.objects.count(), Journal.objects.count()) == avant


def test_errors_are_in_french_with_the_creation_rules(monde):
    _, _, user = monde
    resultat = preview(
        user,
        ";Sans;;;;;;;;",
        "Anne;;;pas-un-mail;1850;licorne;;;;",
        "Paul;;;;2090;;centenaire;chômeur;;",
    )
    assert resultat[0].erreurs == ["Prénom : Indiquez le prénom de la personne."]
    assert "Genre inconnu(e) : « licorne »" in resultat[1].erreurs[0]
    assert any(e.startswith("Adresse e-mail : ") for e in resultat[1].erreurs)
    assert any("entre 1900 et 2026" in e for e in resultat[1].erreurs)
    assert any("Tranche d'âge inconnu(e) : « centenaire »" in e for e in resultat[2].erreurs)
    assert any("Statut inconnu(e) : « chômeur »" in e for e in resultat[2].erreurs)
    assert all(ligne.issue == service.ERREUR for ligne in resultat)


def test_coop_labels_map_to_our_keys(monde):
    _, _, user = monde
    lu = service.read_file((FIXTURES / "coop-beneficiaires.xlsx").read_bytes())
    josiane, thi, paul, bernard = service.analyse(user=user, lignes=lu.lignes)
    assert josiane.donnees["tranche_age"] == TrancheAge.PLUS_70
    assert josiane.donnees["genre"] == Genre.FEMININ
    assert thi.donnees["tranche_age"] == TrancheAge.DE_18_A_24
    assert thi.donnees["statut"] == Statut.SCOLARISE
    assert paul.donnees["genre"] == Genre.MASCULIN
    assert paul.donnees["statut"] == Statut.NON_COMMUNIQUE
    assert paul.donnees["commune"].code_insee == "33902"
    # Josiane's commune is not in this territory: said, and the file is created without it.
    assert josiane.donnees["commune"] is None
    assert josiane.remarques == [
        "Commune absente du territoire (Bellerive-sur-Lys, 33910, code INSEE 33901) : "
        "dossier créé sans commune."
    ]
    assert bernard.issue == service.ERREUR


def test_same_person_twice_in_one_file_is_created_once(monde):
    _, _, user = monde
    resultat = preview(
        user,
        "Lina;Haddad;06 98 76 54 32;;1990;;;;;",
        "lina;HADDAD;;;1990;;;;;",
        "Karim;Haddad;06 98 76 54 32;;;;;;;",
        "Lyna;Hadad;06 98 76 54 32;;;;;;;",
    )
    # Same name and year; a family's shared phone with another first name is another person;
    # a typo in the first name with the same phone is the same person (services.doublons).
    assert [ligne.issue for ligne in resultat] == [
        service.CREER,
        service.RETROUVE,
        service.CREER,
        service.RETROUVE,
    ]
    assert resultat[1].meme_que == 2 and resultat[3].meme_que == 2


def test_other_structures_files_are_never_revealed(monde):
    structure, _, user = monde
    ailleurs = BeneficiaireFactory(
        prenom="Secret", nom="Ailleurs", telephone="+33612345678", type_telephone="mobile"
    )
    assert ailleurs.structure != structure
    (ligne,) = preview(user, "Secret;Ailleurs;06 12 34 56 78;;;;;;;")
    assert ligne.issue == service.CREER and ligne.existant is None


def test_formula_text_is_kept_as_data(monde):
    structure, _, user = monde
    lignes = service.read_file(csv_bytes('=HYPERLINK("http://x");Formule;;;;;;;;')).lignes
    resultat, comptes = service.import_rows(acteur=user, structure=structure, lignes=lignes)
    assert comptes[service.CREER] == 1
    assert Beneficiaire.objects.get(nom="Formule").prenom == '=HYPERLINK("http://x")'


# --- Confirmation -----------------------------------------------------------------------


def test_import_twice_creates_nothing_the_second_time(monde):
    structure, _, user = monde
    lu = service.read_file((FIXTURES / "personnes.csv").read_bytes())
    _, comptes = service.import_rows(acteur=user, structure=structure, lignes=lu.lignes)
    assert comptes == {service.CREER: 4, service.RETROUVE: 0, service.ERREUR: 1}
    assert Beneficiaire.objects.filter(structure=structure).count() == 4
    assert not Beneficiaire.objects.filter(consentement_sms=True).exists()
    _, encore = service.import_rows(acteur=user, structure=structure, lignes=lu.lignes)
    assert encore == {service.CREER: 0, service.RETROUVE: 4, service.ERREUR: 1}
    assert Beneficiaire.objects.filter(structure=structure).count() == 4
    journal = Journal.objects.filter(action="beneficiaire.import").order_by("pk")
    assert [j.details for j in journal] == [
        {"format": "simple", "lignes": 5, "crees": 4, "retrouves": 0, "erreurs": 1},
        {"format": "simple", "lignes": 5, "crees": 0, "retrouves": 4, "erreurs": 1},
    ]
    # Counts only: no name in the journal's details.
    assert "Durand" not in str(journal[0].details)


def test_preview_query_count_does_not_grow_with_rows(monde, django_assert_max_num_queries):
    _, _, user = monde
    petites = service.read_file(
        csv_bytes(*[f"P{i};N{i};;;19{50 + i % 40};;;;;" for i in range(3)])
    ).lignes
    grandes = service.read_file(
        csv_bytes(*[f"P{i};N{i};;;19{50 + i % 40};;;;;" for i in range(150)])
    ).lignes
    service.analyse(user=user, lignes=petites)  # the user's roles are cached on it
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as peu:
        service.analyse(user=user, lignes=petites)
    with CaptureQueriesContext(connection) as beaucoup:
        service.analyse(user=user, lignes=grandes)
    assert len(beaucoup) == len(peu) <= 3
