"""One copy of La Coop de la médiation numérique's thématiques (ateliers.enums), stored as
La Coop's keys by the catalogue, and the migration that rewrote the catalogue's short keys."""

import importlib

import pytest
from django.apps import apps

from ateliers.enums import THEMATIQUES_ADMINISTRATIVES, THEMATIQUES_MEDIATION, Thematique
from ateliers.models import Theme
from tests.ateliers.factories import ThemeFactory

# ../shared/reference/CRA_ORIENTATION_OPENDATA.md, part 1, in its order.
CLES_LA_COOP = [
    "diagnostic_numerique",
    "prendre_en_main_du_materiel",
    "maintenance_de_materiel",
    "gere_ses_contenus_numeriques",
    "navigation_sur_internet",
    "email",
    "bureautique",
    "reseaux_sociaux",
    "sante",
    "banque_et_achats_en_ligne",
    "entrepreneuriat",
    "insertion_professionnelle",
    "securite_numerique",
    "parentalite",
    "scolarite_et_numerique",
    "creer_avec_le_numerique",
    "culture_numerique",
    "intelligence_artificielle",
    "aide_aux_demarches_administratives",
    "papiers_elections_citoyennete",
    "famille_scolarite",
    "social_sante",
    "travail_formation",
    "logement",
    "transports_mobilite",
    "argent_impots",
    "justice",
    "etrangers_europe",
    "loisirs_sports_culture",
    "associations",
]

migration = importlib.import_module("ateliers.migrations.0003_thematiques_la_coop")


def test_keys_are_la_coops_thirty_in_order():
    assert Thematique.values == CLES_LA_COOP
    assert all(label for label in Thematique.labels)


def test_families_partition_the_thirty():
    assert THEMATIQUES_ADMINISTRATIVES.isdisjoint(THEMATIQUES_MEDIATION)
    assert THEMATIQUES_ADMINISTRATIVES | THEMATIQUES_MEDIATION == set(Thematique)
    assert {t.value for t in THEMATIQUES_ADMINISTRATIVES} == set(CLES_LA_COOP[19:])
    assert {t.value for t in THEMATIQUES_MEDIATION} == set(CLES_LA_COOP[:19])


def test_one_copy_for_the_activity_records():
    import ateliers.enums
    import mediation.vocabulaire

    assert mediation.vocabulaire.Thematique is ateliers.enums.Thematique
    assert mediation.vocabulaire.Niveau is ateliers.enums.Niveau
    assert mediation.vocabulaire.THEMATIQUES_ADMINISTRATIVES is THEMATIQUES_ADMINISTRATIVES
    assert mediation.vocabulaire.THEMATIQUES_MEDIATION is THEMATIQUES_MEDIATION


def test_the_field_holds_all_thirty():
    champ = Theme._meta.get_field("thematiques")
    assert champ.max_length >= len(",".join(CLES_LA_COOP))
    assert [cle for cle, _ in champ.choices] == CLES_LA_COOP


def test_demo_themes_use_la_coops_keys():
    from ateliers.demo import THEMES

    for *_, thematiques, _service, _cheque in THEMES:
        assert thematiques and set(thematiques) <= set(CLES_LA_COOP)


@pytest.mark.django_db
def test_migration_rewrites_the_old_keys_and_back():
    anciennes = ThemeFactory()
    communes = ThemeFactory()
    vide = ThemeFactory()
    Theme.objects.filter(pk=anciennes.pk).update(thematiques="materiel,securite,demarches,ia")
    Theme.objects.filter(pk=communes.pk).update(thematiques="email,sante,culture")
    Theme.objects.filter(pk=vide.pk).update(thematiques="")

    def stored(theme):
        return Theme.objects.values_list("thematiques", flat=True).get(pk=theme.pk)

    migration.vers_la_coop(apps, None)
    assert stored(anciennes) == [
        "prendre_en_main_du_materiel",
        "securite_numerique",
        "aide_aux_demarches_administratives",
        "intelligence_artificielle",
    ]
    assert stored(communes) == ["email", "sante", "culture_numerique"]
    assert stored(vide) == []

    # Twice is harmless (La Coop's keys are left as they are).
    migration.vers_la_coop(apps, None)
    assert stored(communes) == ["email", "sante", "culture_numerique"]

    migration.vers_anciennes_cles(apps, None)
    assert stored(anciennes) == ["materiel", "securite", "demarches", "ia"]
    assert stored(communes) == ["email", "sante", "culture"]
    assert stored(vide) == []


@pytest.mark.django_db
def test_migration_backwards_drops_the_administrative_families():
    theme = ThemeFactory()
    Theme.objects.filter(pk=theme.pk).update(
        thematiques="aide_aux_demarches_administratives,logement,argent_impots"
    )
    migration.vers_anciennes_cles(apps, None)
    theme.refresh_from_db()
    assert theme.thematiques == ["demarches"]


def test_every_old_key_has_a_la_coop_key():
    anciennes = [
        "diagnostic",
        "materiel",
        "maintenance",
        "contenus",
        "navigation",
        "email",
        "bureautique",
        "reseaux_sociaux",
        "sante",
        "banque",
        "entrepreneuriat",
        "insertion",
        "securite",
        "parentalite",
        "scolarite",
        "creer",
        "culture",
        "ia",
        "demarches",
    ]
    nouvelles = [migration.NOUVELLES_CLES.get(cle, cle) for cle in anciennes]
    assert nouvelles == CLES_LA_COOP[:19]
    assert migration.FAMILLES_ADMINISTRATIVES == set(CLES_LA_COOP[19:])
