"""Page types of the public FALC site. Parents and children are restricted so the tree keeps
its shape: one home, the journeys' index pages and FALC content pages below it."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.blocks import falc_blocks
from cms.journeys import ateliers, lieux, mon_pass
from cms.models.panneaux import AnalyseFALCPanel, AvecVerificationFALC

INTRO_FEATURES = ["bold", "link", "ol", "ul"]


class AccueilPage(AvecVerificationFALC, Page):
    intro = RichTextField(
        "Introduction",
        features=INTRO_FEATURES,
        blank=True,
        help_text="2 ou 3 phrases courtes : à quoi sert ce site.",
    )
    page_comment_ca_marche = models.ForeignKey(
        "cms.PageFALC",
        verbose_name="Page « Comment ça marche ? »",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="La page ouverte par le bouton « Comment ça marche ? ».",
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.PageFALC",
        "cms.AteliersIndexPage",
        "cms.LieuxIndexPage",
        "cms.MonPassPage",
    ]
    max_count = 1
    template = "cms/pages/accueil.html"

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        PageChooserPanel("page_comment_ca_marche", "cms.PageFALC"),
        AnalyseFALCPanel(),
    ]

    class Meta:
        verbose_name = "Page d'accueil"
        verbose_name_plural = "Pages d'accueil"

    def boutons(self, request=None):
        """The big buttons of the home: the journeys' live pages below the home (one query),
        "Comment ça marche ?" and the help phone."""
        from django.contrib.contenttypes.models import ContentType

        types = ContentType.objects.get_for_models(AteliersIndexPage, LieuxIndexPage, MonPassPage)
        enfants = {
            p.content_type_id: p
            for p in self.get_children()
            .live()
            .public()
            .filter(content_type__in=types.values())
            .order_by("path")
            .reverse()  # the first one of each type wins
        }
        boutons = []
        for model, libelle, picto in (
            (AteliersIndexPage, "Trouver un atelier", "calendar-days"),
            (LieuxIndexPage, "Trouver de l'aide près de chez moi", "map-pin"),
            (MonPassPage, "Mon pass numérique", "ticket"),
        ):
            page = enfants.get(types[model].pk)
            if page is not None:
                boutons.append((libelle, page.get_url(request=request), picto))
        comment = self.page_comment_ca_marche
        if comment is not None and comment.live:
            boutons.append(
                ("Comment ça marche ?", comment.get_url(request=request), "question-mark-circle")
            )
        return boutons

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["boutons"] = self.boutons(request)
        return context


class PageFALC(AvecVerificationFALC, Page):
    corps = StreamField(
        falc_blocks(),
        blank=True,
        verbose_name="Contenu",
        help_text="Une idée par bloc, avec son pictogramme. Des phrases de 12 mots au plus.",
    )
    relu_par = models.CharField(
        "Relu par",
        max_length=200,
        blank=True,
        help_text="Les personnes en situation de handicap intellectuel qui ont relu le texte. "
        "Le logo « Facile à lire et à comprendre » s'affiche seulement si ce champ est rempli.",
    )

    parent_page_types = ["cms.AccueilPage", "cms.PageFALC"]
    subpage_types = ["cms.PageFALC"]
    template = "cms/pages/page_falc.html"

    content_panels = Page.content_panels + [
        FieldPanel("corps"),
        MultiFieldPanel([FieldPanel("relu_par"), AnalyseFALCPanel()], heading="Relecture FALC"),
    ]

    class Meta:
        verbose_name = "Page FALC"
        verbose_name_plural = "Pages FALC"


class ParcoursPage(Page):
    """Base of the journeys' pages: an introduction; the routes come from cms/journeys/."""

    intro = RichTextField("Introduction", features=INTRO_FEATURES, blank=True)

    parent_page_types = ["cms.AccueilPage"]
    subpage_types = []
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        abstract = True


class AteliersIndexPage(ateliers.Routes, ParcoursPage):
    class Meta:
        verbose_name = "Liste des ateliers"


class LieuxIndexPage(lieux.Routes, ParcoursPage):
    class Meta:
        verbose_name = "Liste des lieux"


class MonPassPage(mon_pass.Routes, ParcoursPage):
    class Meta:
        verbose_name = "Mon pass numérique"
