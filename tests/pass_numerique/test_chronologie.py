"""Carnets and chèques in a person's timeline: issued, handed over, redeemed and where; only
the carnets the user sees; a constant number of queries."""

import pytest
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import Membership
from pass_numerique.chronologie import evenements
from pass_numerique.enums import Prestation
from pass_numerique.services import issuance
from pass_numerique.services.redemption import redeem_cheque
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, issued, setup_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _redeem(ctx, item, rang=0):
    return redeem_cheque(
        acteur=ctx["mediateur"],
        lieu=ctx["lieu"],
        code=item.cheque_codes[rang][1],
        prestation=Prestation.ATELIER,
        demande_id=issuance.new_request_id(),
    )


def test_issued_handed_over_redeemed():
    ctx = setup_pass()
    personne = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
    (item,) = issued(ctx, beneficiaire=personne)
    issuance.hand_over(acteur=ctx["prescripteur"], carnet=item.carnet)
    _redeem(ctx, item)
    lignes = {(e.nature, e.titre): e for e in evenements(ctx["prescripteur"], personne)}
    numero = item.carnet.numero
    url = reverse("pass:carnet_detail", args=[item.carnet.pk])
    emis = lignes["carnet", f"Carnet n° {numero} délivré"]
    assert emis.detail.startswith("10 chèques, ") and emis.url == url
    assert lignes["carnet", f"Carnet n° {numero} remis à la personne"].url == url
    cheque = lignes["cheque", f"Chèque encaissé à {ctx['lieu'].nom}"]
    assert cheque.detail == f"Atelier collectif, chèque 1 du carnet n° {numero}."
    assert cheque.url == url
    assert len(lignes) == 3


def test_only_the_carnets_the_user_sees():
    """A carnet issued from another structure's envelope: a prescripteur of the person's
    structure only sees the file, not that carnet; a coordinator sees it."""
    ctx = setup_pass()
    structure = ctx["enveloppe"].structure
    personne = BeneficiaireFactory(structure=structure)
    autre_enveloppe = EnveloppeFactory(programme=ctx["programme"])
    double = member(Role.PRESCRIPTEUR, structure=autre_enveloppe.structure)
    Membership.objects.create(user=double, structure=structure, role=Role.PRESCRIPTEUR)
    issuance.issue_carnets(acteur=double, enveloppe=autre_enveloppe, beneficiaire=personne)
    assert evenements(ctx["prescripteur"], personne) == []
    assert len(evenements(double, personne)) == 1
    assert len(evenements(member(Role.COORDINATEUR), personne)) == 1
    assert evenements(ctx["mediateur"], personne) == []  # not their file


def test_constant_queries(django_assert_num_queries):
    ctx = setup_pass(nb_cheques=1000)
    personne = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
    user = ctx["prescripteur"]
    item = issued(ctx, beneficiaire=personne)[0]
    _redeem(ctx, item)
    evenements(user, personne)  # roles cached on the user, as in a view
    with django_assert_num_queries(2):
        assert len(evenements(user, personne)) == 2
    for _ in range(4):
        for item in issued(ctx, beneficiaire=personne, nombre=5):
            issuance.hand_over(acteur=user, carnet=item.carnet)
            _redeem(ctx, item)
    with django_assert_num_queries(2):
        assert len(evenements(user, personne)) == 62
