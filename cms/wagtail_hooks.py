"""Wagtail admin hooks of the public site: the FALC check after each save (a warning message,
never a refusal)."""

from django.contrib import messages
from wagtail import hooks

from cms.falc import analyse_page
from cms.models import AccueilPage, PageFALC


def _warn_falc(request, page):
    page = page.specific
    if not isinstance(page, PageFALC | AccueilPage):
        return
    resultat = analyse_page(page)
    if resultat.alertes:
        messages.warning(
            request,
            f"Vérification FALC de « {page.title} » : {resultat.resume}. "
            "Le détail est dans le panneau « Vérification FALC ».",
        )


@hooks.register("after_create_page")
def falc_apres_creation(request, page):
    _warn_falc(request, page)


@hooks.register("after_edit_page")
def falc_apres_modification(request, page):
    _warn_falc(request, page)
