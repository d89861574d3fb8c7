"""On PostgreSQL, the database itself refuses any UPDATE or DELETE of a journal row.

TRUNCATE stays possible for the database owner: the test runner empties tables with it, and
a row-level trigger is what protects the history line by line.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inclusion_journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Le journal est en ajout seul : % refusé', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER inclusion_journal_no_update_delete
    BEFORE UPDATE OR DELETE ON inclusion_journal
    FOR EACH ROW EXECUTE FUNCTION inclusion_journal_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS inclusion_journal_no_update_delete ON inclusion_journal;
DROP FUNCTION IF EXISTS inclusion_journal_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("inclusion", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
