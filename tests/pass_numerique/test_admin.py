"""The coordinators' "Pass numérique" menu in the Wagtail admin (wagtail_hooks.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Journal
from inclusion.services.territoire import sync_groups
from pass_numerique.models import Enveloppe, Programme
from pass_numerique.services import issuance
from pass_numerique.services.redemption import redeem_cheque
from tests.inclusion.factories import BeneficiaireFactory, CommuneFactory, LieuFactory, member
from tests.pass_numerique.factories import (
    EnveloppeFactory,
    ProgrammeFactory,
    issued,
    setup_pass,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LISTES = ["/admin/programmes/", "/admin/enveloppes/", "/admin/carnets/", "/admin/encaissements/"]


@pytest.fixture
def coordinateur():
    user = member(Role.COORDINATEUR)
    sync_groups(user)
    return user


@pytest.fixture
def coord_client(client, coordinateur):
    client.force_login(coordinateur)
    return client


def programme_data(financeur, **overrides):
    data = {
        "nom": "Pass numérique 2027",
        "financeur": financeur.pk,
        "statut": "brouillon",
        "valeur_cheque": "10",
        "cheques_par_carnet": "10",
        "fin_validite": "2027-12-31",
        "tolerance_jours": "31",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", LISTES)
def test_coordinateur_voit_chaque_liste(coord_client, url):
    ctx = setup_pass()
    [item] = issued(ctx)
    redeem_cheque(
        acteur=ctx["mediateur"],
        lieu=ctx["lieu"],
        code=item.cheque_codes[0][1],
        prestation="atelier",
        demande_id=issuance.new_request_id(),
    )
    assert coord_client.get(url).status_code == 200


@pytest.mark.parametrize("url", LISTES)
def test_prescripteur_et_mediateur_refuses(client, url):
    for role in (Role.PRESCRIPTEUR, Role.MEDIATEUR):
        client.force_login(member(role))
        assert client.get(url).status_code in (302, 403)


def test_menu_absent_pour_un_editeur_wagtail(client):
    from django.contrib.auth.models import Group, Permission

    user = member(Role.PRESCRIPTEUR)
    groupe = Group.objects.create(name="Éditeurs du site")
    groupe.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user.groups.add(groupe)
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert "Pass num" not in html and "/pro/pass/gestion/" not in html


def test_groupe_wagtail_sans_role_coordinateur_refuse(client):
    """In the Coordinateurs group with the role gone: the business rule refuses."""
    from inclusion.models import Membership

    user = member(Role.COORDINATEUR)
    sync_groups(user)
    Membership.objects.filter(user=user).update(active=False)
    client.force_login(user)
    assert client.get("/admin/programmes/").status_code == 302


def test_menu_pass_numerique(coord_client):
    # The menu is JSON in the page: accents are escaped.
    html = coord_client.get("/admin/").content.decode()
    for label in ("Pass num", "Programmes", "Enveloppes", "Tableaux de bord", "/pro/pass/gestion/"):
        assert label in html


def test_creer_programme_avec_perimetre_journalise(coord_client):
    financeur = member(Role.PRESCRIPTEUR).memberships.get().structure
    qualifie = LieuFactory(qualifie=True, nom="Lieu qualifié")
    non_qualifie = LieuFactory(nom="Lieu non qualifié")
    commune = CommuneFactory()
    form = coord_client.get("/admin/programmes/new/").content.decode()
    assert "Lieu qualifié" in form and "Lieu non qualifié" not in form
    response = coord_client.post(
        "/admin/programmes/new/",
        programme_data(financeur, communes=[commune.pk], lieux=[qualifie.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    programme = Programme.objects.get()
    assert list(programme.lieux.all()) == [qualifie]
    assert list(programme.communes.all()) == [commune]
    line = Journal.objects.get(action="programme.creation")
    assert line.structure == financeur and line.objet_id == str(programme.pk)
    # An unqualified lieu is refused.
    response = coord_client.post(
        "/admin/programmes/new/",
        programme_data(financeur, nom="Autre", lieux=[non_qualifie.pk]),
    )
    assert response.status_code == 200
    assert Programme.objects.count() == 1


def test_valeur_gelee_apres_emission(coord_client):
    ctx = setup_pass()
    issued(ctx)
    p = ctx["programme"]
    data = programme_data(p.financeur, nom=p.nom, statut="actif", valeur_cheque="15")
    response = coord_client.post(f"/admin/programmes/edit/{p.pk}/", data)
    assert response.status_code == 200
    assert "la valeur ne peut plus changer" in response.content.decode()
    data["valeur_cheque"] = "10"
    data["statut"] = "clos"
    assert coord_client.post(f"/admin/programmes/edit/{p.pk}/", data).status_code == 302
    p.refresh_from_db()
    assert p.statut == "clos"
    line = Journal.objects.get(action="programme.modification")
    assert "statut" in line.details["champs"]


def test_enveloppe_creation_et_doublon(coord_client):
    programme = ProgrammeFactory()
    structure = member(Role.PRESCRIPTEUR).memberships.get().structure
    data = {"programme": programme.pk, "structure": structure.pk, "nb_cheques": "200"}
    assert coord_client.post("/admin/enveloppes/new/", data).status_code == 302
    assert Journal.objects.filter(action="enveloppe.creation").count() == 1
    response = coord_client.post("/admin/enveloppes/new/", data)
    assert response.status_code == 200
    assert "a déjà une enveloppe pour ce programme" in response.content.decode()
    assert Enveloppe.objects.count() == 1


def test_enveloppe_jamais_sous_les_cheques_emis(coord_client):
    ctx = setup_pass(nb_cheques=100)
    issued(ctx, nombre=3)  # 30 issued
    env = ctx["enveloppe"]
    url = f"/admin/enveloppes/edit/{env.pk}/"
    data = {"programme": env.programme_id, "structure": env.structure_id, "nb_cheques": "29"}
    response = coord_client.post(url, data)
    assert response.status_code == 200
    assert "ne peut pas descendre en dessous de 30" in response.content.decode()
    env.refresh_from_db()
    assert env.nb_cheques == 100
    data["nb_cheques"] = "30"
    assert coord_client.post(url, data).status_code == 302
    env.refresh_from_db()
    assert (env.nb_cheques, env.nb_cheques_emis) == (30, 30)
    line = Journal.objects.get(action="enveloppe.modification")
    assert line.details["champs"] == ["nb_cheques"] and line.details["nb_cheques"] == 30


def test_edition_ne_reecrit_pas_les_cheques_emis(coord_client):
    """Issuing between the form's display and its save is not undone by the save."""
    ctx = setup_pass(nb_cheques=100)
    env = ctx["enveloppe"]
    url = f"/admin/enveloppes/edit/{env.pk}/"
    data = {"programme": env.programme_id, "structure": env.structure_id, "nb_cheques": "120"}
    Enveloppe.objects.filter(pk=env.pk).update(nb_cheques_emis=40)  # concurrent issuing
    assert coord_client.post(url, data).status_code == 302
    env.refresh_from_db()
    assert (env.nb_cheques, env.nb_cheques_emis) == (120, 40)


def test_carnets_en_lecture_seule_sans_donnee_personnelle(coord_client):
    ctx = setup_pass()
    b = BeneficiaireFactory(structure=ctx["enveloppe"].structure, prenom="Odette", nom="Secret")
    [item] = issued(ctx, beneficiaire=b)
    html = coord_client.get("/admin/carnets/").content.decode()
    assert item.carnet.numero in html
    assert "Odette" not in html and "Secret" not in html
    assert item.code not in html
    assert coord_client.get("/admin/carnets/new/").status_code in (302, 403)
    assert coord_client.get(f"/admin/carnets/edit/{item.carnet.pk}/").status_code in (302, 403)
    html = coord_client.get("/admin/carnets/", {"statut": "emis"}).content.decode()
    assert item.carnet.numero in html
    html = coord_client.get("/admin/carnets/", {"statut": "epuise"}).content.decode()
    assert item.carnet.numero not in html


def _redeem_many(ctx, n):
    items = issued(ctx, nombre=max(1, n // 10 + 1))
    codes = [code for item in items for _, code in item.cheque_codes][:n]
    for code in codes:
        redeem_cheque(
            acteur=ctx["mediateur"],
            lieu=ctx["lieu"],
            code=code,
            prestation="atelier",
            demande_id=issuance.new_request_id(),
            now=timezone.now() - datetime.timedelta(minutes=1),
        )


def test_encaissements_nombre_de_requetes_constant(coord_client, habillage_en_cache):
    ctx = setup_pass(nb_cheques=1000)
    _redeem_many(ctx, 1)
    with CaptureQueriesContext(connection) as one:
        assert coord_client.get("/admin/encaissements/").status_code == 200
    _redeem_many(ctx, 30)
    with CaptureQueriesContext(connection) as many:
        html = coord_client.get("/admin/encaissements/").content.decode()
    assert "Pas encore sur un relevé" in html
    assert "Sans chèque papier" in html  # issue 12: the column, and its filter
    assert len(many) == len(one)
    filtered = coord_client.get("/admin/encaissements/", {"sans_cheque_papier": "true"})
    assert filtered.status_code == 200


def test_programmes_et_enveloppes_nombre_de_requetes_constant(coord_client, habillage_en_cache):
    EnveloppeFactory()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            coord_client.get("/admin/enveloppes/")
            coord_client.get("/admin/programmes/")
            coord_client.get("/admin/carnets/")
        counts.append(len(ctx))
        for _ in range(10):
            EnveloppeFactory()
    assert counts[0] == counts[1]
