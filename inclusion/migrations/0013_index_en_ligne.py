"""Issue 19 (national scale): SMS counted by period on the dashboards. Built CONCURRENTLY on
PostgreSQL (inclusion.migration_operations), so it runs on a live database."""

from django.db import migrations, models

from inclusion.migration_operations import AddIndexEnLigne


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("inclusion", "0012_exploitation")]

    operations = [
        AddIndexEnLigne(
            model_name="smsmessage",
            index=models.Index(fields=["cree_le"], name="sms_cree_le"),
        ),
    ]
