from cms.models.habillage import Habillage  # noqa: F401
from cms.models.pages import (  # noqa: F401
    AccueilPage,
    AteliersIndexPage,
    LieuxIndexPage,
    MonPassPage,
    PageFALC,
)
