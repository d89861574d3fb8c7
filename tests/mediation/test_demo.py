import pytest
from django.core.management import call_command

from inclusion.models import Journal, User
from mediation.demo import DEMO_PIN
from mediation.models import BorneKiosque, CodePin
from mediation.services import bornes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_kiosk_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("demo", "--wet-run", verbosity=0)
    borne = BorneKiosque.objects.get()
    volontaire = User.objects.get(email="volontaire@demo.example")
    assert CodePin.objects.get().user == volontaire
    assert borne.structure.memberships.filter(user=volontaire).exists()
    before = (BorneKiosque.objects.count(), CodePin.objects.count(), Journal.objects.count())
    call_command("demo", "--wet-run", verbosity=0)
    assert (
        BorneKiosque.objects.count(),
        CodePin.objects.count(),
        Journal.objects.count(),
    ) == before
    borne.active_le = borne.cree_le
    borne.save()
    assert bornes.check_pin(email=volontaire.email, pin=DEMO_PIN, borne=borne) == volontaire
