"""FALC blocks, by family in this package, assembled in one place: falc_blocks().

No raw-HTML block; rich text is restricted to bold, links and lists; headings are a block
whose level the editor chooses (the page title is the only <h1>)."""

from cms.blocks.medias import ImageBlock, MediaBlock
from cms.blocks.structure import EtapesBlock, TitreBlock
from cms.blocks.texte import IdeeBlock, ImportantBlock, MotExpliqueBlock


def falc_blocks():
    return [
        ("titre", TitreBlock()),
        ("idee", IdeeBlock()),
        ("etapes", EtapesBlock()),
        ("important", ImportantBlock()),
        ("mot_explique", MotExpliqueBlock()),
        ("image", ImageBlock()),
        ("media", MediaBlock()),
    ]
