import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription, Session
from ateliers.services import attendance, registrations
from inclusion.enums import Role
from inclusion.models import Beneficiaire
from pass_numerique.models import Encaissement
from pass_numerique.services import issuance
from pass_numerique.services.redemption import RedemptionRefused
from tests.ateliers.factories import setup_atelier
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


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
    ctx.update(person=person, item=item, inscription=inscription, enveloppe=enveloppe)
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


# --- Issue 12: a chèque is cashed only while the session is on ------------------------------

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=PARIS)


def _session_at(debut, **kwargs):
    """A session starting at `debut` (2 hours), created at T0 with a person holding a pass."""
    with time_machine.travel(T0, tick=False):
        ctx = _ctx_with_pass(debut=debut, fin=debut + datetime.timedelta(hours=2), **kwargs)
    return ctx


def _present(ctx):
    """The person marked present directly in the table (as rows written before the rule)."""
    Inscription.objects.filter(pk=ctx["inscription"].pk).update(
        statut=StatutInscription.PRESENT, presence_le=T0
    )
    return Inscription.objects.get(pk=ctx["inscription"].pk)


def _cash(ctx, inscription, mode, now):
    code = ctx["item"].cheque_codes[0][1]
    codes_by_mode = {
        "scan": f"https://pass.exemple.fr/c/{code}",
        "tape": f"{code[:4].lower()} {code[4:]}",
        "sien": None,
    }
    with time_machine.travel(now, tick=False):
        return attendance.redeem_for_presence(
            acteur=ctx["mediateur"],
            inscription=inscription,
            demande_id=issuance.new_request_id(),
            code=codes_by_mode[mode],
        )


@pytest.mark.parametrize("mode", ["scan", "tape", "sien"])
def test_no_cheque_is_cashed_for_a_session_that_starts_in_20_days(mode):
    ctx = _session_at(T0 + datetime.timedelta(days=20))
    inscription = _present(ctx)
    with pytest.raises(RedemptionRefused) as exc:
        _cash(ctx, inscription, mode, T0)
    assert exc.value.check.reason == "pas_commence"
    assert "pas encore commencé" in exc.value.check.message
    assert "22/12/2026 à 09:30" in exc.value.check.message  # 30 minutes before the start
    assert not Encaissement.objects.exists()
    assert Inscription.objects.get(pk=inscription.pk).encaissement_id is None


@pytest.mark.parametrize("mode", ["scan", "tape", "sien"])
def test_cheque_cashed_from_the_margin_before_the_start(mode):
    debut = T0 + datetime.timedelta(hours=2)
    ctx = _session_at(debut)
    inscription = _present(ctx)
    with pytest.raises(RedemptionRefused) as exc:
        _cash(ctx, inscription, mode, debut - datetime.timedelta(minutes=31))
    assert exc.value.check.reason == "pas_commence"
    enc = _cash(ctx, inscription, mode, debut - datetime.timedelta(minutes=30))
    assert enc.encaisse_le == debut - datetime.timedelta(minutes=30)


@pytest.mark.parametrize("mode", ["scan", "tape", "sien"])
def test_cheque_cashed_until_a_few_days_after_the_end(mode):
    debut = T0 - datetime.timedelta(days=5)
    ctx = _session_at(debut)
    inscription = _present(ctx)
    fin = debut + datetime.timedelta(hours=2)
    with pytest.raises(RedemptionRefused) as exc:
        _cash(ctx, inscription, mode, fin + datetime.timedelta(days=3, minutes=1))
    assert exc.value.check.reason == "hors_periode"
    assert "jusqu'au" in exc.value.check.message
    assert not Encaissement.objects.exists()
    assert _cash(ctx, inscription, mode, fin + datetime.timedelta(days=3))


@override_settings(PASS_ENCAISSEMENT_AVANCE_MINUTES=0, PASS_ENCAISSEMENT_DELAI_JOURS=1)
def test_the_window_follows_the_settings():
    debut = T0 + datetime.timedelta(hours=1)
    ctx = _session_at(debut)
    inscription = _present(ctx)
    with pytest.raises(RedemptionRefused):
        _cash(ctx, inscription, "sien", debut - datetime.timedelta(minutes=1))
    with pytest.raises(RedemptionRefused) as exc:
        _cash(ctx, inscription, "sien", debut + datetime.timedelta(days=1, hours=2, minutes=1))
    assert exc.value.check.reason == "hors_periode"
    assert _cash(ctx, inscription, "sien", debut)


def test_presence_and_walk_ins_wait_for_the_session():
    debut = T0 + datetime.timedelta(days=20)
    ctx = _session_at(debut)
    other = BeneficiaireFactory(structure=ctx["session"].lieu.structure)
    with time_machine.travel(T0, tick=False):
        for statut in ("present", "absent", "excuse"):
            with pytest.raises(ValidationError) as exc:
                attendance.set_presence(
                    acteur=ctx["mediateur"], inscription=ctx["inscription"], statut=statut
                )
            assert exc.value.code == "session_pas_commencee"
            assert "22/12/2026 à 09:30" in exc.value.messages[0]
        with pytest.raises(ValidationError) as exc:
            attendance.add_walk_in(
                acteur=ctx["mediateur"], session=ctx["session"], beneficiaire=other
            )
        assert exc.value.code == "session_pas_commencee"
    # Nothing written: no seat for the walk-in, the registration untouched.
    assert not Inscription.objects.filter(beneficiaire=other).exists()
    assert Inscription.objects.get(pk=ctx["inscription"].pk).statut == StatutInscription.INSCRIT
    assert Session.objects.get().nb_inscrits == 1
    with time_machine.travel(debut - datetime.timedelta(minutes=30), tick=False):
        walk_in = attendance.add_walk_in(
            acteur=ctx["mediateur"], session=ctx["session"], beneficiaire=other
        )
    assert walk_in.statut == StatutInscription.PRESENT


def test_a_new_person_is_created_and_present_together_or_not_at_all():
    debut = T0 + datetime.timedelta(days=3)
    ctx = _session_at(debut)
    personne = {"prenom": "Awa", "telephone": "06 12 34 56 78", "consentement_sms": False}
    structure = ctx["session"].lieu.structure
    with time_machine.travel(T0, tick=False), pytest.raises(ValidationError) as exc:
        attendance.add_new_walk_in(
            acteur=ctx["mediateur"], session=ctx["session"], structure=structure, **personne
        )
    assert exc.value.code == "session_pas_commencee"
    # Found by tests/test_forms_fuzz.py: the file was created, then the presence refused.
    assert not Beneficiaire.objects.filter(prenom="Awa").exists()
    with time_machine.travel(debut, tick=False):
        walk_in = attendance.add_new_walk_in(
            acteur=ctx["mediateur"], session=ctx["session"], structure=structure, **personne
        )
    assert walk_in.statut == StatutInscription.PRESENT
    assert walk_in.beneficiaire.prenom == "Awa" and walk_in.beneficiaire.structure == structure


def test_own_cheque_is_recorded_as_without_paper_cheque():
    ctx = _session_at(T0 - datetime.timedelta(minutes=10))
    inscription = _present(ctx)
    enc = _cash(ctx, inscription, "sien", T0)
    assert Encaissement.objects.get(pk=enc.pk).sans_cheque_papier is True
    other = BeneficiaireFactory(structure=ctx["session"].lieu.structure)
    with time_machine.travel(T0, tick=False):
        walk_in = attendance.add_walk_in(
            acteur=ctx["mediateur"], session=ctx["session"], beneficiaire=other
        )
        scanned = attendance.redeem_for_presence(
            acteur=ctx["mediateur"],
            inscription=walk_in,
            demande_id=issuance.new_request_id(),
            code=ctx["item"].cheque_codes[1][1],
        )
    assert Encaissement.objects.get(pk=scanned.pk).sans_cheque_papier is False


def test_no_workshop_code_redeems_around_the_attendance_service():
    """Every workshop path cashes through attendance.redeem_for_presence, which gives the
    pass layer the session's window: no other module of the layers above the pass (ateliers,
    mediation, cms) calls the pass redemption."""
    attendance_py = Path(attendance.__file__).resolve()
    offenders = [
        str(path)
        for app in ("ateliers", "mediation", "cms")
        for path in Path(apps.get_app_config(app).path).rglob("*.py")
        if path.resolve() != attendance_py
        and "/migrations/" not in str(path)
        and re.search(r"redeem_cheque|redeem_own_cheque", path.read_text())
    ]
    assert offenders == []
