from django.conf import settings
from django.db import models


class JournalImmuableError(Exception):
    """Raised on any attempt to change or remove a journal line."""


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalImmuableError("Le journal ne se modifie pas.")

    def delete(self):
        raise JournalImmuableError("Le journal ne s'efface pas.")

    def _raw_delete(self, using):
        raise JournalImmuableError("Le journal ne s'efface pas.")


class Journal(models.Model):
    """Append-only record of who did what to which object. Never the personal data itself."""

    wagtail_reference_index_ignore = True

    # Plain ids without foreign-key constraints: deleting a user or an object must never
    # need to touch a journal line.
    quand = models.DateTimeField("quand", auto_now_add=True, db_index=True)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name="qui",
    )
    action = models.CharField("action", max_length=60, db_index=True)
    objet_type = models.CharField("type d'objet", max_length=60, blank=True)
    objet_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    structure = models.ForeignKey(
        "inclusion.Structure",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name="structure",
    )
    details = models.JSONField("détails", default=dict, blank=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["-quand", "-pk"]
        verbose_name = "ligne du journal"
        verbose_name_plural = "journal"
        indexes = [models.Index(fields=["objet_type", "objet_id"], name="journal_objet_idx")]

    def __str__(self):
        return f"{self.quand:%d/%m/%Y %H:%M} {self.action} {self.objet_type}#{self.objet_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise JournalImmuableError("Le journal ne se modifie pas.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmuableError("Le journal ne s'efface pas.")
