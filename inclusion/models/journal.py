from django.conf import settings
from django.db import connection, models, transaction

PURGE_BATCH = 10_000


class JournalImmuableError(Exception):
    """Raised on any attempt to change or remove a journal line."""


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalImmuableError("Le journal ne se modifie pas.")

    def delete(self):
        raise JournalImmuableError("Le journal ne s'efface pas.")

    def _raw_delete(self, using):
        raise JournalImmuableError("Le journal ne s'efface pas.")

    def purge_before(self, instant):
        """The retention purge (inclusion.conservation, "journal"): the only way lines leave.
        Lines older than `instant` go in batches, each its own transaction; on PostgreSQL the
        append-only trigger lets a DELETE through only inside such a transaction (SET LOCAL
        inclusion.purge_journal). Returns how many lines went."""
        table = self.model._meta.db_table
        total = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                postgresql = connection.vendor == "postgresql"
                if postgresql:
                    cursor.execute("SELECT set_config('inclusion.purge_journal', 'on', true)")
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN "  # noqa: S608 (the model's table)
                    f"(SELECT id FROM {table} WHERE quand < %s ORDER BY id LIMIT %s)",
                    [instant, PURGE_BATCH],
                )
                done = cursor.rowcount
                # Inside a larger transaction the permission must not outlive the purge (a
                # failed DELETE rolls the savepoint back, the setting with it).
                if postgresql:
                    cursor.execute("SELECT set_config('inclusion.purge_journal', 'off', true)")
            total += done
            if done < PURGE_BATCH:
                return total


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
