"""Orientation figures (mediation.services.orientations_stats) against values computed by
hand on a small fixed set of orientations (frozen time): counts by status and reason, medians
(odd and even counts, empty sets), by sending structure and receiving place, the scope of each
role, the filters, and a fixed number of queries. Run on PostgreSQL too (DATABASE_URL)."""

import pytest
from django.utils import timezone

from inclusion.enums import Role
from mediation.enums_orientations import MotifRefus, StatutOrientation
from mediation.services.orientations_stats import PRISE_AILLEURS, counts
from tests.inclusion.factories import member
from tests.mediation.factories_orientations import orient_to_place
from tests.mediation.monde_orientations import D, H, build_monde

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def monde():
    return build_monde()


def _statuts(**n):
    return {s: n.get(s, 0) for s in StatutOrientation.values}


def _motifs(**n):
    return {m.label: n.get(m.name, 0) for m in MotifRefus}


def test_totals_by_hand(monde):
    bilan = counts(user=monde.coordinateur)
    t = bilan.total
    assert t.envoyees == 9
    assert t.par_statut == _statuts(
        ouverte=1, acceptee=3, refusee=2, terminee=1, expiree=1, annulee=1
    )
    assert (t.acceptees, t.refusees, t.expirees, t.annulees) == (4, 2, 1, 1)
    # D's refusal by L1 is not the orientation's: L2 accepted it.
    assert t.refus_par_motif == _motifs(NON_JOIGNABLE=2, AUTRE=1)
    # Opened: 1, 2, 4, 6, 8, 12 h (even: the two middle ones averaged).
    assert t.mediane_prise_en_compte == 5 * H
    # Decided: 0.5, 1, 1, 2, 3, 3 days.
    assert t.mediane_decision == 1.5 * D


def test_by_sending_structure(monde):
    ccas, mission = counts(user=monde.coordinateur).par_structure
    assert (ccas.nom, mission.nom) == ("CCAS de Bordeaux", "Mission locale")
    c = ccas.chiffres
    assert c.envoyees == 8
    assert c.par_statut == _statuts(
        ouverte=1, acceptee=3, refusee=1, terminee=1, expiree=1, annulee=1
    )
    assert c.refus_par_motif == _motifs(NON_JOIGNABLE=1)
    assert c.mediane_prise_en_compte == 4 * H  # 1, 2, 4, 6, 12 h: odd
    assert c.mediane_decision == D  # 0.5, 1, 1, 2, 3 days
    m = mission.chiffres
    assert (m.envoyees, m.refusees) == (1, 1)
    assert m.refus_par_motif == _motifs(NON_JOIGNABLE=1, AUTRE=1)
    assert (m.mediane_prise_en_compte, m.mediane_decision) == (8 * H, 3 * D)


def test_by_receiving_place(monde):
    l1, l2 = counts(user=monde.coordinateur).par_lieu
    assert (l1.nom, l2.nom) == ("Médiathèque 1", "Médiathèque 2")
    c = l1.chiffres
    assert c.envoyees == 7  # A B D F G H I
    assert c.par_statut == {
        **_statuts(acceptee=1, refusee=3, expiree=1, annulee=1),
        PRISE_AILLEURS: 1,
    }
    assert (c.acceptees, c.refusees) == (1, 3)
    # The place's own reasons, D's included.
    assert c.refus_par_motif == _motifs(NON_JOIGNABLE=2, SESSION_COMPLETE=1, NON_MOBILE=1, AUTRE=1)
    assert c.mediane_prise_en_compte == 3 * H  # 1, 2, 4, 8 h
    assert c.mediane_decision == 2 * D  # 1, 1, 3, 3 days
    c = l2.chiffres
    assert c.envoyees == 4  # C D E I
    assert c.par_statut == _statuts(ouverte=1, acceptee=2, terminee=1)
    assert c.acceptees == 3
    # Opened (or decided without opening): 6 h, 12 h, 2 days.
    assert c.mediane_prise_en_compte == 12 * H
    assert c.mediane_decision == D  # 12 h, 1 day, 2 days


def test_scope_of_each_role(monde):
    # The first place's médiateur: what it received, its own place only.
    bilan = counts(user=monde.mediateurs[0])
    assert bilan.total.envoyees == 7
    assert [(g.nom, g.chiffres.envoyees) for g in bilan.par_structure] == [
        ("CCAS de Bordeaux", 6),
        ("Mission locale", 1),
    ]
    assert [g.nom for g in bilan.par_lieu] == ["Médiathèque 1"]
    # The CCAS's prescripteur: what it sent, and where it went.
    bilan = counts(user=monde.prescripteur)
    assert bilan.total.envoyees == 8
    assert [g.nom for g in bilan.par_structure] == ["CCAS de Bordeaux"]
    assert [(g.nom, g.chiffres.envoyees) for g in bilan.par_lieu] == [
        ("Médiathèque 1", 6),
        ("Médiathèque 2", 4),
    ]
    # The other structure's prescripteur: its one orientation.
    bilan = counts(user=monde.p2)
    assert bilan.total.envoyees == 1
    assert [(g.nom, g.chiffres.envoyees) for g in bilan.par_lieu] == [("Médiathèque 1", 1)]


def test_empty_sets():
    """Nothing to see: zeros, no median (None), no group."""
    volontaire = member(Role.VOLONTAIRE)
    for user in (volontaire, member(Role.COORDINATEUR)):
        bilan = counts(user=user)
        assert bilan.total.envoyees == 0
        assert bilan.total.par_statut == _statuts()
        assert bilan.total.refus_par_motif == _motifs()
        assert bilan.total.mediane_prise_en_compte is None
        assert bilan.total.mediane_decision is None
        assert bilan.par_structure == [] and bilan.par_lieu == []


def test_filters(monde):
    today = timezone.localdate()
    coordinateur = monde.coordinateur
    # Sent from T-5d to T-2d (local days, both included): D, H, G, E.
    bilan = counts(user=coordinateur, debut=today - 5 * D, fin=today - 2 * D)
    assert bilan.total.envoyees == 4
    assert bilan.total.par_statut == _statuts(ouverte=1, acceptee=1, refusee=1, annulee=1)
    assert bilan.total.mediane_prise_en_compte == 4.5 * H  # D 1 h, H 8 h; G, E never opened
    bilan = counts(user=coordinateur, structure=monde.autre)
    assert bilan.total.envoyees == 1 and [g.nom for g in bilan.par_structure] == ["Mission locale"]
    bilan = counts(user=coordinateur, lieu=monde.lieux[1])
    assert bilan.total.envoyees == 4
    assert [g.nom for g in bilan.par_lieu] == ["Médiathèque 2"]
    # A structure the user does not see adds nothing.
    assert counts(user=monde.p2, structure=monde.ccas).total.envoyees == 0


def test_fixed_number_of_queries(monde, django_assert_num_queries):
    user = monde.prescripteur
    counts(user=user)  # roles cached on the user, as in a view
    with django_assert_num_queries(8):
        counts(user=user)
    for n in range(6):
        orient_to_place(monde, lieu=monde.lieux[n % 2], now=timezone.now() - n * H)
    with django_assert_num_queries(8):
        assert counts(user=user).total.envoyees == 14
