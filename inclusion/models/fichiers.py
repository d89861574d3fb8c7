"""Files built for a professional by the worker (long exports), kept a short time."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class StatutExport(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    PRET = "pret", "Prêt"
    ECHEC = "echec", "Échec"


class ExportFichier(models.Model):
    """One export asked for by one professional: its progress, then its file (downloadable by
    that professional only, until `expire_le`). `nature` names a builder registered by a
    higher layer (inclusion.registry.register_export)."""

    wagtail_reference_index_ignore = True

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports_fichiers"
    )
    nature = models.CharField("nature", max_length=60)
    format = models.CharField("format", max_length=10)
    parametres = models.JSONField("paramètres", default=dict, blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutExport.choices, default=StatutExport.EN_ATTENTE
    )
    lignes_faites = models.PositiveIntegerField("lignes écrites", default=0)
    lignes_total = models.PositiveIntegerField("lignes en tout", null=True, blank=True)
    fichier = models.FileField("fichier", upload_to="exports/", blank=True)
    nom_fichier = models.CharField("nom du fichier", max_length=200, blank=True)
    erreur_code = models.CharField("code d'erreur", max_length=60, blank=True)
    cree_le = models.DateTimeField("demandé le")
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)
    expire_le = models.DateTimeField("disponible jusqu'au", null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "export"
        verbose_name_plural = "exports"
        indexes = [
            models.Index(fields=["demandeur", "-cree_le"], name="export_demandeur_date"),
            models.Index(fields=["expire_le"], name="export_expiration"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(statut=StatutExport.PRET) | ~Q(fichier=""),
                name="export_pret_avec_fichier",
            ),
        ]

    def __str__(self):
        return f"Export {self.nature} du {self.cree_le:%d/%m/%Y %H:%M}"
