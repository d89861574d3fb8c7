import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from inclusion.models import Beneficiaire, Journal, Lieu, Membership, Quartier, Structure, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _snapshot():
    counts = {
        m._meta.label: m.objects.count() for m in apps.get_app_config("inclusion").get_models()
    }
    people = sorted(
        (p, n, str(t), a, ta, s)
        for p, n, t, a, ta, s in Beneficiaire.objects.values_list(
            "prenom", "nom", "telephone", "annee_naissance", "tranche_age", "structure__nom"
        )
    )
    return counts, people


def test_demo_builds_territory_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    counts, _ = _snapshot()
    assert Quartier.objects.count() == 6
    assert Quartier.objects.values("commune").distinct().count() == 3
    assert Structure.objects.count() == 8
    assert Lieu.objects.count() == 10
    assert Lieu.objects.filter(qualifie_pass=True).count() >= 3
    # 60 people, and two likely duplicate pairs (mediation's demo, issue 15).
    assert Beneficiaire.objects.count() == 64
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"coordinateur", "prescripteur", "mediateur", "volontaire"}
    assert User.objects.get(email="coordinateur@demo.example").check_password("demo-inclusion-2026")
    before = _snapshot()
    call_command("demo", "--wet-run", verbosity=0)
    assert _snapshot() == before
    assert counts["inclusion.Journal"] == Journal.objects.count()


def test_demo_is_dry_run_by_default(settings):
    settings.DEBUG = True
    call_command("demo", verbosity=0)
    assert not Beneficiaire.objects.exists()
    assert not Structure.objects.exists()


def test_demo_refuses_production_settings(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo", "--wet-run", verbosity=0)
