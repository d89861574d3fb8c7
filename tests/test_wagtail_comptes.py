"""Wagtail's Users and Groups admin is closed to everyone (inclusion/admin_comptes.py): accounts
change only through the services, reached from the espace pro's "Équipe" page."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import Journal, Membership, User
from inclusion.signals import COORDINATEURS_GROUP
from tests.inclusion.factories import admin_coordinateur, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

EQUIPE = "/pro/equipe/"


@pytest.fixture
def coordinateur():
    return admin_coordinateur()


@pytest.fixture
def superuser():
    return User.objects.create_superuser("racine@example.org", "un mot de passe long 42")


@pytest.fixture
def editeur():
    """Opens the admin through another group (README: "Editors"), with every user and group
    permission Django has: still no door."""
    user = member(Role.PRESCRIPTEUR)
    groupe = Group.objects.create(name="Éditeurs du site")
    groupe.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label__in=("inclusion", "auth"),
            content_type__model__in=("user", "group"),
        ),
    )
    user.groups.add(groupe)
    return user


@pytest.fixture
def cible():
    return member(Role.MEDIATEUR, first_name="Marc", last_name="Partant")


def _state(user):
    """What a write through Wagtail's views would change."""
    user.refresh_from_db()
    return (
        user.email,
        user.first_name,
        user.is_active,
        user.is_superuser,
        sorted(user.groups.values_list("name", flat=True)),
        user.password,
    )


def _urls(cible):
    groupe = Group.objects.get(name=COORDINATEURS_GROUP)
    return {
        "users_index": reverse("wagtailusers_users:index"),
        "users_add": reverse("wagtailusers_users:add"),
        "users_edit": reverse("wagtailusers_users:edit", args=[cible.pk]),
        "users_delete": reverse("wagtailusers_users:delete", args=[cible.pk]),
        "users_history": reverse("wagtailusers_users:history", args=[cible.pk]),
        "groups_index": reverse("wagtailusers_groups:index"),
        "groups_add": reverse("wagtailusers_groups:add"),
        "groups_edit": reverse("wagtailusers_groups:edit", args=[groupe.pk]),
        "groups_delete": reverse("wagtailusers_groups:delete", args=[groupe.pk]),
    }


def _post_data(cible):
    """What Wagtail's forms would accept: a new superuser, a coordinator by group, a rename."""
    coordinateurs = Group.objects.get(name=COORDINATEURS_GROUP)
    return {
        "email": "nouveau@example.org",
        "first_name": "Nouveau",
        "last_name": "Compte",
        "password1": "un mot de passe long 42",
        "password2": "un mot de passe long 42",
        "is_superuser": "on",
        "is_active": "",
        "groups": [coordinateurs.pk],
        "name": "Renommé",
    }


@pytest.mark.parametrize("persona", ["superuser", "coordinateur"])
@pytest.mark.parametrize(
    "nom",
    [
        "users_index",
        "users_add",
        "users_edit",
        "users_delete",
        "users_history",
        "groups_index",
        "groups_add",
        "groups_edit",
        "groups_delete",
    ],
)
def test_ecrans_fermes_renvoient_a_l_equipe(client, request, persona, nom, cible):
    acteur = request.getfixturevalue(persona)
    client.force_login(acteur)
    url = _urls(cible)[nom]
    avant = (_state(cible), User.objects.count(), Group.objects.count(), Journal.objects.count())
    groupe_avant = set(Group.objects.get(name=COORDINATEURS_GROUP).permissions.all())

    for response in (client.get(url), client.post(url, _post_data(cible))):
        assert response.status_code == 302
        assert response["Location"] == EQUIPE

    apres = (_state(cible), User.objects.count(), Group.objects.count(), Journal.objects.count())
    assert apres == avant
    assert set(Group.objects.get(name=COORDINATEURS_GROUP).permissions.all()) == groupe_avant
    assert not User.objects.filter(email="nouveau@example.org").exists()


def test_le_message_dit_ou_aller(client, superuser, cible):
    client.force_login(superuser)
    page = client.get(reverse("wagtailusers_users:edit", args=[cible.pk]), follow=True)
    assert page.redirect_chain == [(EQUIPE, 302)]
    assert "page « Équipe »" in page.content.decode()


@pytest.mark.parametrize("nom", ["users_index", "users_add", "users_edit", "groups_edit"])
def test_autre_groupe_de_l_admin_refuse_comme_avant(client, editeur, cible, nom):
    client.force_login(editeur)
    url = _urls(cible)[nom]
    avant = _state(cible)
    for response in (client.get(url), client.post(url, _post_data(cible))):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert _state(cible) == avant


@pytest.mark.parametrize("nom", ["users_index", "users_edit", "groups_index"])
def test_hors_admin_renvoye_a_la_connexion(client, cible, nom):
    url = _urls(cible)[nom]
    assert "/connexion/" in client.get(url)["Location"]
    client.force_login(member(Role.PRESCRIPTEUR))
    assert "/connexion/" in client.get(url)["Location"]


@pytest.mark.parametrize("action", ["delete", "set_active_state", "assign_role"])
def test_actions_groupees_sur_les_comptes_refusees(client, superuser, cible, action):
    client.force_login(superuser)
    url = reverse("wagtail_bulk_action", args=["inclusion", "user", action])
    coordinateurs = Group.objects.get(name=COORDINATEURS_GROUP)
    data = {"mark_as_active": "False", "role": coordinateurs.pk}
    avant = (_state(cible), User.objects.count())
    response = client.post(f"{url}?id={cible.pk}&next=/admin/", data)
    assert response.status_code == 302
    assert response["Location"] == EQUIPE
    assert (_state(cible), User.objects.count()) == avant


def test_menu_et_recherche_sans_utilisateurs_ni_groupes(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/users/" not in html
    assert "/admin/groups/" not in html
    assert "/admin/settings/cms/habillage/" in html  # the settings menu is still there
    recherche = client.get("/admin/search/?q=partant").content.decode()
    assert "/admin/users/" not in recherche


def test_le_chemin_des_services_marche(client, superuser, coordinateur, cible):
    """From the page the closed screens lead to, the deactivation service does its work:
    memberships ended, journal written, nothing deleted."""
    client.force_login(coordinateur)
    assert client.get(EQUIPE).status_code == 200
    url = reverse("gestion_comptes:desactiver", kwargs={"pk": cible.pk})
    response = client.post(url)
    assert response.status_code == 302
    cible.refresh_from_db()
    assert not cible.is_active
    assert not Membership.objects.filter(user=cible, active=True).exists()
    assert Journal.objects.filter(action="compte.desactive", objet_id=str(cible.pk)).exists()
    # The last coordinator rule holds for a superuser too, from that same door.
    client.force_login(superuser)
    response = client.post(reverse("gestion_comptes:desactiver", kwargs={"pk": coordinateur.pk}))
    coordinateur.refresh_from_db()
    assert coordinateur.is_active


def test_page_compte_de_l_admin_mene_a_mon_compte(client, coordinateur):
    client.force_login(coordinateur)
    html = client.get(reverse("wagtailadmin_account")).content.decode()
    assert f'href="{reverse("mon_compte:accueil")}"' in html
    assert "Mon compte dans l&#x27;espace pro" in html


def test_page_compte_de_l_admin_sans_adresse_ni_mot_de_passe(client, coordinateur):
    """The address changes through a link sent to it, the password through set_new_password
    (journal, validators): not through Wagtail's "Compte" forms."""
    client.force_login(coordinateur)
    html = client.get(reverse("wagtailadmin_account")).content.decode()
    assert 'name="name_email-email"' not in html
    assert 'name="password-new_password1"' not in html


@pytest.mark.parametrize("vue", ["add_view", "edit_view", "delete_view"])
def test_vues_de_wagtail_atteintes_autrement_refusent_aussi(rf, superuser, cible, vue):
    """The before_*_user hooks give the same answer should Wagtail's user views be reached
    by another URL (a future custom viewset): called here without the URLs."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from wagtail.admin.viewsets import viewsets

    reverse("wagtailadmin_home")  # loads the admin's URLs, which registers the viewsets
    viewset = next(v for v in viewsets.viewsets if v.name == "wagtailusers_users")
    request = rf.post("/ailleurs/", _post_data(cible))
    request.user, request.session = superuser, SessionStore()
    request._messages = FallbackStorage(request)
    kwargs = {} if vue == "add_view" else {"pk": str(cible.pk)}
    avant = (_state(cible), User.objects.count())
    response = getattr(viewset, vue)(request, **kwargs)
    assert response.status_code == 302
    assert response["Location"] == EQUIPE
    assert (_state(cible), User.objects.count()) == avant
