"""Editor panel of the FALC check: the analysis of the page as last saved (never blocking)."""

from wagtail.admin.panels import Panel


class AnalyseFALCPanel(Panel):
    """Read-only panel: FALC warnings and the Kandel–Moles score of the saved revision."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", "Vérification FALC")
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "analyse_falc"

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/includes/analyse_falc_panel.html"

        def get_context_data(self, parent_context=None):
            from cms.falc import analyse_page

            context = super().get_context_data(parent_context)
            page = self.instance
            context["analyse"] = analyse_page(page) if page is not None else None
            context["jamais_enregistree"] = page is None or page.pk is None
            return context
