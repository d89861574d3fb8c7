"""The FALC check in the editor (never blocking): a panel with the analysis of the page as
last saved, and a preview mode that analyses the text being written."""

from django.template.response import TemplateResponse
from wagtail.admin.panels import Panel

MODE_FALC = "falc"


class AvecVerificationFALC:
    """Page mixin: "Vérification FALC" among the preview modes. Wagtail's preview builds the
    page from the edit form without saving it and refreshes as the editor types, so the
    analysis follows the text being written."""

    @property
    def preview_modes(self):
        return [*super().preview_modes, (MODE_FALC, "Vérification FALC")]

    def serve_preview(self, request, mode_name):
        if mode_name != MODE_FALC:
            return super().serve_preview(request, mode_name)
        from cms.falc import analyse_page

        response = TemplateResponse(
            request, "cms/admin/falc_apercu.html", {"page": self, "analyse": analyse_page(self)}
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


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
