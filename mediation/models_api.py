"""Tokens of the funders' tools for the activity aggregates of the public API (/api/v1/).

Only a SHA-256 fingerprint of a token is stored (it is 256 random bits); its first characters
are kept in clear to recognise it in lists."""

from django.conf import settings
from django.db import models


class JetonApi(models.Model):
    wagtail_reference_index_ignore = True

    nom = models.CharField("outil ou financeur", max_length=150)
    prefixe = models.CharField("début du jeton", max_length=8, editable=False)
    empreinte = models.CharField(max_length=64, unique=True, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    cree_le = models.DateTimeField("créé le", editable=False)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True, editable=False)
    dernier_usage_le = models.DateTimeField(
        "dernier usage le", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self):
        return f"{self.nom} ({self.prefixe}…)"
