"""Issue 19 (national scale): a place's activity records newest first, and the dashboards'
period filter on live records. Built CONCURRENTLY on PostgreSQL
(inclusion.migration_operations), so it runs on a live database."""

import django.db.models
from django.db import migrations, models

from inclusion.migration_operations import AddIndexEnLigne


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("mediation", "0006_liens_partage")]

    operations = [
        AddIndexEnLigne(
            model_name="activite",
            index=models.Index(fields=["lieu", "-date"], name="activite_lieu_date"),
        ),
        AddIndexEnLigne(
            model_name="activite",
            index=models.Index(
                condition=django.db.models.Q(("supprime_le__isnull", True)),
                fields=["date"],
                name="activite_date_vivante",
            ),
        ),
    ]
