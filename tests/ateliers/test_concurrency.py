"""50 people register at once for 10 seats, on PostgreSQL, with a pause inside the lock."""

import threading
import time

import pytest
from django.db import connections

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription, Session
from ateliers.services import registrations
from tests.ateliers.factories import setup_atelier
from tests.inclusion.factories import BeneficiaireFactory

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen"),
]


def test_fifty_registrations_for_ten_seats(monkeypatch):
    ctx = setup_atelier(capacite=10)
    structure = ctx["prescripteur"].memberships.get().structure
    people = [BeneficiaireFactory(structure=structure) for _ in range(50)]
    original = registrations._check_person

    def check_then_pause(session, beneficiaire):
        original(session, beneficiaire)
        time.sleep(0.002)  # between reading the counters and writing

    monkeypatch.setattr(registrations, "_check_person", check_then_pause)
    barrier = threading.Barrier(len(people))
    errors = []

    def run(person):
        try:
            barrier.wait()
            registrations.register(
                session=ctx["session"],
                beneficiaire=person,
                canal=Canal.PRO,
                acteur=ctx["prescripteur"],
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    statuts = list(Inscription.objects.values_list("statut", flat=True))
    assert statuts.count(StatutInscription.INSCRIT) == 10
    assert statuts.count(StatutInscription.EN_ATTENTE) == 40
    rangs = sorted(
        Inscription.objects.filter(statut=StatutInscription.EN_ATTENTE).values_list(
            "rang_attente", flat=True
        )
    )
    assert rangs == list(range(1, 41))
    session = Session.objects.get()
    assert session.nb_inscrits == 10 and session.dernier_rang_attente == 40
