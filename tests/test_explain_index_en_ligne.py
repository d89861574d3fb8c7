"""inclusion.migration_operations.AddIndexEnLigne: CREATE INDEX CONCURRENTLY on PostgreSQL
(outside a transaction only), a plain index elsewhere; backwards removes it."""

import pytest
from django.apps import apps
from django.db import NotSupportedError, connection, models, transaction
from django.db.migrations.state import ProjectState
from django.test.utils import CaptureQueriesContext

from inclusion.migration_operations import AddIndexEnLigne

NAME = "test_sms_tel_en_ligne"


def _operation():
    return AddIndexEnLigne(
        model_name="smsmessage", index=models.Index(fields=["telephone"], name=NAME)
    )


def _states(operation):
    before = ProjectState.from_apps(apps)
    after = before.clone()
    operation.state_forwards("inclusion", after)
    return before, after


def _indexes():
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, "inclusion_smsmessage")


@pytest.mark.django_db(transaction=True)
def test_builds_the_index_then_removes_it():
    operation = _operation()
    before, after = _states(operation)
    with CaptureQueriesContext(connection) as ctx:
        with connection.schema_editor(atomic=False) as editor:
            operation.database_forwards("inclusion", editor, before, after)
    try:
        assert _indexes()[NAME]["columns"] == ["telephone"]
        created = [q["sql"] for q in ctx.captured_queries if "CREATE INDEX" in q["sql"]]
        assert len(created) == 1
        concurrently = "CONCURRENTLY" in created[0]
        assert concurrently == (connection.vendor == "postgresql")
    finally:
        with connection.schema_editor(atomic=False) as editor:
            operation.database_backwards("inclusion", editor, after, before)
    assert NAME not in _indexes()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_refuses_a_transaction_on_postgresql():
    operation = _operation()
    before, after = _states(operation)
    with pytest.raises(NotSupportedError, match="atomic = False"):
        with transaction.atomic(), connection.schema_editor(atomic=False) as editor:
            operation.database_forwards("inclusion", editor, before, after)
    assert NAME not in _indexes()


def test_the_index_migrations_run_outside_a_transaction():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = []
    for (app, name), migration in loader.disk_migrations.items():
        if any(isinstance(op, AddIndexEnLigne) for op in migration.operations):
            found.append((app, name))
            assert migration.atomic is False, (app, name)
    assert {app for app, _ in found} >= {"inclusion", "pass_numerique", "mediation"}
