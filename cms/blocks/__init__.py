"""FALC blocks, by family in this package, assembled in one place: falc_blocks()."""

from wagtail import blocks


def falc_blocks():
    return [
        ("paragraphe", blocks.RichTextBlock(features=["bold", "link"], label="Paragraphe")),
    ]
