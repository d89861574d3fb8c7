"""Page types of the public FALC site. Parents and children are restricted so the tree keeps
its shape: one home, the journeys' index pages and FALC content pages below it."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.blocks import falc_blocks
from cms.journeys import ateliers, lieux, mon_pass

INTRO_FEATURES = ["bold", "link", "ol", "ul"]


class AccueilPage(Page):
    intro = RichTextField("Introduction", features=INTRO_FEATURES, blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.PageFALC",
        "cms.AteliersIndexPage",
        "cms.LieuxIndexPage",
        "cms.MonPassPage",
    ]
    max_count = 1
    template = "cms/pages/accueil.html"

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = "Page d'accueil"
        verbose_name_plural = "Pages d'accueil"


class PageFALC(Page):
    corps = StreamField(falc_blocks(), blank=True, verbose_name="Contenu")

    parent_page_types = ["cms.AccueilPage", "cms.PageFALC"]
    subpage_types = ["cms.PageFALC"]
    template = "cms/pages/page_falc.html"

    content_panels = Page.content_panels + [FieldPanel("corps")]

    class Meta:
        verbose_name = "Page FALC"
        verbose_name_plural = "Pages FALC"


class AteliersIndexPage(ateliers.Routes, Page):
    intro = RichTextField("Introduction", features=INTRO_FEATURES, blank=True)

    parent_page_types = ["cms.AccueilPage"]
    subpage_types = []
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = "Liste des ateliers"


class LieuxIndexPage(lieux.Routes, Page):
    intro = RichTextField("Introduction", features=INTRO_FEATURES, blank=True)

    parent_page_types = ["cms.AccueilPage"]
    subpage_types = []
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = "Liste des lieux"


class MonPassPage(mon_pass.Routes, Page):
    intro = RichTextField("Introduction", features=INTRO_FEATURES, blank=True)

    parent_page_types = ["cms.AccueilPage"]
    subpage_types = []
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = "Mon pass numérique"
