"""Merges racing on PostgreSQL (issue 15): two merges of the same pair at the same moment,
in either direction, never both succeed; the loser is refused with a code and nothing is
half-written. SQLite serialises writers and proves nothing here: these tests skip there."""

import time

import pytest
import time_machine

from inclusion.enums import Role
from inclusion.models import Beneficiaire, Journal, PaireDistincte, SmsMessage, StatutSms
from inclusion.services import doublons, fusion
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member
from tests.pass_numerique.test_concurrency import _hammer

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FROZEN_AT, tick=False):
        yield


def _pair():
    structure = StructureFactory()
    a = BeneficiaireFactory(structure=structure, prenom="Anne", nom="Morel")
    b = BeneficiaireFactory(structure=structure, prenom="Anne", nom="Morel")
    for person in (a, b):
        SmsMessage.objects.create(
            beneficiaire=person,
            telephone="+33600000000",
            corps="Bonjour",
            kind="test",
            encodage="GSM-7",
            segments=1,
            statut=StatutSms.DELIVRE,
            pas_avant=FROZEN_AT,
        )
    return structure, a, b


def _slow_fill(monkeypatch, seconds=0.3):
    """A delay between the locks and the writes, so that the race really happens."""
    real = fusion._fill_blanks

    def slow(kept, removed):
        time.sleep(seconds)
        return real(kept, removed)

    monkeypatch.setattr(fusion, "_fill_blanks", slow)


@pytest.mark.parametrize("same_direction", [True, False])
def test_two_merges_of_one_pair_at_once_one_wins(monkeypatch, same_direction):
    structure, a, b = _pair()
    users = [member(Role.MEDIATEUR, structure=structure) for _ in range(2)]
    _slow_fill(monkeypatch)

    def worker(i):
        garde, supprime = (a, b) if same_direction or i == 0 else (b, a)
        try:
            fusion.merge_beneficiaires(acteur=users[i], garde=garde, supprime=supprime)
        except fusion.ValidationError as refused:
            return [refused.code]
        return ["ok"]

    outcomes = sorted(_hammer(worker, threads=2))
    assert outcomes == ["dossier_introuvable", "ok"]
    assert Beneficiaire.objects.filter(pk__in=[a.pk, b.pk]).count() == 1
    survivor = Beneficiaire.objects.get(pk__in=[a.pk, b.pk])
    assert SmsMessage.objects.filter(beneficiaire=survivor).count() == 2
    assert Journal.objects.filter(action="beneficiaire.fusion").count() == 1


def test_many_merges_of_overlapping_pairs_leave_one_file(monkeypatch):
    """Four files of one person merged two by two from four places at once: no deadlock, no
    lost row, every SMS on the file that is left."""
    structure = StructureFactory()
    people = [BeneficiaireFactory(structure=structure, prenom="Anne") for _ in range(4)]
    for person in people:
        SmsMessage.objects.create(
            beneficiaire=person,
            telephone="+33600000000",
            corps="Bonjour",
            kind="test",
            encodage="GSM-7",
            segments=1,
            statut=StatutSms.DELIVRE,
            pas_avant=FROZEN_AT,
        )
    user = member(Role.MEDIATEUR, structure=structure)
    _slow_fill(monkeypatch, 0.1)
    pairs = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (1, 3)]

    def worker(i):
        outcomes = []
        for k in range(i, i + len(pairs), 4):
            g, s = pairs[k % len(pairs)]
            try:
                fusion.merge_beneficiaires(acteur=user, garde=people[g], supprime=people[s])
                outcomes.append("ok")
            except fusion.ValidationError as refused:
                outcomes.append(refused.code)
        return outcomes

    outcomes = _hammer(worker, threads=4)
    left = Beneficiaire.objects.filter(pk__in=[p.pk for p in people])
    assert left.count() == 4 - outcomes.count("ok")
    assert SmsMessage.objects.filter(beneficiaire__in=left).count() == 4
    assert set(outcomes) <= {"ok", "dossier_introuvable"}


def test_a_merge_and_two_people_at_once_never_both(monkeypatch):
    """One professional merges the pair while another says they are two people."""
    structure, a, b = _pair()
    users = [member(Role.MEDIATEUR, structure=structure) for _ in range(2)]
    _slow_fill(monkeypatch)

    def worker(i):
        try:
            if i == 0:
                fusion.merge_beneficiaires(acteur=users[0], garde=a, supprime=b)
                return ["fusion"]
            time.sleep(0.05)  # the merge holds the locks first
            doublons.mark_distinct(acteur=users[1], a=a, b=b)
            return ["distinctes"]
        except fusion.ValidationError as refused:
            return [refused.code]

    outcomes = sorted(_hammer(worker, threads=2))
    assert outcomes == ["dossier_introuvable", "fusion"]
    assert PaireDistincte.objects.count() == 0
    assert Beneficiaire.objects.filter(pk__in=[a.pk, b.pk]).count() == 1
