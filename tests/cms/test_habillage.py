import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from cms.models import Habillage, PageFALC
from cms.models.habillage import contraste, get_habillage
from inclusion import registry
from inclusion.enums import Role
from tests.inclusion.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def reglages(site, **kwargs):
    valeurs = {
        "nom": "Ville de Montclair",
        "couleur_principale": "#0b5d6b",
        "couleur_secondaire": "#a8321c",
        "telephone_aide": "05 55 12 34 56",
        "expediteur_sms": "MONTCLAIR",
    }
    valeurs.update(kwargs)
    return Habillage(site=site, **valeurs)


def test_wcag_contrast_ratio():
    assert contraste("#ffffff", "#000000") == pytest.approx(21)
    assert contraste("#1d4f91", "#ffffff") == pytest.approx(8.14, abs=0.01)
    assert contraste("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_low_contrast_colour_is_refused_in_french(site_public):
    habillage = reglages(Site.objects.get(), couleur_principale="#3A7BD5")
    with pytest.raises(ValidationError) as erreur:
        habillage.full_clean()
    messages = erreur.value.message_dict["couleur_principale"]
    assert any("4,22:1" in m and "Il faut au moins 4,5:1" in m for m in messages)
    assert any("texte blanc des boutons" in m for m in messages)
    assert any("pied de page" in m for m in messages)  # 3,90:1 on the grey footer


def test_colour_format_and_sms_sender_are_checked(site_public):
    habillage = reglages(
        Site.objects.get(), couleur_secondaire="rouge", expediteur_sms="Mont Clair!"
    )
    with pytest.raises(ValidationError) as erreur:
        habillage.full_clean()
    assert "#1d4f91" in erreur.value.message_dict["couleur_secondaire"][0]
    assert "11 caractères au plus" in erreur.value.message_dict["expediteur_sms"][0]
    habillage = reglages(Site.objects.get(), expediteur_sms="12345")
    with pytest.raises(ValidationError):
        habillage.full_clean()


def test_good_settings_pass(site_public):
    habillage = reglages(Site.objects.get(), couleur_principale="#0B5D6B")
    habillage.full_clean()
    assert habillage.couleur_principale == "#0b5d6b"


def test_no_settings_keeps_the_socle_defaults(site_public, settings):
    assert get_habillage(None) is None
    assert registry.habillage().nom == settings.PLATFORM_NAME


def test_provider_builds_the_habillage_with_footer_links(site_public):
    site = Site.objects.get()
    accessibilite = PageFALC.objects.get(slug="accessibilite")
    comment = PageFALC.objects.get(slug="comment-ca-marche")
    habillage = reglages(
        site,
        page_accessibilite=accessibilite,
        etat_conformite="partiel",
        liens_pied_de_page=[
            {"type": "lien", "value": {"libelle": "Aide", "page": comment.pk, "url": ""}},
            {"type": "lien", "value": {"libelle": "Loi", "page": None, "url": "https://a.fr/"}},
        ],
    )
    habillage.save()
    resultat = registry.habillage()
    assert resultat.nom == "Ville de Montclair"
    assert resultat.telephone_aide == "05 55 12 34 56"
    assert resultat.expediteur_sms == "MONTCLAIR"
    assert resultat.liens_pied_de_page == (
        ("Accessibilité : partiellement conforme", "/accessibilite/"),
        ("Aide", "/comment-ca-marche/"),
        ("Loi", "https://a.fr/"),
    )
    assert resultat.version.startswith(f"{site.pk}-")


def test_provider_is_cached_and_invalidated_on_save(
    site_public, rf, django_capture_on_commit_callbacks
):
    habillage = reglages(Site.objects.get())
    with django_capture_on_commit_callbacks(execute=True):  # the cache moves on commit
        habillage.save()
    request = rf.get("/", HTTP_HOST="localhost")
    assert get_habillage(request).nom == "Ville de Montclair"
    with CaptureQueriesContext(connection) as requetes:
        assert get_habillage(rf.get("/pro/", HTTP_HOST="localhost")).nom == "Ville de Montclair"
    assert len(requetes) == 0
    habillage.nom = "Ville de Bellerive"
    with django_capture_on_commit_callbacks(execute=True):
        habillage.save()
    assert get_habillage(request).nom == "Ville de Bellerive"


def test_logo_is_a_rendition(site_public):
    logo = Image.objects.create(title="Logo", file=get_test_image_file(size=(800, 400)))
    reglages(Site.objects.get(), logo=logo).save()
    url = registry.habillage().logo_url
    assert "height-128" in url


def test_espace_pro_and_public_pages_use_the_habillage(client, site_public):
    reglages(
        Site.objects.get(), page_accessibilite=PageFALC.objects.get(slug="accessibilite")
    ).save()
    html = client.get(reverse("pro:connexion")).content.decode()
    assert "Ville de Montclair" in html
    client.force_login(member(Role.PRESCRIPTEUR))
    assert "Ville de Montclair" in client.get(reverse("pro:accueil")).content.decode()
    public = client.get("/").content.decode()
    assert "Ville de Montclair" in public
    assert 'href="tel:0555123456"' in public
    assert '<a href="/accessibilite/">Accessibilité : non conforme</a>' in public
    assert "/habillage.css?v=" in public


def test_habillage_css_carries_the_brand_colours(client, site_public):
    reglages(Site.objects.get()).save()
    response = client.get(reverse("habillage_css"))
    css = response.content.decode()
    assert "--color-brand: #0b5d6b;" in css
    assert "--color-accent: #a8321c;" in css
    version = registry.habillage().version
    cached = client.get(reverse("habillage_css") + f"?v={version}")
    assert "immutable" in cached["Cache-Control"]


def test_coordinator_edits_the_settings_in_wagtail_and_gets_french_errors(client, site_public):
    from django.contrib.auth import get_user_model
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    client.force_login(
        get_user_model().objects.create_superuser(
            email="coord@example.org", password="mot-de-passe-test-123"
        )
    )
    site = Site.objects.get()
    url = f"/admin/settings/cms/habillage/{site.pk}/"
    html = client.get(url).content.decode()
    assert "Couleur principale" in html and "Liens du pied de page" in html
    donnees = nested_form_data(
        {
            "nom": "Ville de Montclair",
            "couleur_principale": "#3a7bd5",
            "couleur_secondaire": "",
            "telephone_aide": "05 55 12 34 56",
            "expediteur_sms": "MONTCLAIR",
            "etat_conformite": "partiel",
            "liens_pied_de_page": streamfield([]),
        }
    )
    response = client.post(url, donnees)
    assert response.status_code == 200
    assert "Contraste trop faible" in response.content.decode()
    assert Habillage.objects.get().couleur_principale == ""  # the GET made an empty row
    donnees["couleur_principale"] = "#0b5d6b"
    response = client.post(url, donnees)
    assert response.status_code == 302
    assert registry.habillage().couleur_principale == "#0b5d6b"


def test_a_new_look_clears_the_cached_public_pages(
    client, site_public, django_capture_on_commit_callbacks
):
    reglage = reglages(Site.objects.get())
    with django_capture_on_commit_callbacks(execute=True):  # the cache moves on commit
        reglage.save()
    assert "Ville de Montclair" in client.get("/").content.decode()
    assert client.get("/")["X-Cache-Page"] == "hit"
    reglage.nom = "Ville de Bellerive"
    with django_capture_on_commit_callbacks(execute=True):
        reglage.save()
    response = client.get("/")
    assert response["X-Cache-Page"] == "miss"
    assert "Ville de Bellerive" in response.content.decode()
