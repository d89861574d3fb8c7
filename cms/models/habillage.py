"""White-label settings of a site (Wagtail site settings), used by every surface through the
socle's habillage registry."""

from django.db import models
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="image")
class Habillage(BaseSiteSetting):
    nom = models.CharField("Nom de la collectivité", max_length=120, blank=True)

    class Meta:
        verbose_name = "Habillage"
