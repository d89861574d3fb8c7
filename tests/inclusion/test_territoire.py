"""The territory is written by inclusion/services/territoire.py only (issue 13): the Wagtail
admin's create, edit and delete of communes, structures, lieux and rattachements go through
the services (journal line, checks, groups, cache bumps once committed), and the services'
refusals show as French form errors with nothing written."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from inclusion.enums import Role
from inclusion.models import Commune, Journal, Lieu, Membership, Structure
from inclusion.services import territoire
from inclusion.signals import COORDINATEURS_GROUP
from tests.inclusion.factories import (
    CommuneFactory,
    LieuFactory,
    MembershipFactory,
    StructureFactory,
    UserFactory,
    member,
)
from tests.inclusion.test_admin import lieu_post_data

pytestmark = pytest.mark.django_db

MARDI = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(MARDI, tick=False):
        yield


@pytest.fixture
def coordinateur():
    user = member(Role.COORDINATEUR, first_name="Claire", last_name="Coord")
    territoire.sync_groups(user)
    return user


@pytest.fixture
def coord_client(client, coordinateur):
    client.force_login(coordinateur)
    return client


@pytest.fixture
def admin_client_(client):
    """Deleting is for superusers only (coordinators add and change); this one is also a
    coordinator."""
    user = member(Role.COORDINATEUR, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def journal_du_service(monkeypatch):
    """The journal lines written by the territory's services (not by a view of their own)."""
    lignes = []
    real = territoire.write_journal

    def spy(**kwargs):
        ligne = real(**kwargs)
        lignes.append(ligne)
        return ligne

    monkeypatch.setattr(territoire, "write_journal", spy)
    return lignes


def _post(client, url, data, capture):
    """POST and run what was left for the commit (the caches' bumps)."""
    with capture(execute=True) as callbacks:
        response = client.post(url, data)
    return response, callbacks


def _in_group(user):
    return user.groups.filter(name=COORDINATEURS_GROUP).exists()


# --- Communes -------------------------------------------------------------------------------


def test_admin_cree_et_modifie_une_commune_par_le_service(
    coord_client, coordinateur, journal_du_service, django_capture_on_commit_callbacks
):
    data = {"nom": "Bègles", "code_insee": "33039", "codes_postaux": "33130"}
    response, bumps = _post(
        coord_client, "/admin/communes/new/", data, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    commune = Commune.objects.get(code_insee="33039")
    [ligne] = journal_du_service
    assert (ligne.action, ligne.acteur, ligne.objet_id) == (
        "commune.creation",
        coordinateur,
        str(commune.pk),
    )
    assert bumps  # the public site's caches follow once committed
    response, bumps = _post(
        coord_client,
        f"/admin/communes/edit/{commune.pk}/",
        {**data, "nom": "Bègles-Plage"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    commune.refresh_from_db()
    assert commune.nom == "Bègles-Plage"
    assert [(li.action, li.details) for li in journal_du_service[1:]] == [
        ("commune.modification", {"champs": ["nom"]})
    ]
    assert bumps
    assert Journal.objects.filter(action__startswith="commune.").count() == 2


# --- Structures -----------------------------------------------------------------------------


def _structure_data(structure, **overrides):
    data = {
        "nom": structure.nom,
        "pivot": structure.pivot,
        "type": structure.type,
        "commune": structure.commune_id,
        "adresse": structure.adresse,
        "telephone": "",
        "courriel": "",
        "contact_nom": "",
        "active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_cree_une_structure_par_le_service(coord_client, coordinateur, journal_du_service):
    commune = CommuneFactory()
    data = {
        "nom": "CCAS de Bègles",
        "pivot": "43493312300029",
        "type": "ccas",
        "commune": commune.pk,
        "active": "on",
    }
    assert coord_client.post("/admin/structures/new/", data).status_code == 302
    structure = Structure.objects.get(nom="CCAS de Bègles")
    [ligne] = journal_du_service
    assert (ligne.action, ligne.structure) == ("structure.creation", structure)


def test_desactiver_une_structure_retire_le_groupe_de_ses_coordinateurs(
    coord_client, coordinateur, journal_du_service
):
    structure = StructureFactory()
    autre = member(Role.COORDINATEUR, structure=structure)
    territoire.sync_groups(autre)
    assert _in_group(autre)
    response = coord_client.post(
        f"/admin/structures/edit/{structure.pk}/", _structure_data(structure, active=None)
    )
    assert response.status_code == 302
    structure.refresh_from_db()
    assert not structure.active
    assert not _in_group(autre)  # their coordinator membership no longer counts
    [ligne] = journal_du_service
    assert (ligne.action, ligne.details) == ("structure.modification", {"champs": ["active"]})


def test_desactiver_la_structure_de_son_propre_role_est_refuse(coord_client, coordinateur):
    structure = coordinateur.memberships.get().structure
    response = coord_client.post(
        f"/admin/structures/edit/{structure.pk}/", _structure_data(structure, active=None)
    )
    assert response.status_code == 200
    assert "Vous retireriez votre propre rôle de coordinateur" in response.content.decode()
    structure.refresh_from_db()
    assert structure.active
    assert _in_group(coordinateur)
    assert not Journal.objects.filter(action="structure.modification").exists()


# --- Lieux ----------------------------------------------------------------------------------


def test_admin_cree_et_modifie_un_lieu_par_le_service(
    coord_client, coordinateur, journal_du_service, django_capture_on_commit_callbacks
):
    structure = StructureFactory()
    response, bumps = _post(
        coord_client,
        "/admin/lieux/new/",
        lieu_post_data(structure),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302, response.context["form"].errors
    lieu = Lieu.objects.get()
    assert bumps
    response, bumps = _post(
        coord_client,
        f"/admin/lieux/edit/{lieu.pk}/",
        lieu_post_data(structure, nom="Espace numérique du Port"),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302, response.context["form"].errors
    lieu.refresh_from_db()
    assert lieu.nom == "Espace numérique du Port"
    assert bumps
    assert [(li.action, li.acteur, li.structure) for li in journal_du_service] == [
        ("lieu.creation", coordinateur, structure),
        ("lieu.modification", coordinateur, structure),
    ]
    assert journal_du_service[1].details == {"champs": ["nom"]}


def test_un_lieu_pour_une_structure_desactivee_est_refuse(coord_client):
    structure = StructureFactory(active=False)
    response = coord_client.post("/admin/lieux/new/", lieu_post_data(structure))
    assert response.status_code == 200
    assert response.context["form"].errors["structure"] == [
        "Cette structure est désactivée : on ne lui ajoute pas de lieu."
    ]
    assert not Lieu.objects.exists()
    assert not Journal.objects.filter(action="lieu.creation").exists()


def test_supprimer_un_lieu_par_le_service(admin_client_, journal_du_service):
    lieu = LieuFactory()
    assert admin_client_.post(f"/admin/lieux/delete/{lieu.pk}/").status_code == 302
    assert not Lieu.objects.exists()
    [ligne] = journal_du_service
    assert (ligne.action, ligne.objet_id, ligne.acteur) == (
        "lieu.suppression",
        str(lieu.pk),
        admin_client_.user,
    )


# --- Rattachements --------------------------------------------------------------------------


def test_admin_rattache_par_le_service(coord_client, coordinateur, journal_du_service):
    nouveau = UserFactory()
    structure = StructureFactory()
    data = {"user": nouveau.pk, "structure": structure.pk, "role": "coordinateur"}
    assert coord_client.post("/admin/rattachements/new/", data).status_code == 302
    assert _in_group(nouveau)
    [ligne] = journal_du_service
    assert (ligne.action, ligne.acteur) == ("membre.ajout", coordinateur)
    assert ligne.details == {"role": "coordinateur", "utilisateur": nouveau.pk}


def test_un_rattachement_termine_est_repris(coord_client, journal_du_service):
    ancien = MembershipFactory(role=Role.MEDIATEUR, active=False)
    data = {"user": ancien.user_id, "structure": ancien.structure_id, "role": "mediateur"}
    response = coord_client.post("/admin/rattachements/new/", data)
    assert response.status_code == 302
    ancien.refresh_from_db()
    assert ancien.active
    assert Membership.objects.filter(user=ancien.user).count() == 1
    assert [li.action for li in journal_du_service] == ["membre.ajout"]


def test_rattachement_a_une_structure_desactivee_refuse(coord_client):
    structure = StructureFactory(active=False)
    data = {"user": UserFactory().pk, "structure": structure.pk, "role": "mediateur"}
    response = coord_client.post("/admin/rattachements/new/", data)
    assert response.status_code == 200
    assert "Cette structure est désactivée" in response.content.decode()
    assert not Membership.objects.filter(structure=structure).exists()
    assert not Journal.objects.exists()


def test_modifier_un_rattachement_par_le_service(coord_client, coordinateur, journal_du_service):
    m = MembershipFactory(role=Role.MEDIATEUR)
    data = {"user": m.user_id, "structure": m.structure_id, "role": "coordinateur", "active": "on"}
    assert coord_client.post(f"/admin/rattachements/edit/{m.pk}/", data).status_code == 302
    assert _in_group(m.user)
    [ligne] = journal_du_service
    assert ligne.action == "membre.modification"
    assert ligne.details == {"role": "coordinateur", "utilisateur": m.user_id, "champs": ["role"]}


def test_retirer_son_propre_role_de_coordinateur_est_refuse(coord_client, coordinateur):
    m = coordinateur.memberships.get()
    data = {"user": coordinateur.pk, "structure": m.structure_id, "role": "coordinateur"}
    response = coord_client.post(f"/admin/rattachements/edit/{m.pk}/", data)  # active off
    assert response.status_code == 200
    assert "Vous retireriez votre propre rôle de coordinateur" in response.content.decode()
    m.refresh_from_db()
    assert m.active and _in_group(coordinateur)
    assert not Journal.objects.exists()


def test_supprimer_son_propre_role_de_coordinateur_est_refuse(admin_client_):
    m = admin_client_.user.memberships.get()
    response = admin_client_.post(f"/admin/rattachements/delete/{m.pk}/", follow=True)
    assert "Vous retireriez votre propre rôle de coordinateur" in response.content.decode()
    assert Membership.objects.filter(pk=m.pk, active=True).exists()
    assert not Journal.objects.exists()


def test_supprimer_un_rattachement_par_le_service(admin_client_, journal_du_service):
    autre = member(Role.COORDINATEUR)
    territoire.sync_groups(autre)
    m = autre.memberships.get()
    assert admin_client_.post(f"/admin/rattachements/delete/{m.pk}/").status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()
    assert not _in_group(autre)
    [ligne] = journal_du_service
    assert ligne.action == "membre.suppression"
    assert ligne.details == {"role": "coordinateur", "utilisateur": autre.pk}


# --- The services themselves ----------------------------------------------------------------


def test_seul_un_coordinateur_ecrit_le_territoire():
    mediateur = member(Role.MEDIATEUR)
    commune = CommuneFactory()
    with pytest.raises(PermissionDenied):
        territoire.create_commune(acteur=mediateur, nom="X", code_insee="33999", codes_postaux="")
    with pytest.raises(PermissionDenied):
        territoire.update_commune(acteur=mediateur, commune=commune, nom="Y")
    with pytest.raises(PermissionDenied):
        territoire.delete_commune(acteur=mediateur, commune=commune)
    assert Commune.objects.get(pk=commune.pk).nom == commune.nom
    assert not Journal.objects.exists()


def test_la_qualification_ne_change_que_par_ses_services(coordinateur):
    lieu = LieuFactory()
    with pytest.raises(ValueError):
        territoire.update_lieu(acteur=coordinateur, lieu=lieu, qualifie_pass=True)
    assert not Lieu.objects.get(pk=lieu.pk).qualifie_pass


def test_mise_a_jour_invalide_rien_d_ecrit(coordinateur):
    lieu = LieuFactory()
    with pytest.raises(ValidationError) as exc:
        territoire.update_lieu(acteur=coordinateur, lieu=lieu, horaires="Lu-Ve 9h-12h")
    assert "horaires" in exc.value.message_dict
    assert Lieu.objects.get(pk=lieu.pk).horaires == lieu.horaires
    assert not Journal.objects.exists()


def test_remove_membership_refuse_son_propre_role(coordinateur):
    m = coordinateur.memberships.get()
    with pytest.raises(ValidationError) as exc:
        territoire.remove_membership(acteur=coordinateur, membership=m)
    assert exc.value.code == "propre_role_coordinateur"
    assert Membership.objects.get(pk=m.pk).active
    # With a second coordinator role elsewhere, one of them may end.
    territoire.add_membership(
        acteur=coordinateur, user=coordinateur, structure=StructureFactory(), role=Role.COORDINATEUR
    )
    territoire.remove_membership(acteur=coordinateur, membership=m)
    assert not Membership.objects.get(pk=m.pk).active and _in_group(coordinateur)
