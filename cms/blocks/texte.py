"""Text blocks: one idea with its pictogram, an "important" box, a word explained."""

from wagtail import blocks

from cms.blocks.pictos import CHOIX

# Restricted rich text: bold, links and lists. No italics (FALC), no headings (the "titre"
# block chooses its level), no raw HTML.
FEATURES_FALC = ["bold", "link", "ol", "ul"]


class IdeeBlock(blocks.StructBlock):
    pictogramme = blocks.ChoiceBlock(
        choices=CHOIX,
        default="information-circle",
        label="Pictogramme",
        help_text="Une image simple qui aide à comprendre l'idée.",
    )
    texte = blocks.RichTextBlock(
        features=FEATURES_FALC,
        label="Texte",
        help_text="Une seule idée. Des phrases courtes : 12 mots au plus. Une phrase par ligne.",
    )

    class Meta:
        label = "Une idée"
        icon = "pick"
        template = "cms/blocks/idee.html"
        preview_template = "cms/blocks/apercu.html"
        help_text = "Une idée avec son pictogramme."
        description = "Une idée, avec un pictogramme à côté du texte."
        preview_value = {
            "pictogramme": "calendar-days",
            "texte": "<p>L'atelier dure 2 heures.</p><p>Vous venez avec votre téléphone.</p>",
        }


class ImportantBlock(blocks.StructBlock):
    pictogramme = blocks.ChoiceBlock(
        choices=CHOIX,
        default="exclamation-triangle",
        label="Pictogramme",
        help_text="Par exemple : Attention.",
    )
    titre = blocks.CharBlock(
        label="Titre de l'encadré",
        default="Important",
        max_length=60,
        help_text="Un ou deux mots. Par exemple : Important, Attention.",
    )
    texte = blocks.RichTextBlock(
        features=FEATURES_FALC,
        label="Texte",
        help_text="Ce que la personne ne doit pas oublier. Des phrases courtes.",
    )

    class Meta:
        label = "Important"
        icon = "warning"
        template = "cms/blocks/important.html"
        preview_template = "cms/blocks/apercu.html"
        help_text = "Un encadré pour ce qu'il ne faut pas oublier."
        description = "Un encadré bien visible pour une information à ne pas oublier."
        preview_value = {
            "pictogramme": "exclamation-triangle",
            "titre": "Important",
            "texte": "<p>Apportez votre pass numérique.</p>",
        }


class MotExpliqueBlock(blocks.StructBlock):
    mot = blocks.CharBlock(
        label="Mot difficile", max_length=80, help_text="Le mot tel qu'il est écrit dans la page."
    )
    explication = blocks.TextBlock(
        label="Explication",
        help_text="Expliquez le mot avec des mots simples. 1 ou 2 phrases courtes.",
    )

    class Meta:
        label = "Un mot expliqué"
        icon = "help"
        template = "cms/blocks/mot_explique.html"
        preview_template = "cms/blocks/apercu.html"
        help_text = "Un mot difficile et son explication avec des mots simples."
        description = "Un mot difficile, expliqué avec des mots simples."
        preview_value = {
            "mot": "Médiateur numérique",
            "explication": "Une personne qui vous aide à utiliser un ordinateur ou un téléphone.",
        }
