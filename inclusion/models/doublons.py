"""Pairs of files a professional said are two different people (not proposed again)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class PaireDistincte(models.Model):
    """Stored with the smaller pk first, so a pair has one row whatever the order."""

    beneficiaire_a = models.ForeignKey(
        "inclusion.Beneficiaire", on_delete=models.CASCADE, related_name="+"
    )
    beneficiaire_b = models.ForeignKey(
        "inclusion.Beneficiaire", on_delete=models.CASCADE, related_name="+"
    )
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    le = models.DateTimeField("le")

    class Meta:
        verbose_name = "paire de dossiers distincts"
        verbose_name_plural = "paires de dossiers distincts"
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiaire_a", "beneficiaire_b"], name="paire_distincte_unique"
            ),
            models.CheckConstraint(
                condition=Q(beneficiaire_a__lt=F("beneficiaire_b")), name="paire_distincte_ordre"
            ),
        ]

    def __str__(self):
        return f"Dossiers {self.beneficiaire_a_id} et {self.beneficiaire_b_id} distincts"
