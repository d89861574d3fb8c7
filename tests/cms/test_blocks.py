import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StructBlockValidationError
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.blocks import falc_blocks
from cms.blocks.medias import ImageBlock

pytestmark = pytest.mark.django_db

BLOCS = dict(falc_blocks())


def test_blocks_have_label_french_help_template_and_no_raw_html():
    assert set(BLOCS) == {"titre", "idee", "etapes", "important", "mot_explique", "image", "media"}
    for nom, bloc in BLOCS.items():
        assert bloc.meta.label, nom
        assert bloc.meta.help_text, nom
        assert bloc.meta.template.startswith("cms/blocks/"), nom
        assert bloc.meta.description, nom
    assert "html" not in BLOCS and "raw_html" not in BLOCS


def test_rich_text_is_restricted_without_italics():
    for nom in ("idee", "important"):
        features = BLOCS[nom].child_blocks["texte"].features
        assert set(features) == {"bold", "link", "ol", "ul"}
        assert "italic" not in features


@pytest.fixture
def image():
    return Image.objects.create(title="Atelier", file=get_test_image_file(size=(1600, 900)))


@pytest.mark.parametrize("nom", sorted(BLOCS))
def test_every_block_renders_its_preview_value(nom, image):
    bloc = BLOCS[nom]
    html = bloc.render(bloc.get_preview_value())
    assert html.strip()
    assert "style=" not in html and "<script" not in html


def test_heading_level_is_the_editors_choice():
    bloc = BLOCS["titre"]
    for niveau in ("h2", "h3", "h4"):
        html = bloc.render(bloc.to_python({"texte": "Venir", "niveau": niveau}))
        assert f'<{niveau} class="falc-titre">Venir</{niveau}>' in html


def test_steps_are_an_ordered_list():
    bloc = BLOCS["etapes"]
    html = bloc.render(bloc.to_python({"etapes": ["Un.", "Deux."]}))
    assert html.count("<li>") == 2 and "<ol" in html


def test_idea_pictogram_is_decorative_svg_next_to_text():
    bloc = BLOCS["idee"]
    html = bloc.render(bloc.get_preview_value())
    assert "<svg" in html and 'aria-hidden="true"' in html
    assert "L'atelier dure 2 heures." in html


def test_word_explained_is_a_definition_list():
    bloc = BLOCS["mot_explique"]
    html = bloc.render(bloc.get_preview_value())
    assert "<dl" in html and "<dt>Médiateur numérique</dt>" in html


def test_important_box_is_a_labelled_aside():
    bloc = BLOCS["important"]
    html = bloc.render(bloc.get_preview_value())
    assert '<aside class="falc-important" aria-label="Important">' in html


def test_image_needs_alt_text_unless_decorative(image):
    bloc = ImageBlock()
    with pytest.raises(StructBlockValidationError) as erreur:
        bloc.clean(bloc.to_python({"image": image.pk, "alternative": "", "decorative": False}))
    message = erreur.value.block_errors["alternative"]
    assert isinstance(message, ValidationError)
    assert "Image décorative" in message.messages[0]
    bloc.clean(bloc.to_python({"image": image.pk, "alternative": "", "decorative": True}))
    bloc.clean(bloc.to_python({"image": image.pk, "alternative": "Une tablette."}))


def test_image_rendition_is_resized_lazy_with_dimensions(image):
    bloc = ImageBlock()
    html = bloc.render(bloc.to_python({"image": image.pk, "alternative": "Une tablette."}))
    assert 'alt="Une tablette."' in html and 'loading="lazy"' in html
    assert 'width="800"' in html and 'height="450"' in html
    decorative = bloc.render(bloc.to_python({"image": image.pk, "decorative": True}))
    assert 'alt=""' in decorative


def test_media_block_has_player_and_transcript():
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    document = Document.objects.create(title="Son", file=ContentFile(b"ID3", name="son.mp3"))
    bloc = BLOCS["media"]
    valeur = bloc.to_python(
        {
            "type": "audio",
            "fichier": document.pk,
            "titre": "Le pass",
            "transcription": "<p>Le pass est gratuit.</p>",
        }
    )
    html = bloc.render(valeur)
    assert "<audio controls" in html and "<details" in html and "Le pass est gratuit." in html
    valeur["type"] = "video"
    assert "<video controls" in bloc.render(valeur)
    with pytest.raises(ValidationError):
        bloc.clean(bloc.to_python({"type": "audio", "fichier": document.pk, "titre": "x"}))


def test_block_previews_in_the_admin_use_the_public_styles(client, image):
    from django.contrib.auth import get_user_model

    client.force_login(
        get_user_model().objects.create_superuser(email="e@example.org", password="x" * 14)
    )
    for nom in ("idee", "etapes", "important", "image"):
        bloc = BLOCS[nom]
        assert bloc.meta.preview_template == "cms/blocks/apercu.html"
        response = client.get("/admin/block-preview/", {"id": bloc.definition_prefix})
        assert response.status_code == 200, nom
        html = response.content.decode()
        assert "inclusion/css/inclusion.css" in html and "falc-" in html, nom
