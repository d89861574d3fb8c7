"""On PostgreSQL, a redemption row can never be changed or removed, like the journal."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pass_numerique_encaissement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Un encaissement ne se modifie pas et ne s''efface pas (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER pass_numerique_encaissement_no_update_delete
    BEFORE UPDATE OR DELETE ON pass_numerique_encaissement
    FOR EACH ROW EXECUTE FUNCTION pass_numerique_encaissement_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS pass_numerique_encaissement_no_update_delete
    ON pass_numerique_encaissement;
DROP FUNCTION IF EXISTS pass_numerique_encaissement_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("pass_numerique", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
