"""The coordinators' "Territoire" menu in the Wagtail admin (inclusion/wagtail_hooks.py)."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inclusion.enums import Role, TypeStructure
from inclusion.models import Journal, Lieu, Membership, Structure
from inclusion.services.territoire import sync_groups
from inclusion.signals import (
    COORDINATEUR_PERMISSIONS,
    COORDINATEURS_GROUP,
)
from tests.inclusion.factories import (
    CommuneFactory,
    LieuFactory,
    MembershipFactory,
    QuartierFactory,
    StructureFactory,
    UserFactory,
    admin_coordinateur,
    member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LISTES = [
    "/admin/communes/",
    "/admin/quartiers/",
    "/admin/structures/",
    "/admin/lieux/",
    "/admin/rattachements/",
]


def test_groupe_coordinateurs_complet_des_le_premier_migrate():
    groupe = Group.objects.get(name=COORDINATEURS_GROUP)
    groupe.permissions.clear()
    # Replay the post_migrate signal the way migrate sends it on a fresh database, app by app,
    # with the inclusion permissions not created yet.
    from django.apps import apps
    from django.core.management.sql import emit_post_migrate_signal

    Permission.objects.filter(content_type__app_label="inclusion").delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", apps=apps)
    from cms.permissions import MODEL_PERMISSIONS  # the public site's look, given by cms

    codenames = set(groupe.permissions.values_list("content_type__app_label", "codename"))
    assert codenames == set(COORDINATEUR_PERMISSIONS) | set(MODEL_PERMISSIONS)


@pytest.fixture
def coordinateur():
    return admin_coordinateur()


@pytest.fixture
def coord_client(client, coordinateur):
    client.force_login(coordinateur)
    return client


@pytest.fixture
def editeur_wagtail():
    """Has the Wagtail admin (another group) but no coordinator role."""
    user = member(Role.PRESCRIPTEUR)
    groupe = Group.objects.create(name="Éditeurs du site")
    groupe.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user.groups.add(groupe)
    return user


def lieu_post_data(structure, **overrides):
    data = {
        "structure": structure.pk,
        "nom": "Médiathèque Jean Jaurès",
        "pivot": "",
        "commune": structure.commune.pk,
        "quartier": "",
        "code_postal": "33000",
        "adresse": "12 rue des Lilas",
        "complement_adresse": "",
        "latitude": "",
        "longitude": "",
        "telephone": "",
        "courriels": "",
        "site_web": "",
        "prise_rdv": "",
        "horaires": "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",
        "presentation_resume": "",
        "presentation_detail": "",
        "structure_parente": "",
        "autres_formations_labels": "",
        "fiche_acces_libre": "",
        "accessible_pmr": "unknown",
        "source": "",
        "actif": "on",
    }
    data.update(overrides)
    return data


# --- Who may come in ------------------------------------------------------------------------


@pytest.mark.parametrize("url", LISTES)
def test_coordinateur_voit_chaque_liste(coord_client, url):
    LieuFactory()
    MembershipFactory()
    QuartierFactory()
    response = coord_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", LISTES)
def test_anonyme_renvoye_a_la_connexion(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.WAGTAILADMIN_LOGIN_URL)}?next={url}"


@pytest.mark.parametrize("url", LISTES)
def test_prescripteur_refuse(client, url):
    client.force_login(member(Role.PRESCRIPTEUR))
    response = client.get(url)
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("url", LISTES)
def test_editeur_wagtail_sans_role_coordinateur_refuse(client, editeur_wagtail, url):
    client.force_login(editeur_wagtail)
    assert client.get("/admin/").status_code == 200  # the rest of the admin stays open
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_groupe_perime_ne_suffit_pas(client):
    """Left in the group after the coordinator membership ended: the predicate refuses."""
    user = member(Role.COORDINATEUR)
    sync_groups(user)
    Membership.objects.filter(user=user).update(active=False)
    assert user.groups.filter(name=COORDINATEURS_GROUP).exists()
    client.force_login(user)
    assert client.get("/admin/lieux/").status_code == 302


def test_menu_territoire_pour_le_coordinateur_seulement(client, coordinateur, editeur_wagtail):
    client.force_login(coordinateur)
    assert "Territoire" in client.get("/admin/").content.decode()
    assert "Rattachements" in client.get("/admin/").content.decode()
    client.force_login(editeur_wagtail)
    assert "Territoire" not in client.get("/admin/").content.decode()


# --- Search and filters ---------------------------------------------------------------------


def test_recherche_lieux_par_nom_et_par_structure(coord_client):
    LieuFactory(nom="Médiathèque des Capucins")
    LieuFactory(nom="Espace Rosa Parks", structure=StructureFactory(nom="Centre social Nord"))
    LieuFactory(nom="Bureau de poste")

    html = coord_client.get("/admin/lieux/", {"q": "capucins"}).content.decode()
    assert "Médiathèque des Capucins" in html
    assert "Espace Rosa Parks" not in html

    html = coord_client.get("/admin/lieux/", {"q": "social nord"}).content.decode()
    assert "Espace Rosa Parks" in html
    assert "Médiathèque des Capucins" not in html


def test_recherche_rattachements_par_email(coord_client):
    MembershipFactory(user=UserFactory(email="alice.martin@ccas.example.org"))
    MembershipFactory(user=UserFactory(email="bob@asso.example.org"))
    html = coord_client.get("/admin/rattachements/", {"q": "alice.martin"}).content.decode()
    assert "alice.martin@ccas.example.org" in html
    assert "bob@asso.example.org" not in html


def test_filtre_lieux_qualifies(coord_client):
    LieuFactory(nom="Lieu qualifié", qualifie=True)
    LieuFactory(nom="Lieu sans qualification")
    html = coord_client.get("/admin/lieux/", {"qualifie_pass": "true"}).content.decode()
    assert "Lieu qualifié" in html
    assert "Lieu sans qualification" not in html


def test_filtre_structures_par_type(coord_client):
    StructureFactory(nom="CCAS de Bègles", type=TypeStructure.CCAS)
    StructureFactory(nom="Médiathèque de Talence", type=TypeStructure.MEDIATHEQUE)
    html = coord_client.get("/admin/structures/", {"type": "mediatheque"}).content.decode()
    assert "Médiathèque de Talence" in html
    assert "CCAS de Bègles" not in html


def test_filtre_quartiers_prioritaires(coord_client):
    QuartierFactory(nom="Les Aubiers", prioritaire_qpv=True)
    QuartierFactory(nom="Chartrons")
    html = coord_client.get("/admin/quartiers/", {"prioritaire": "true"}).content.decode()
    assert "Les Aubiers" in html
    assert "Chartrons" not in html


def test_liste_des_lieux_nombre_de_requetes_constant(coord_client):
    structure = StructureFactory()
    LieuFactory(structure=structure, qualifie=True, qualifie_par=UserFactory())

    def compte():
        with CaptureQueriesContext(connection) as ctx:
            assert coord_client.get("/admin/lieux/").status_code == 200
        return len(ctx)

    compte()  # warms the caches (the habillage is read from the cache in steady state)
    une_ligne = compte()
    for _ in range(12):
        LieuFactory(structure=StructureFactory(), qualifie=True, qualifie_par=UserFactory())
    assert compte() == une_ligne


# --- Creating and editing a lieu ------------------------------------------------------------


def test_formulaire_lieu_tous_les_champs_sauf_qualification(coord_client):
    response = coord_client.get("/admin/lieux/new/")
    assert response.status_code == 200
    champs = set(response.context["form"].fields)
    modifiables = {f.name for f in Lieu._meta.concrete_fields if f.editable and not f.primary_key}
    assert champs == modifiables
    assert "horaires" in champs and "services" in champs and "fiche_acces_libre" in champs
    assert not {"qualifie_pass", "qualifie_le", "qualifie_par", "qualification_retiree_le"} & champs


def test_creer_lieu_horaires_invalides(coord_client):
    structure = StructureFactory()
    response = coord_client.post(
        "/admin/lieux/new/", lieu_post_data(structure, horaires="Lu-Ve 9h-12h")
    )
    assert response.status_code == 200
    assert "Ces horaires ne sont pas au format OpenStreetMap" in response.content.decode()
    assert "horaires" in response.context["form"].errors
    assert not Lieu.objects.exists()
    assert not Journal.objects.filter(action="lieu.creation").exists()


def test_creer_lieu_siret_invalide(coord_client):
    structure = StructureFactory()
    response = coord_client.post(
        "/admin/lieux/new/", lieu_post_data(structure, pivot="43493312300028")
    )
    assert response.status_code == 200
    assert "Ce SIRET n&#x27;existe pas" in response.content.decode()
    assert "pivot" in response.context["form"].errors
    assert not Lieu.objects.exists()


def test_creer_lieu_clean_du_modele(coord_client):
    """Lieu.clean(): the quartier must be in the commune; its French message shows."""
    structure = StructureFactory()
    ailleurs = QuartierFactory(commune=CommuneFactory(nom="Mérignac", code_insee="33281"))
    response = coord_client.post(
        "/admin/lieux/new/", lieu_post_data(structure, quartier=ailleurs.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["quartier"] == [
        "Ce quartier n'est pas dans la commune choisie."
    ]
    assert not Lieu.objects.exists()


def test_creer_lieu_valide_journalise(coord_client, coordinateur):
    structure = StructureFactory()
    response = coord_client.post(
        "/admin/lieux/new/",
        lieu_post_data(
            structure, qualifie_pass="on", services=["Aide aux démarches administratives"]
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    lieu = Lieu.objects.get()
    assert lieu.nom == "Médiathèque Jean Jaurès"
    assert lieu.services == ["Aide aux démarches administratives"]
    assert lieu.qualifie_pass is False  # not editable in the form, even when posted
    ligne = Journal.objects.get(action="lieu.creation")
    assert ligne.acteur == coordinateur
    assert ligne.objet_type == "inclusion.lieu"
    assert ligne.objet_id == str(lieu.pk)
    assert ligne.structure_id == structure.pk


def test_modifier_lieu_journalise(coord_client, coordinateur):
    lieu = LieuFactory()
    response = coord_client.get(f"/admin/lieux/edit/{lieu.pk}/")
    assert response.status_code == 200
    assert "Non qualifié" in response.content.decode()
    response = coord_client.post(
        f"/admin/lieux/edit/{lieu.pk}/",
        lieu_post_data(lieu.structure, nom="Nouveau nom", adresse=lieu.adresse),
    )
    assert response.status_code == 302
    lieu.refresh_from_db()
    assert lieu.nom == "Nouveau nom"
    ligne = Journal.objects.get(action="lieu.modification")
    assert ligne.acteur == coordinateur
    assert ligne.objet_id == str(lieu.pk)
    assert "nom" in ligne.details["champs"]


def test_creer_structure_siret_invalide(coord_client):
    commune = CommuneFactory()
    data = {"nom": "CCAS", "pivot": "1234", "type": "ccas", "commune": commune.pk, "active": "on"}
    response = coord_client.post("/admin/structures/new/", data)
    assert response.status_code == 200
    assert "Le SIRET doit compter 14 chiffres." in response.content.decode()
    assert not Structure.objects.filter(nom="CCAS").exists()
    assert not Journal.objects.exists()


def test_creer_commune_journalise(coord_client, coordinateur):
    data = {"nom": "Bègles", "code_insee": "33039", "codes_postaux": "33130"}
    assert coord_client.post("/admin/communes/new/", data).status_code == 302
    ligne = Journal.objects.get(action="commune.creation")
    assert ligne.acteur == coordinateur


def test_prescripteur_ne_peut_pas_creer(client):
    client.force_login(member(Role.PRESCRIPTEUR))
    structure = StructureFactory()
    response = client.post("/admin/lieux/new/", lieu_post_data(structure))
    assert response.status_code in (302, 403)
    assert not Lieu.objects.exists()


# --- Rattachements: the group follows -------------------------------------------------------


def test_rattachement_coordinateur_donne_puis_retire_le_groupe(coord_client, coordinateur):
    nouveau = UserFactory()
    structure = StructureFactory()
    data = {"user": nouveau.pk, "structure": structure.pk, "role": "coordinateur", "active": "on"}
    assert coord_client.post("/admin/rattachements/new/", data).status_code == 302
    assert nouveau.groups.filter(name=COORDINATEURS_GROUP).exists()
    ligne = Journal.objects.get(action="membre.ajout")
    assert ligne.acteur == coordinateur
    assert ligne.details == {"role": "coordinateur", "utilisateur": nouveau.pk}

    membership = Membership.objects.get(user=nouveau)
    data.pop("active")
    response = coord_client.post(f"/admin/rattachements/edit/{membership.pk}/", data)
    assert response.status_code == 302
    assert not nouveau.groups.filter(name=COORDINATEURS_GROUP).exists()
    assert Journal.objects.filter(action="membre.retrait", objet_id=str(membership.pk)).exists()


def test_rattachement_en_double_refuse(coord_client):
    m = MembershipFactory(role=Role.PRESCRIPTEUR)
    data = {"user": m.user.pk, "structure": m.structure.pk, "role": "prescripteur", "active": "on"}
    response = coord_client.post("/admin/rattachements/new/", data)
    assert response.status_code == 200
    assert Membership.objects.filter(user=m.user).count() == 1


# --- Qualification for the pass numérique ---------------------------------------------------


def test_qualifier_puis_retirer(coord_client, coordinateur):
    lieu = LieuFactory(nom="EPN du Lac")
    assert "Qualifier pour le pass numérique" in coord_client.get("/admin/lieux/").content.decode()
    url = f"/admin/lieux/qualifier/{lieu.pk}/"
    response = coord_client.get(url)
    assert response.status_code == 200
    assert "Oui, qualifier ce lieu" in response.content.decode()

    assert coord_client.post(url).status_code == 302
    lieu.refresh_from_db()
    assert lieu.qualifie_pass is True
    assert lieu.qualifie_le == timezone.localdate()
    assert lieu.qualifie_par == coordinateur
    ligne = Journal.objects.get(action="lieu.qualification")
    assert (ligne.acteur, ligne.objet_id) == (coordinateur, str(lieu.pk))

    html = coord_client.get("/admin/lieux/").content.decode()
    assert f"Qualifié le {timezone.localdate():%d/%m/%Y} par Claire Coord" in html
    assert "Retirer la qualification pass" in html

    url = f"/admin/lieux/retirer-qualification/{lieu.pk}/"
    assert coord_client.get(url).status_code == 200
    # Typed text is not a reason of the list (the journal keeps only keys): refused.
    assert coord_client.post(url, {"motif": "Fermé le samedi"}).status_code == 200
    assert Lieu.objects.get(pk=lieu.pk).qualifie_pass is True
    assert coord_client.post(url, {"motif": "fermeture"}).status_code == 302
    lieu.refresh_from_db()
    assert lieu.qualifie_pass is False
    assert lieu.qualification_retiree_le == timezone.localdate()
    ligne = Journal.objects.get(action="lieu.qualification_retiree")
    assert ligne.acteur == coordinateur
    assert ligne.details == {"motif": "fermeture"}
    assert "Qualification retirée le" in coord_client.get("/admin/lieux/").content.decode()


def test_qualifier_deux_fois_message_et_rien_de_plus(coord_client):
    lieu = LieuFactory(qualifie=True, qualifie_le=datetime.date(2025, 1, 6))
    response = coord_client.post(f"/admin/lieux/qualifier/{lieu.pk}/", follow=True)
    assert "déjà qualifié" in response.content.decode()
    lieu.refresh_from_db()
    assert lieu.qualifie_le == datetime.date(2025, 1, 6)
    assert not Journal.objects.exists()


@pytest.mark.parametrize("action", ["qualifier", "retirer-qualification"])
def test_qualification_refusee_au_prescripteur(client, action):
    lieu = LieuFactory(qualifie=(action == "retirer-qualification"))
    avant = lieu.qualifie_pass
    client.force_login(member(Role.PRESCRIPTEUR))
    response = client.post(f"/admin/lieux/{action}/{lieu.pk}/")
    assert response.status_code in (302, 403)
    lieu.refresh_from_db()
    assert lieu.qualifie_pass is avant
    assert not Journal.objects.exists()


@pytest.mark.parametrize("action", ["qualifier", "retirer-qualification"])
def test_qualification_refusee_a_un_editeur_wagtail(client, editeur_wagtail, action):
    lieu = LieuFactory(qualifie=(action == "retirer-qualification"))
    avant = lieu.qualifie_pass
    client.force_login(editeur_wagtail)
    assert client.get(f"/admin/lieux/{action}/{lieu.pk}/").status_code == 302
    response = client.post(f"/admin/lieux/{action}/{lieu.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    lieu.refresh_from_db()
    assert lieu.qualifie_pass is avant
    assert not Journal.objects.exists()


def test_qualification_lieu_inconnu(coord_client):
    assert coord_client.get("/admin/lieux/qualifier/999999/").status_code == 404


def test_journal_is_read_only_for_coordinators(coord_client, client):
    from inclusion.models import Journal
    from inclusion.services.journal import write_journal

    line = write_journal(acteur=None, action="beneficiaire.consultation")
    response = coord_client.get("/admin/journal/")
    assert response.status_code == 200
    assert "beneficiaire.consultation" in response.content.decode()
    assert coord_client.get("/admin/journal/?action=beneficiaire.consultation").status_code == 200
    assert coord_client.get(f"/admin/journal/inspect/{line.pk}/").status_code == 200
    assert coord_client.get("/admin/journal/new/").status_code in (302, 403)
    assert coord_client.get(f"/admin/journal/edit/{line.pk}/").status_code in (302, 403)
    assert coord_client.post(f"/admin/journal/delete/{line.pk}/").status_code in (302, 403)
    assert Journal.objects.filter(pk=line.pk).exists()
    client.force_login(member(Role.PRESCRIPTEUR))
    assert client.get("/admin/journal/").status_code in (302, 403)


# --- The public site's cache, emptied by hand ---------------------------------------------


def test_le_coordinateur_vide_le_cache_des_pages(
    coord_client, coordinateur, django_capture_on_commit_callbacks
):
    from inclusion import page_cache

    avant = page_cache.generation()
    page = coord_client.get("/admin/cache-pages/")
    assert page.status_code == 200 and "Vider le cache des pages" in page.text
    assert "Cache des pages" in coord_client.get("/admin/").text  # in the settings menu
    with django_capture_on_commit_callbacks() as callbacks:
        response = coord_client.post("/admin/cache-pages/", follow=True)
    assert "Le cache est vidé" in response.text
    page_cache.forget()
    assert page_cache.generation() == avant  # nothing moves before the commit
    for callback in callbacks:
        callback()
    page_cache.forget()
    assert page_cache.generation() != avant
    assert Journal.objects.filter(acteur=coordinateur, action="cache.pages.vide").count() == 1


def test_vider_le_cache_est_refuse_sans_role_coordinateur(client, editeur_wagtail):
    from inclusion import page_cache

    client.force_login(editeur_wagtail)
    avant = page_cache.generation()
    assert client.get("/admin/cache-pages/").status_code in (302, 403)
    assert client.post("/admin/cache-pages/").status_code in (302, 403)
    assert "Cache des pages" not in client.get("/admin/").text
    page_cache.forget()
    assert page_cache.generation() == avant
    assert not Journal.objects.filter(action="cache.pages.vide").exists()
