"""Media blocks: an image with its alternative text (or marked decorative), an audio or video
file with its transcript."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from cms.blocks.texte import FEATURES_FALC


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="Image")
    alternative = blocks.CharBlock(
        label="Texte de remplacement",
        required=False,
        max_length=250,
        help_text="Ce que montre l'image, pour les personnes qui ne la voient pas. "
        "Obligatoire si l'image n'est pas décorative.",
    )
    decorative = blocks.BooleanBlock(
        label="Image décorative",
        required=False,
        help_text="Cochez si l'image n'apporte aucune information.",
    )
    legende = blocks.CharBlock(
        label="Légende",
        required=False,
        max_length=200,
        help_text="Texte sous l'image (facultatif).",
    )

    def clean(self, value):
        value = super().clean(value)
        if not value.get("decorative") and not (value.get("alternative") or "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={
                    "alternative": ValidationError(
                        "Écrivez ce que montre l'image, ou cochez « Image décorative »."
                    )
                }
            )
        return value

    def get_preview_value(self):
        from wagtail.images import get_image_model

        image = get_image_model().objects.order_by("pk").first()
        return self.to_python(
            {
                "image": image.pk if image else None,
                "alternative": "Une médiatrice aide une dame à utiliser une tablette.",
                "decorative": False,
                "legende": "",
            }
        )

    class Meta:
        label = "Image"
        icon = "image"
        template = "cms/blocks/image.html"
        preview_template = "cms/blocks/apercu.html"
        help_text = "Une image, avec un texte de remplacement ou marquée décorative."
        description = "Une image, avec ce qu'elle montre écrit pour les personnes aveugles."


class MediaBlock(blocks.StructBlock):
    type = blocks.ChoiceBlock(
        choices=[("audio", "Son"), ("video", "Vidéo")],
        default="audio",
        label="Type",
        help_text="Un fichier son (mp3) ou vidéo (mp4).",
    )
    fichier = DocumentChooserBlock(label="Fichier")
    titre = blocks.CharBlock(
        label="Titre", max_length=120, help_text="De quoi parle le son ou la vidéo."
    )
    transcription = blocks.RichTextBlock(
        features=FEATURES_FALC,
        label="Transcription",
        help_text="Tout ce qui est dit et montré, écrit. Obligatoire.",
    )

    def get_preview_value(self):
        return self.to_python(
            {
                "type": "audio",
                "fichier": None,
                "titre": "Le pass numérique expliqué",
                "transcription": "<p>Le pass numérique est gratuit.</p>",
            }
        )

    class Meta:
        label = "Son ou vidéo"
        icon = "media"
        template = "cms/blocks/media.html"
        preview_template = "cms/blocks/apercu.html"
        help_text = "Un son ou une vidéo, avec sa transcription écrite."
        description = "Un son ou une vidéo, avec tout ce qui est dit écrit dessous."
