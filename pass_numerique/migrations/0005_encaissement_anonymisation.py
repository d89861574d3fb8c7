"""On PostgreSQL, a redemption row stays append-only, except for one change: the anonymisation
of a person's file (issue 18) blanks the reference typed by the médiateur, inside a
transaction that said SET LOCAL pass_numerique.anonymisation = 'on'
(pass_numerique.hooks_conservation.anonymise_references). Nothing else may change, and a row
is never deleted."""

from django.db import migrations

ALLOW = """
CREATE OR REPLACE FUNCTION pass_numerique_encaissement_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND coalesce(current_setting('pass_numerique.anonymisation', true), '') = 'on'
       AND NEW.reference = ''
       AND (to_jsonb(NEW) - 'reference') = (to_jsonb(OLD) - 'reference') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Un encaissement ne se modifie pas et ne s''efface pas (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

STRICT = """
CREATE OR REPLACE FUNCTION pass_numerique_encaissement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Un encaissement ne se modifie pas et ne s''efface pas (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def allow_anonymisation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW, params=None)


def forbid_anonymisation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STRICT, params=None)


class Migration(migrations.Migration):
    dependencies = [("pass_numerique", "0004_encaissement_sans_cheque_papier")]

    operations = [
        migrations.RunPython(allow_anonymisation, forbid_anonymisation, elidable=False)
    ]
