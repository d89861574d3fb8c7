"""Issue 19 (national scale): a structure's carnets newest first, and the dashboards' period
filter. Built CONCURRENTLY on PostgreSQL (inclusion.migration_operations), so it runs on a
live database."""

from django.db import migrations, models

from inclusion.migration_operations import AddIndexEnLigne


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("pass_numerique", "0005_encaissement_anonymisation")]

    operations = [
        AddIndexEnLigne(
            model_name="carnet",
            index=models.Index(fields=["structure", "-emis_le"], name="carnet_structure_emis"),
        ),
        AddIndexEnLigne(
            model_name="carnet",
            index=models.Index(fields=["emis_le"], name="carnet_emis_le"),
        ),
    ]
