"""Reads of read-only pages from a PostgreSQL replica (issue 19): filled by the scale-out work."""


class ReplicaRouter:
    """Without a "replica" database alias, every query goes to "default"."""

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return None
