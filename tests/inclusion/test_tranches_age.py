"""The socle stores La Coop de la médiation numérique's keys for genre, tranche d'âge and
statut social (issue 15; shared/reference/CRA_ORIENTATION_OPENDATA.md, part 1)."""

import importlib

import pytest
from django.apps import apps
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

from inclusion.enums import Genre, Statut, TrancheAge
from inclusion.models import Beneficiaire
from tests.inclusion.factories import BeneficiaireFactory

migration = importlib.import_module("inclusion.migrations.0008_tranches_age_la_coop")

LA_COOP_TRANCHES_AGE = [
    "moins_de_douze",
    "douze_dix_huit",
    "dix_huit_vingt_quatre",
    "vingt_cinq_trente_neuf",
    "quarante_cinquante_neuf",
    "soixante_soixante_neuf",
    "soixante_dix_plus",
    "non_communique",
]
LA_COOP_GENRES = ["masculin", "feminin", "non_communique"]
LA_COOP_STATUTS = ["scolarise", "sans_emploi", "en_emploi", "retraite", "non_communique"]

ANCIENNES = ["moins_12", "12_18", "18_24", "25_39", "40_59", "60_69", "70_plus"]


def test_tranche_age_values_are_la_coop_keys_in_order():
    assert TrancheAge.values == LA_COOP_TRANCHES_AGE


def test_genre_and_statut_values_are_la_coop_keys_in_order():
    assert Genre.values == LA_COOP_GENRES
    assert Statut.values == LA_COOP_STATUTS


def test_the_field_holds_the_longest_key():
    champ = Beneficiaire._meta.get_field("tranche_age")
    assert champ.max_length >= max(len(v) for v in LA_COOP_TRANCHES_AGE)
    assert [c[0] for c in champ.choices] == LA_COOP_TRANCHES_AGE


def test_migration_maps_every_old_value_to_the_same_band():
    # Same band, same order: old and new lists line up one to one.
    assert list(migration.NOUVELLES_CLES) == ANCIENNES
    assert list(migration.NOUVELLES_CLES.values()) == LA_COOP_TRANCHES_AGE[:-1]
    assert migration.ANCIENNES_CLES == {v: k for k, v in migration.NOUVELLES_CLES.items()}


def _fields_once_with_old_values():
    """(app, model, field) whose migrations ever declared the old tranche d'âge keys."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = set()
    for (app_label, _name), mig in loader.disk_migrations.items():
        for op in mig.operations:
            if isinstance(op, migrations.CreateModel):
                fields = [(op.name, name, field) for name, field in op.fields]
            elif isinstance(op, migrations.AddField | migrations.AlterField):
                fields = [(op.model_name, op.name, op.field)]
            else:
                continue
            for model_name, name, field in fields:
                if {c[0] for c in field.choices or []} & set(ANCIENNES):
                    found.add((app_label, model_name.lower(), name))
    return found


def test_migration_covers_every_field_storing_a_tranche_age():
    stored = {
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.name == "tranche_age"
        or {c[0] for c in getattr(field, "choices", None) or []} >= set(LA_COOP_TRANCHES_AGE)
    }
    rewritten = {(app, model.lower(), field) for app, model, field in migration.CHAMPS}
    # Fields born after the change (e.g. mediation.Participant) never held old values.
    assert stored & _fields_once_with_old_values() == rewritten
    assert rewritten <= stored


@pytest.mark.django_db
def test_data_migration_rewrites_old_values_and_back():
    rows = [BeneficiaireFactory() for _ in ANCIENNES]
    for row, ancienne in zip(rows, ANCIENNES, strict=True):
        Beneficiaire.objects.filter(pk=row.pk).update(tranche_age=ancienne)
    inconnu = BeneficiaireFactory(tranche_age=TrancheAge.NON_COMMUNIQUE)

    migration.vers_la_coop(apps, None)

    for row, nouvelle in zip(rows, LA_COOP_TRANCHES_AGE[:-1], strict=True):
        row.refresh_from_db()
        assert row.tranche_age == nouvelle
    inconnu.refresh_from_db()
    assert inconnu.tranche_age == "non_communique"

    # Running it again changes nothing (already La Coop's keys).
    migration.vers_la_coop(apps, None)
    assert sorted(Beneficiaire.objects.values_list("tranche_age", flat=True)) == sorted(
        LA_COOP_TRANCHES_AGE
    )

    migration.vers_anciennes_cles(apps, None)

    for row, ancienne in zip(rows, ANCIENNES, strict=True):
        row.refresh_from_db()
        assert row.tranche_age == ancienne
    inconnu.refresh_from_db()
    assert inconnu.tranche_age == "non_communique"
