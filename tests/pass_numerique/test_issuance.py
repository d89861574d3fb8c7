import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from inclusion.enums import Role
from inclusion.models import Journal
from pass_numerique import codes
from pass_numerique.enums import StatutCarnet, StatutCheque
from pass_numerique.models import Carnet, Cheque, Enveloppe
from pass_numerique.services import issuance
from tests.clock import TODAY
from tests.inclusion.factories import BeneficiaireFactory, CommuneFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory, issued, setup_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_issue_consumes_envelope_and_stores_only_hashes():
    ctx = setup_pass(nb_cheques=25)
    b = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
    [item] = issued(ctx, beneficiaire=b)
    carnet = item.carnet
    assert carnet.statut == StatutCarnet.EMIS and carnet.nb_cheques == 10
    assert Enveloppe.objects.get().solde == 15
    assert len(item.cheque_codes) == 10
    stored = list(Carnet.objects.values_list("code_hash", flat=True)) + list(
        Cheque.objects.values_list("code_hash", flat=True)
    )
    clear = [item.code] + [code for _, code in item.cheque_codes]
    assert stored and all(c not in stored for c in clear)
    assert codes.digest(item.code) == carnet.code_hash
    assert Journal.objects.filter(action="carnet.emission", objet_id=str(carnet.pk)).exists()
    line = Journal.objects.get(action="carnet.emission")
    assert item.code not in str(line.details)


def test_envelope_cannot_go_below_zero():
    ctx = setup_pass(nb_cheques=15)
    issued(ctx)
    with pytest.raises(ValidationError) as exc:
        issued(ctx)
    assert "Il reste 5 chèque(s)" in exc.value.messages[0]
    assert Carnet.objects.count() == 1
    assert Enveloppe.objects.get().nb_cheques_emis == 10


def test_only_prescripteur_of_the_structure_issues():
    ctx = setup_pass()
    for user in (member(Role.PRESCRIPTEUR), member(Role.MEDIATEUR, ctx["enveloppe"].structure)):
        with pytest.raises(PermissionDenied):
            issuance.issue_carnets(acteur=user, enveloppe=ctx["enveloppe"])
    assert not Carnet.objects.exists()


@pytest.mark.parametrize(
    "programme_kwargs,message",
    [
        ({"brouillon": True}, "pas actif"),
        ({"clos": True}, "pas actif"),
        (
            {"fin_validite": TODAY + datetime.timedelta(days=10)},
            "trop tard",
        ),
    ],
)
def test_issue_refused_outside_an_active_period(programme_kwargs, message):
    programme = ProgrammeFactory(anonyme_autorise=True, **programme_kwargs)
    enveloppe = EnveloppeFactory(programme=programme)
    user = member(Role.PRESCRIPTEUR, structure=enveloppe.structure)
    with pytest.raises(ValidationError) as exc:
        issuance.issue_carnets(acteur=user, enveloppe=enveloppe)
    assert message in exc.value.messages[0]
    assert Enveloppe.objects.get().nb_cheques_emis == 0


def test_anonymous_only_when_programme_allows():
    programme = ProgrammeFactory(anonyme_autorise=False)
    enveloppe = EnveloppeFactory(programme=programme)
    user = member(Role.PRESCRIPTEUR, structure=enveloppe.structure)
    with pytest.raises(ValidationError) as exc:
        issuance.issue_carnets(acteur=user, enveloppe=enveloppe)
    assert "inscrire la personne" in exc.value.messages[0]


def test_beneficiaire_of_another_structure_or_outside_perimeter_is_refused():
    ctx = setup_pass()
    with pytest.raises(PermissionDenied):
        issued(ctx, beneficiaire=BeneficiaireFactory())
    ctx["programme"].communes.add(CommuneFactory(code_insee="33777"))
    ailleurs = BeneficiaireFactory(
        structure=ctx["enveloppe"].structure, commune=CommuneFactory(code_insee="33778")
    )
    with pytest.raises(ValidationError) as exc:
        issued(ctx, beneficiaire=ailleurs)
    assert "commune" in exc.value.messages[0]
    assert Enveloppe.objects.get().nb_cheques_emis == 0


def test_same_request_is_not_issued_twice():
    ctx = setup_pass()
    request_id = issuance.new_request_id()
    issuance.issue_carnets(
        acteur=ctx["prescripteur"], enveloppe=ctx["enveloppe"], demande_id=request_id
    )
    with pytest.raises(issuance.AlreadyIssued) as exc:
        issuance.issue_carnets(
            acteur=ctx["prescripteur"], enveloppe=ctx["enveloppe"], demande_id=request_id
        )
    assert len(exc.value.carnets) == 1
    assert Carnet.objects.count() == 1


def test_hand_over_then_not_twice():
    ctx = setup_pass()
    [item] = issued(ctx)
    carnet = issuance.hand_over(acteur=ctx["prescripteur"], carnet=item.carnet)
    assert carnet.statut == StatutCarnet.REMIS and carnet.remis_le
    with pytest.raises(ValidationError):
        issuance.hand_over(acteur=ctx["prescripteur"], carnet=item.carnet)


def test_block_and_replace_carries_the_remaining_cheques():
    from pass_numerique.services.redemption import redeem_cheque

    ctx = setup_pass()
    [item] = issued(ctx)
    for _, code in item.cheque_codes[:3]:
        redeem_cheque(
            acteur=ctx["mediateur"],
            lieu=ctx["lieu"],
            code=code,
            prestation="atelier",
            demande_id=issuance.new_request_id(),
        )
    new = issuance.block_and_replace(acteur=ctx["prescripteur"], carnet=item.carnet, motif="perdu")
    old = Carnet.objects.get(pk=item.carnet.pk)
    assert old.statut == StatutCarnet.BLOQUE
    assert old.cheques.filter(statut=StatutCheque.ANNULE).count() == 7
    assert old.cheques.filter(statut=StatutCheque.ENCAISSE).count() == 3
    assert new.carnet.nb_cheques == 7 and new.carnet.remplace == old
    assert len(new.cheque_codes) == 7
    assert new.code != item.code
    assert Enveloppe.objects.get().nb_cheques_emis == 10  # the envelope is not charged twice
    with pytest.raises(ValidationError):
        issuance.block_and_replace(acteur=ctx["prescripteur"], carnet=old)


def test_cancel_gives_unused_cheques_back_to_envelope():
    ctx = setup_pass(nb_cheques=20)
    [item] = issued(ctx)
    returned = issuance.cancel_carnet(
        acteur=ctx["prescripteur"], carnet=item.carnet, motif="erreur"
    )
    assert returned == 10
    assert Enveloppe.objects.get().solde == 20
    assert Carnet.objects.get().statut == StatutCarnet.ANNULE


def test_other_structure_cannot_manage_carnet():
    ctx = setup_pass()
    [item] = issued(ctx)
    with pytest.raises(PermissionDenied):
        issuance.block_and_replace(acteur=member(Role.PRESCRIPTEUR), carnet=item.carnet)
    assert Carnet.objects.get().statut == StatutCarnet.EMIS


# --- Issuing with the booklet and the links: one service for every door ----------------------

MARDI_10H = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)  # 10 h in Paris


@time_machine.travel(MARDI_10H, tick=False)
def test_deliver_carnets_makes_the_booklet_and_texts_the_links(sms_outbox):
    ctx = setup_pass()
    personne = BeneficiaireFactory(structure=ctx["enveloppe"].structure, consentant=True)
    delivery = issuance.deliver_carnets(
        acteur=ctx["prescripteur"],
        enveloppe=ctx["enveloppe"],
        beneficiaire=personne,
        nombre=2,
        demande_id=issuance.new_request_id(),
        send_sms_links=True,
    )
    assert len(delivery.items) == 2 and delivery.pdf.startswith(b"%PDF")
    assert [r["numero"] for r in delivery.sms] == [i.carnet.numero for i in delivery.items]
    assert all(r["result"].sent for r in delivery.sms)
    assert [m.kind for m in sms_outbox] == ["pass_lien", "pass_lien"]
    assert Journal.objects.filter(action="carnet.emission").count() == 2
    # Not asked: no text.
    quiet = issuance.deliver_carnets(
        acteur=ctx["prescripteur"], enveloppe=ctx["enveloppe"], beneficiaire=personne
    )
    assert quiet.sms is None and len(sms_outbox) == 2


@time_machine.travel(MARDI_10H, tick=False)
def test_deliver_carnets_issues_and_sends_nothing_when_the_booklet_fails(monkeypatch, sms_outbox):
    from pass_numerique import booklet

    def broken(items, **kwargs):
        raise RuntimeError("PDF")

    monkeypatch.setattr(booklet, "render_booklet", broken)
    ctx = setup_pass()
    personne = BeneficiaireFactory(structure=ctx["enveloppe"].structure, consentant=True)
    with pytest.raises(RuntimeError):
        issuance.deliver_carnets(
            acteur=ctx["prescripteur"],
            enveloppe=ctx["enveloppe"],
            beneficiaire=personne,
            send_sms_links=True,
        )
    assert not Carnet.objects.exists()
    assert Enveloppe.objects.get().nb_cheques_emis == 0
    assert not Journal.objects.filter(action="carnet.emission").exists()
    assert sms_outbox == []


@time_machine.travel(MARDI_10H, tick=False)
def test_replace_carnet_with_its_booklet_or_none_when_nothing_is_left():
    ctx = setup_pass()
    [item] = issued(ctx)
    delivery = issuance.replace_carnet(
        acteur=ctx["prescripteur"], carnet=item.carnet, motif="perdu"
    )
    [new] = delivery.items
    assert new.carnet.remplace == item.carnet and delivery.pdf.startswith(b"%PDF")
    issuance.cancel_carnet(acteur=ctx["prescripteur"], carnet=new.carnet)
    other = issued(ctx)[0].carnet
    Cheque.objects.filter(carnet=other).update(statut=StatutCheque.ANNULE)
    empty = issuance.replace_carnet(acteur=ctx["prescripteur"], carnet=other)
    assert empty.items == [] and empty.pdf == b"" and empty.sms is None


def test_a_closing_reason_is_a_key_of_the_list_never_typed_text():
    """Issue 18: the journal's details never hold free text typed by users."""
    from tests.validation import refused

    ctx = setup_pass(nb_cheques=20)
    [item] = issued(ctx)
    for close in (issuance.cancel_carnet, issuance.block_and_replace):
        refused(
            "motif_inconnu", close, acteur=ctx["prescripteur"], carnet=item.carnet, motif="Mme X"
        )
    assert Carnet.objects.get().statut == StatutCarnet.EMIS
    assert not Journal.objects.filter(action__in=["carnet.annulation", "carnet.blocage"]).exists()
    issuance.cancel_carnet(acteur=ctx["prescripteur"], carnet=item.carnet, motif="erreur")
    assert Journal.objects.get(action="carnet.annulation").details["motif"] == "erreur"
