"""The coordinators' "Ateliers" menu in the Wagtail admin (ateliers/wagtail_hooks.py)."""

import pytest

from ateliers.admin_views import alertes_falc, phrases_trop_longues
from ateliers.models import EtapeParcours, Parcours, Theme
from inclusion.enums import Role, ServiceMediation
from inclusion.models import Journal
from inclusion.services.territoire import sync_groups
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LISTES = ["/admin/themes/", "/admin/parcours/", "/admin/sessions-ateliers/"]


@pytest.fixture
def coord_client(client):
    user = member(Role.COORDINATEUR)
    sync_groups(user)
    client.force_login(user)
    return client


def theme_data(**overrides):
    data = {
        "titre": "Créer son adresse e-mail",
        "pictogramme": "at-symbol",
        "actif": "on",
        "titre_falc": "Avoir une adresse e-mail",
        "description_falc": "Vous créez votre adresse. Vous envoyez un premier message.",
        "niveau": "debutant",
        "duree_minutes": "120",
        "thematiques": ["email"],
        "service": ServiceMediation.QUOTIDIEN,
        "avec_cheque": "on",
    }
    data.update(overrides)
    return data


def parcours_data(themes, **overrides):
    data = {
        "titre": "Débuter avec le smartphone",
        "titre_falc": "Débuter avec le téléphone",
        "description_falc": "Vous venez 2 fois.",
        "actif": "on",
        "etapes-TOTAL_FORMS": str(len(themes)),
        "etapes-INITIAL_FORMS": "0",
        "etapes-MIN_NUM_FORMS": "1",
        "etapes-MAX_NUM_FORMS": "1000",
    }
    for i, theme in enumerate(themes):
        data.update(
            {
                f"etapes-{i}-theme": str(theme.pk),
                f"etapes-{i}-id": "",
                f"etapes-{i}-ORDER": str(i + 1),
                f"etapes-{i}-DELETE": "",
            }
        )
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", LISTES)
def test_anonyme_redirige(client, url):
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("url", LISTES)
def test_coordinateur_voit_chaque_liste(coord_client, url):
    SessionFactory()
    assert coord_client.get(url).status_code == 200


@pytest.mark.parametrize("url", [*LISTES, "/admin/themes/new/", "/admin/parcours/new/"])
def test_mediateur_et_prescripteur_refuses(client, url):
    for role in (Role.PRESCRIPTEUR, Role.MEDIATEUR):
        user = member(role)
        sync_groups(user)
        client.force_login(user)
        assert client.get(url).status_code in (302, 403)


def test_editeur_wagtail_avec_permissions_django_refuse(client):
    from django.contrib.auth.models import Group, Permission

    user = member(Role.PRESCRIPTEUR)
    group = Group.objects.create(name="Éditeurs")
    group.permissions.set(
        Permission.objects.filter(codename__in=["access_admin", "add_theme", "change_theme"])
    )
    user.groups.add(group)
    client.force_login(user)
    assert client.get("/admin/themes/new/").status_code in (302, 403)
    assert "Ateliers" not in client.get("/admin/").text


def test_liste_des_themes_montre_le_pictogramme(coord_client):
    ThemeFactory(pictogramme="heart")
    response = coord_client.get("/admin/themes/")
    assert "<svg" in response.text and "Santé" in response.text


def test_creer_un_theme_journalise(coord_client):
    response = coord_client.post("/admin/themes/new/", theme_data())
    assert response.status_code == 302, response.context["form"].errors
    theme = Theme.objects.get()
    assert theme.pictogramme == "at-symbol"
    assert Journal.objects.filter(action="theme.creation", objet_id=str(theme.pk)).exists()


def test_modifier_un_theme_journalise_les_champs(coord_client):
    theme = ThemeFactory()
    response = coord_client.post(
        f"/admin/themes/edit/{theme.pk}/", theme_data(titre="Nouveau titre")
    )
    assert response.status_code == 302
    line = Journal.objects.get(action="theme.modification")
    assert "titre" in line.details["champs"]


def test_pictogramme_hors_liste_refuse(coord_client):
    response = coord_client.post("/admin/themes/new/", theme_data(pictogramme="<script>"))
    assert response.status_code == 200
    assert not Theme.objects.exists()
    assert "pictogramme" in response.context["form"].errors


def test_formulaire_du_theme_aide_falc(coord_client):
    response = coord_client.get("/admin/themes/new/")
    assert "12 mots au plus" in response.text
    assert "Téléphone portable" in response.text


def test_phrase_falc_trop_longue_avertit_sans_bloquer(coord_client):
    longue = (
        "Vous apprenez comment on fait pour créer une adresse e-mail avec un mot de passe "
        "solide et facile à retenir."
    )
    response = coord_client.post(
        "/admin/themes/new/", theme_data(description_falc=f"Vous venez. {longue}"), follow=True
    )
    assert Theme.objects.count() == 1
    assert "mots : coupez-la" in response.text


def test_phrases_trop_longues():
    assert phrases_trop_longues("Vous venez. Vous apprenez.") == []
    texte = "Un deux trois quatre cinq six sept huit neuf dix onze douze treize !"
    assert len(phrases_trop_longues(texte)) == 1
    assert alertes_falc(titre_falc="un deux trois quatre cinq six sept huit neuf")


def test_creer_un_parcours_ordonne(coord_client):
    a, b, c = ThemeFactory(), ThemeFactory(), ThemeFactory()
    response = coord_client.post("/admin/parcours/new/", parcours_data([a, b, c]))
    assert response.status_code == 302
    parcours = Parcours.objects.get()
    assert list(parcours.etapes.values_list("ordre", "theme")) == [
        (1, a.pk),
        (2, b.pk),
        (3, c.pk),
    ]
    assert Journal.objects.filter(action="parcours.creation").exists()


def test_reordonner_et_supprimer_une_etape(coord_client):
    a, b, c = ThemeFactory(), ThemeFactory(), ThemeFactory()
    coord_client.post("/admin/parcours/new/", parcours_data([a, b, c]))
    parcours = Parcours.objects.get()
    etapes = list(parcours.etapes.order_by("ordre"))
    data = parcours_data([a, b, c])
    data["etapes-INITIAL_FORMS"] = "3"
    # c first, then a; b removed.
    for i, (etape, ordre, delete) in enumerate(
        zip(etapes, ["2", "3", "1"], ["", "1", ""], strict=True)
    ):
        data[f"etapes-{i}-id"] = str(etape.pk)
        data[f"etapes-{i}-ORDER"] = ordre
        data[f"etapes-{i}-DELETE"] = delete
    response = coord_client.post(f"/admin/parcours/edit/{parcours.pk}/", data)
    assert response.status_code == 302
    assert list(EtapeParcours.objects.filter(parcours=parcours).values_list("ordre", "theme")) == [
        (1, c.pk),
        (2, a.pk),
    ]


def test_parcours_sans_etape_refuse(coord_client):
    data = parcours_data([])
    response = coord_client.post("/admin/parcours/new/", data)
    assert response.status_code == 200
    assert not Parcours.objects.exists()


def test_sessions_en_lecture_seule_avec_filtres(coord_client):
    session = SessionFactory()
    autre = SessionFactory()
    response = coord_client.get("/admin/sessions-ateliers/", {"lieu": session.lieu.pk})
    assert response.status_code == 200
    # The filter lists every lieu once; only the filtered session shows in the table.
    assert response.text.count(session.lieu.nom) > response.text.count(autre.lieu.nom)
    assert coord_client.get("/admin/sessions-ateliers/new/").status_code in (302, 403)
    assert coord_client.get(f"/admin/sessions-ateliers/edit/{session.pk}/").status_code in (
        302,
        403,
    )
    inspect = coord_client.get(f"/admin/sessions-ateliers/inspect/{session.pk}/")
    assert inspect.status_code == 200


def test_filtre_statut_et_date(coord_client):
    SessionFactory()
    response = coord_client.get(
        "/admin/sessions-ateliers/",
        {"statut": "annulee", "debut_from": "2020-01-01", "debut_to": "2099-01-01"},
    )
    assert response.status_code == 200


def test_listes_nombre_de_requetes_constant(coord_client, habillage_en_cache):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def compter(url):
        with CaptureQueriesContext(connection) as ctx:
            assert coord_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    SessionFactory()
    coord_client.post("/admin/parcours/new/", parcours_data([ThemeFactory()]))
    avant = {url: compter(url) for url in LISTES}
    for _ in range(5):
        SessionFactory()
        coord_client.post("/admin/parcours/new/", parcours_data([ThemeFactory(), ThemeFactory()]))
    assert {url: compter(url) for url in LISTES} == avant
