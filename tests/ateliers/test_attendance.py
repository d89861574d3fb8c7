import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription, Session
from ateliers.services import attendance, registrations
from inclusion.enums import Role
from pass_numerique.models import Encaissement
from pass_numerique.services import issuance
from pass_numerique.services.redemption import RedemptionRefused
from tests.ateliers.factories import setup_atelier
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def _ctx_with_pass(**kwargs):
    ctx = setup_atelier(commencee=True, **kwargs)
    structure = ctx["prescripteur"].memberships.get().structure
    programme = ProgrammeFactory()
    enveloppe = EnveloppeFactory(programme=programme, structure=structure)
    person = BeneficiaireFactory(structure=structure)
    [item] = issuance.issue_carnets(
        acteur=member(Role.PRESCRIPTEUR, structure=structure),
        enveloppe=enveloppe,
        beneficiaire=person,
    )
    inscription = Inscription.objects.create(
        session=ctx["session"],
        beneficiaire=person,
        statut=StatutInscription.INSCRIT,
        canal=Canal.PRO,
        inscrit_le=ctx["session"].debut,
    )
    Session.objects.filter(pk=ctx["session"].pk).update(nb_inscrits=1)
    ctx.update(person=person, item=item, inscription=inscription)
    return ctx


def test_presence_then_one_cheque_exactly():
    ctx = _ctx_with_pass()
    ins = attendance.set_presence(
        acteur=ctx["mediateur"], inscription=ctx["inscription"], statut="present"
    )
    enc = attendance.redeem_for_presence(
        acteur=ctx["mediateur"],
        inscription=ins,
        code=ctx["item"].cheque_codes[0][1],
        demande_id=issuance.new_request_id(),
    )
    assert enc.reference == f"ateliers.session#{ctx['session'].pk}"
    assert Inscription.objects.get(pk=ins.pk).encaissement == enc
    with pytest.raises(ValidationError) as exc:
        attendance.redeem_for_presence(
            acteur=ctx["mediateur"],
            inscription=ins,
            code=ctx["item"].cheque_codes[1][1],
            demande_id=issuance.new_request_id(),
        )
    assert "déjà été encaissé" in exc.value.messages[0]
    assert Encaissement.objects.count() == 1


def test_already_used_cheque_is_refused():
    ctx = _ctx_with_pass()
    code = ctx["item"].cheque_codes[0][1]
    ins = attendance.set_presence(
        acteur=ctx["mediateur"], inscription=ctx["inscription"], statut="present"
    )
    attendance.redeem_for_presence(
        acteur=ctx["mediateur"], inscription=ins, code=code, demande_id=issuance.new_request_id()
    )
    other = BeneficiaireFactory(structure=ctx["session"].lieu.structure)
    walk_in = attendance.add_walk_in(
        acteur=ctx["mediateur"], session=ctx["session"], beneficiaire=other
    )
    with pytest.raises(RedemptionRefused) as exc:
        attendance.redeem_for_presence(
            acteur=ctx["mediateur"],
            inscription=walk_in,
            code=code,
            demande_id=issuance.new_request_id(),
        )
    assert exc.value.check.reason == "deja_encaisse"


def test_pick_one_of_the_persons_own_cheques():
    ctx = _ctx_with_pass()
    ins = attendance.set_presence(
        acteur=ctx["mediateur"], inscription=ctx["inscription"], statut="present"
    )
    enc = attendance.redeem_for_presence(
        acteur=ctx["mediateur"], inscription=ins, demande_id=issuance.new_request_id()
    )
    assert enc.cheque.carnet.beneficiaire == ctx["person"]
    nobody = attendance.add_walk_in(
        acteur=ctx["mediateur"],
        session=ctx["session"],
        beneficiaire=BeneficiaireFactory(structure=ctx["session"].lieu.structure),
    )
    with pytest.raises(RedemptionRefused) as exc:
        attendance.redeem_for_presence(
            acteur=ctx["mediateur"], inscription=nobody, demande_id=issuance.new_request_id()
        )
    assert exc.value.check.reason == "aucun_cheque"


def test_walk_in_gets_a_seat_beyond_capacity():
    ctx = _ctx_with_pass(capacite=1)
    walk_in = attendance.add_walk_in(
        acteur=ctx["mediateur"],
        session=ctx["session"],
        beneficiaire=BeneficiaireFactory(structure=ctx["session"].lieu.structure),
    )
    assert walk_in.statut == StatutInscription.PRESENT and walk_in.surbooking
    assert Session.objects.get().nb_inscrits == 2


def test_closing_marks_the_rest_absent():
    ctx = _ctx_with_pass()
    assert attendance.close_session(acteur=ctx["mediateur"], session=ctx["session"]) == 1
    assert Inscription.objects.get().statut == StatutInscription.ABSENT
    assert Session.objects.get().statut == "terminee"


def test_another_structure_cannot_take_attendance():
    ctx = _ctx_with_pass()
    with pytest.raises(PermissionDenied):
        attendance.set_presence(
            acteur=member(Role.MEDIATEUR), inscription=ctx["inscription"], statut="present"
        )


def test_registration_is_refused_once_started_but_walk_ins_are_welcome():
    ctx = _ctx_with_pass()
    late = BeneficiaireFactory(structure=ctx["prescripteur"].memberships.get().structure)
    with pytest.raises(ValidationError):
        registrations.register(
            session=ctx["session"], beneficiaire=late, canal=Canal.PRO, acteur=ctx["prescripteur"]
        )


def test_no_presence_or_cheque_after_closing():
    ctx = _ctx_with_pass()
    attendance.close_session(acteur=ctx["mediateur"], session=ctx["session"])
    ins = Inscription.objects.get(pk=ctx["inscription"].pk)
    with pytest.raises(ValidationError) as exc:
        attendance.set_presence(acteur=ctx["mediateur"], inscription=ins, statut="present")
    assert "clôturée" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        attendance.redeem_for_presence(
            acteur=ctx["mediateur"], inscription=ins, demande_id=issuance.new_request_id()
        )
    assert not Encaissement.objects.exists()
