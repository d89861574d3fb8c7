"""Migration operations that can run on a live database.

AddIndexEnLigne adds an index like migrations.AddIndex, but on PostgreSQL with
CREATE INDEX CONCURRENTLY: writes to the table go on while the index is built (a plain
CREATE INDEX locks them out for the whole build, minutes on the big tables). Elsewhere
(SQLite) it is a plain AddIndex. The migration that uses it must say `atomic = False`
(PostgreSQL refuses a concurrent build inside a transaction).

A concurrent build that fails (a deadlock, a cancelled deploy) leaves an INVALID index
behind; running the migration again drops it first, then builds it again.
"""

from django.db import NotSupportedError
from django.db.migrations.operations import AddIndex


class AddIndexEnLigne(AddIndex):
    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (concurrently on PostgreSQL)"

    def _concurrently(self, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return False
        if schema_editor.connection.in_atomic_block:
            raise NotSupportedError(
                "CREATE INDEX CONCURRENTLY ne s'exécute pas dans une transaction : "
                "mettez atomic = False sur la migration."
            )
        return True

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if not self._concurrently(schema_editor):
            schema_editor.add_index(model, self.index)
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s",
                [self.index.name],
            )
            row = cursor.fetchone()
        if row and row[0]:
            schema_editor.execute(
                f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(self.index.name)}"
            )
        schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if self._concurrently(schema_editor):
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)
