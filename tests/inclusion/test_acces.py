"""The person's access document (issue 18): complete, scoped, journalised, constant queries."""

import datetime
import json

import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Journal, SmsMessage, SmsRecu
from inclusion.services import acces
from inclusion.services.beneficiaires import record_beneficiaire_read, update_beneficiaire
from inclusion.sms.optout import refuse_sms
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, StructureFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _world():
    from ateliers.enums import Canal
    from ateliers.services.registrations import register
    from mediation.enums_orientations import TypeOrientation
    from mediation.models import Diagnostic
    from mediation.services.activites import record_individuelle
    from mediation.services.orientations import orient
    from pass_numerique.services import issuance
    from pass_numerique.services.redemption import redeem_cheque
    from tests.ateliers.factories import SessionFactory, ThemeFactory
    from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

    w = {}
    a = w["structure"] = StructureFactory(nom="Maison des solidarités")
    lieu = w["lieu"] = LieuFactory(structure=a, qualifie=True, nom="Médiathèque Jean Moulin")
    w["mediateur"] = member(Role.MEDIATEUR, structure=a)
    w["prescripteur"] = member(Role.PRESCRIPTEUR, structure=a)
    w["coordinateur"] = member(Role.COORDINATEUR)
    p = w["personne"] = BeneficiaireFactory(
        structure=a, prenom="Fatima", nom="Benali", consentant=True
    )
    w["autre"] = BeneficiaireFactory(structure=a, prenom="Odile", nom="Quentel", consentant=True)
    theme = ThemeFactory(titre="Premiers pas sur le téléphone")
    w["session"] = SessionFactory(
        lieu=lieu, theme=theme, debut=timezone.now() + datetime.timedelta(days=3)
    )
    register(session=w["session"], beneficiaire=p, canal=Canal.PRO, acteur=w["mediateur"])
    enveloppe = EnveloppeFactory(
        programme=ProgrammeFactory(nom="Pass Gironde"), structure=a, nb_cheques=100
    )
    item = issuance.issue_carnets(
        acteur=w["prescripteur"], enveloppe=enveloppe, beneficiaire=p, nombre=1
    )[0]
    w["carnet"] = item.carnet
    redeem_cheque(
        acteur=w["mediateur"],
        lieu=lieu,
        code=item.cheque_codes[0][1],
        prestation="atelier",
        demande_id=issuance.new_request_id(),
        now=timezone.now() - datetime.timedelta(days=2),
    )
    record_individuelle(
        acteur=w["mediateur"],
        beneficiaire=p,
        lieu=lieu,
        date=timezone.localdate() - datetime.timedelta(days=1),
        thematiques=["email"],
        notes="Très à l'aise avec la souris",
    )
    Diagnostic.objects.create(
        beneficiaire=p,
        structure=a,
        auteur=w["mediateur"],
        date=timezone.localdate(),
        outil="pix",
        resultat_externe="Niveau 2 sur 5",
    )
    orient(
        acteur=w["prescripteur"],
        beneficiaire=p,
        type=TypeOrientation.LIEU,
        lieu=lieu,
        thematiques=["email"],
        besoin="Créer une adresse e-mail",
    )
    SmsMessage.objects.create(
        beneficiaire=p,
        telephone=p.telephone.as_e164,
        corps="Rappel : atelier vendredi à la médiathèque",
        kind="rappel_48h",
        encodage="GSM-7",
        segments=1,
        pas_avant=timezone.now(),
    )
    SmsRecu.objects.create(provider_id="SMrecu1", telephone=p.telephone.as_e164, corps="Merci bien")
    SmsRecu.objects.create(
        provider_id="SMautre", telephone=w["autre"].telephone.as_e164, corps="Zut"
    )
    refuse_sms(telephone=p.telephone.as_e164, canal="sms")
    p.refresh_from_db()
    update_beneficiaire(
        acteur=w["prescripteur"],
        beneficiaire=p,
        telephone=p.telephone.as_national,
        consentement_sms=True,
        consentement_sms_mode="oral",
        prenom="Fatima",
        nom="Benali-Martin",
    )
    record_beneficiaire_read(acteur=w["mediateur"], beneficiaire=p)
    p.refresh_from_db()
    return w


# What must appear, one per kind of object (texts the document writes).
ATTENDUS = {
    "dossier": "Benali-Martin",
    "consentement": "À l'oral, en présence d'un professionnel",
    "opposition": "Refus des SMS en cours",
    "sms envoyé": "Rappel : atelier vendredi à la médiathèque",
    "sms reçu": "Merci bien",
    "rectification": "Ce qui a changé",
    "consultation": "Dossier consulté",
    "carnet": "Pass Gironde",
    "chèque utilisé": "utilisé le 15 novembre 2026 à 10 h à Médiathèque Jean Moulin",
    "inscription": "Premiers pas sur le téléphone",
    "activité": "Activité du 16 novembre 2026",
    "diagnostic": "Niveau 2 sur 5",
    "orientation": "Créer une adresse e-mail",
    "copie elle-même": "Copie des données de la personne produite",
}


def _texts(document_json):
    out = []
    for rubrique in document_json["rubriques"]:
        out += [rubrique["titre"], rubrique["explication"]]
        for element in rubrique["elements"]:
            out.append(element["titre"])
            out += [f"{ligne['libelle']} {ligne['valeur']}" for ligne in element["lignes"]]
    return "\n".join(out)


def _pdf_text(content):
    doc = pypdfium2.PdfDocument(content)
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return " ".join(text.split())


def test_every_kind_of_data_in_json_and_pdf(client):
    w = _world()
    client.force_login(w["coordinateur"])
    url = reverse("acces_donnees:json", args=[w["personne"].uuid])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content.decode("utf-8"))
    assert data["format"] == "inclusion.acces_donnees/1"
    assert data["personne"]["uuid"] == str(w["personne"].uuid)
    cles = [r["cle"] for r in data["rubriques"]]
    assert cles == [
        "dossier",
        "consentements",
        "opposition_sms",
        "sms_envoyes",
        "sms_recus",
        "rectifications",
        "carnets",
        "inscriptions",
        "activites",
        "diagnostics",
        "orientations",
        "journal",
    ]
    texte = _texts(data)
    manquants = [k for k, v in ATTENDUS.items() if v not in texte]
    assert not manquants, manquants
    # Nobody else's data; no professional's name.
    for absent in ("Quentel", "Odile", "Zut", w["mediateur"].email, w["prescripteur"].email):
        assert absent not in response.content.decode()

    response = client.get(reverse("acces_donnees:pdf", args=[w["personne"].uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pdf = _pdf_text(response.content)
    manquants = [k for k, v in ATTENDUS.items() if " ".join(v.split()) not in pdf]
    assert not manquants, manquants
    assert "Quentel" not in pdf


def test_journal_line_with_ids_only():
    w = _world()
    acces.access_document(acteur=w["prescripteur"], beneficiaire=w["personne"], format="pdf")
    ligne = Journal.objects.filter(action="beneficiaire.acces_donnees").get()
    assert ligne.acteur == w["prescripteur"]
    assert ligne.objet_id == str(w["personne"].pk)
    assert ligne.objet_type == "inclusion.beneficiaire"
    assert ligne.details == {"format": "pdf"}


def test_prescripteur_scope_counts_hidden_records():
    """A prescripteur sees no activity record (mediation.perms): the document says some
    exist, and never the médiateur's notes."""
    w = _world()
    document = acces.access_document(acteur=w["prescripteur"], beneficiaire=w["personne"])
    texte = _texts(document.as_json())
    assert "Activité du" not in texte
    assert "1 autre(s) fiche(s) d'activité existe(nt) hors du périmètre" in texte
    assert "souris" not in texte
    coordination = _texts(
        acces.access_document(acteur=w["coordinateur"], beneficiaire=w["personne"]).as_json()
    )
    assert "Oui, lisibles par leur auteur seulement" in coordination
    assert "souris" not in coordination
    assert "Un prescripteur de Maison des solidarités" in coordination


@pytest.mark.parametrize("name", ["apercu", "pdf", "json"])
def test_who_may_produce(client, name):
    w = _world()
    url = reverse(f"acces_donnees:{name}", args=[w["personne"].uuid])
    assert client.get(url).status_code == 302  # anonymous: sign in
    autre_prescripteur = member(Role.PRESCRIPTEUR, structure=StructureFactory())
    client.force_login(autre_prescripteur)
    assert client.get(url).status_code == 404
    client.force_login(w["mediateur"])  # opens the file, does not produce the copy
    assert client.get(url).status_code == 403
    client.force_login(member(Role.VOLONTAIRE, structure=w["structure"]))
    assert client.get(url).status_code == 403
    assert not Journal.objects.filter(action="beneficiaire.acces_donnees").exists()
    client.force_login(w["prescripteur"])
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert Journal.objects.filter(action="beneficiaire.acces_donnees").count() == 1


def test_service_refuses_mediateur():
    w = _world()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        acces.access_document(acteur=w["mediateur"], beneficiaire=w["personne"])


def test_button_on_file(client):
    w = _world()
    detail = reverse("pro:beneficiaire_detail", args=[w["personne"].uuid])
    client.force_login(w["prescripteur"])
    assert "Copie des données de la personne" in client.get(detail).content.decode()
    client.force_login(w["mediateur"])
    assert "Copie des données de la personne" not in client.get(detail).content.decode()


def test_apercu_page(client):
    w = _world()
    client.force_login(w["prescripteur"])
    response = client.get(reverse("acces_donnees:apercu", args=[w["personne"].uuid]))
    html = response.content.decode()
    assert reverse("acces_donnees:pdf", args=[w["personne"].uuid]) in html
    assert reverse("acces_donnees:json", args=[w["personne"].uuid]) in html
    assert "Pass Gironde" in html
    assert html.count("<h1") == 1


def _queries(user, beneficiaire):
    with CaptureQueriesContext(connection) as ctx:
        acces.access_document(acteur=user, beneficiaire=beneficiaire)
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_objects():
    """1 vs 10 of each (registrations, carnets with chèques, records, SMS, journal lines)."""
    from ateliers.enums import Canal
    from ateliers.services.registrations import register
    from mediation.services.activites import record_individuelle
    from pass_numerique.services import issuance
    from tests.ateliers.factories import SessionFactory
    from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

    w = _world()
    coord, p = w["coordinateur"], w["personne"]
    presc = w["prescripteur"]
    _queries(coord, p)  # the users' roles are then cached on them (inclusion.perms.roles_of)
    _queries(presc, p)
    avant, avant_presc = _queries(coord, p), _queries(presc, p)
    enveloppe = EnveloppeFactory(programme=ProgrammeFactory(), structure=w["structure"])
    for i in range(9):
        session = SessionFactory(
            lieu=w["lieu"], debut=timezone.now() + datetime.timedelta(days=4 + i)
        )
        register(session=session, beneficiaire=p, canal=Canal.PRO, acteur=w["mediateur"])
        record_individuelle(
            acteur=w["mediateur"], beneficiaire=p, lieu=w["lieu"], thematiques=["email"]
        )
        record_beneficiaire_read(
            acteur=member(Role.PRESCRIPTEUR, structure=w["structure"]), beneficiaire=p
        )
    issuance.issue_carnets(acteur=w["prescripteur"], enveloppe=enveloppe, beneficiaire=p, nombre=3)
    assert _queries(coord, p) == avant
    assert _queries(presc, p) == avant_presc
