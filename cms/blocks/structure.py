"""Structure blocks: a heading whose level the editor chooses, numbered steps."""

from wagtail import blocks

NIVEAUX = [
    ("h2", "Titre de niveau 2 (partie)"),
    ("h3", "Titre de niveau 3 (sous-partie)"),
    ("h4", "Titre de niveau 4"),
]


class TitreBlock(blocks.StructBlock):
    texte = blocks.CharBlock(
        label="Titre", max_length=120, help_text="Un titre court qui dit de quoi parle la partie."
    )
    niveau = blocks.ChoiceBlock(
        choices=NIVEAUX,
        default="h2",
        label="Niveau",
        help_text="Le titre de la page est le niveau 1. Une partie est de niveau 2.",
    )

    class Meta:
        label = "Titre"
        icon = "title"
        template = "cms/blocks/titre.html"
        preview_template = "cms/blocks/apercu.html"
        help_text = "Un titre de partie. Choisissez son niveau."
        description = "Un titre de partie, avec son niveau (2, 3 ou 4)."
        preview_value = {"texte": "Comment venir à l'atelier ?", "niveau": "h2"}


class EtapesBlock(blocks.StructBlock):
    etapes = blocks.ListBlock(
        blocks.TextBlock(label="Étape", help_text="Une action. Une phrase courte."),
        min_num=2,
        label="Étapes",
        help_text="Les étapes dans l'ordre. Elles sont numérotées 1, 2, 3…",
    )

    class Meta:
        label = "Étapes numérotées"
        icon = "list-ol"
        template = "cms/blocks/etapes.html"
        preview_template = "cms/blocks/apercu.html"
        help_text = "Des étapes à suivre dans l'ordre."
        description = "Des étapes à suivre dans l'ordre, numérotées."
        preview_value = {
            "etapes": [
                "Vous appelez le numéro d'aide.",
                "Vous donnez votre nom.",
                "Vous choisissez un jour.",
            ]
        }
