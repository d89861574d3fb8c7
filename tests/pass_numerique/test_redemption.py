import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Journal
from inclusion.services.territoire import withdraw_qualification
from pass_numerique import codes
from pass_numerique.enums import StatutCarnet, StatutCheque
from pass_numerique.models import Carnet, Cheque, Encaissement
from pass_numerique.services import issuance, mon_pass
from pass_numerique.services.redemption import (
    RedemptionRefused,
    TooManyAttempts,
    check_cheque,
    checked_by,
    redeem_cheque,
)
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    LieuFactory,
    member,
)
from tests.pass_numerique.factories import issued, setup_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _redeem(ctx, code, **kwargs):
    kwargs.setdefault("demande_id", issuance.new_request_id())
    return redeem_cheque(
        acteur=ctx["mediateur"], lieu=ctx["lieu"], code=code, prestation="atelier", **kwargs
    )


def test_redeem_once_then_already_used_with_when_and_where():
    ctx = setup_pass()
    [item] = issued(ctx)
    cheque, code = item.cheque_codes[0]
    enc = _redeem(ctx, codes.format_code(code).lower(), reference="ateliers.session#4")
    assert enc.lieu == ctx["lieu"] and enc.valeur == 10 and enc.reference == "ateliers.session#4"
    cheque.refresh_from_db()
    assert cheque.statut == StatutCheque.ENCAISSE
    assert Carnet.objects.get().statut == StatutCarnet.ENTAME
    with pytest.raises(RedemptionRefused) as exc:
        _redeem(ctx, code)
    assert exc.value.check.reason == "deja_encaisse"
    assert ctx["lieu"].nom in exc.value.check.message
    assert Encaissement.objects.count() == 1
    enc.refresh_from_db()
    assert enc.encaisse_par == ctx["mediateur"] and enc.encaisse_le
    with pytest.raises(ValueError):
        enc.save()
    with pytest.raises(ValueError):
        enc.delete()


def test_resubmitted_form_creates_nothing_new():
    ctx = setup_pass()
    [item] = issued(ctx)
    request_id = issuance.new_request_id()
    first = _redeem(ctx, item.cheque_codes[0][1], demande_id=request_id)
    again = _redeem(ctx, item.cheque_codes[0][1], demande_id=request_id)
    assert first.pk == again.pk
    assert Encaissement.objects.count() == 1


def test_last_cheque_exhausts_the_carnet():
    ctx = setup_pass()
    [item] = issued(ctx)
    for _, code in item.cheque_codes:
        _redeem(ctx, code)
    assert Carnet.objects.get().statut == StatutCarnet.EPUISE
    assert Cheque.objects.filter(statut=StatutCheque.ENCAISSE).count() == 10


def test_every_refusal_reason():
    ctx = setup_pass()
    [item] = issued(ctx)
    code = item.cheque_codes[0][1]
    typo = code[:3] + ("A" if code[3] != "A" else "B") + code[4:]
    assert check_cheque(code=typo).reason == "code_invalide"
    unknown = codes.generate()
    assert check_cheque(code=unknown).reason == "inconnu"
    assert check_cheque(code=item.code).reason == "code_carnet"
    assert check_cheque(code=code, lieu=ctx["lieu"]).reason == "valide"
    # Not qualified, outside the perimeter.
    other = LieuFactory()
    assert check_cheque(code=code, lieu=other).reason == "lieu_non_qualifie"
    ctx["programme"].lieux.add(LieuFactory(qualifie=True))
    assert check_cheque(code=code, lieu=ctx["lieu"]).reason == "hors_perimetre"
    ctx["programme"].lieux.add(ctx["lieu"])
    ctx["programme"].communes.add(CommuneFactory(code_insee="33999"))
    assert check_cheque(code=code, lieu=ctx["lieu"]).reason == "hors_perimetre"
    ctx["programme"].communes.add(ctx["lieu"].commune)
    assert check_cheque(code=code, lieu=ctx["lieu"]).reason == "valide"
    # Expired after the tolerance.
    late = ctx["programme"].date_limite + datetime.timedelta(days=1)
    assert check_cheque(code=code, today=late).reason == "expire"
    assert check_cheque(code=code, today=ctx["programme"].date_limite).reason == "valide"
    # Blocked carnet.
    issuance.block_and_replace(acteur=ctx["prescripteur"], carnet=item.carnet)
    assert check_cheque(code=code).reason == "bloque"


def test_cancelled_and_closed():
    ctx = setup_pass()
    [item] = issued(ctx)
    issuance.cancel_carnet(acteur=ctx["prescripteur"], carnet=item.carnet)
    assert check_cheque(code=item.cheque_codes[0][1]).reason == "annule"
    [item2] = issued(ctx)
    ctx["programme"].statut = "clos"
    ctx["programme"].save()
    assert check_cheque(code=item2.cheque_codes[0][1]).reason == "programme_inactif"


def test_a_qualified_place_that_is_not_actif_cannot_redeem():
    """can_redeem: qualified, actif, and a médiateur of its structure; the service asks it."""
    from pass_numerique import perms

    ctx = setup_pass()
    [item] = issued(ctx)
    assert perms.can_redeem(ctx["mediateur"], ctx["lieu"])
    ctx["lieu"].actif = False
    ctx["lieu"].save(update_fields=["actif"])
    assert not perms.can_redeem(ctx["mediateur"], ctx["lieu"])
    with pytest.raises(PermissionDenied):
        _redeem(ctx, item.cheque_codes[0][1])
    assert not Encaissement.objects.exists()
    assert Cheque.objects.filter(statut=StatutCheque.ENCAISSE).count() == 0


def test_mediateur_of_unqualified_lieu_cannot_redeem():
    ctx = setup_pass()
    [item] = issued(ctx)
    unqualified = LieuFactory()
    user = member(Role.MEDIATEUR, structure=unqualified.structure)
    with pytest.raises(PermissionDenied):
        redeem_cheque(
            acteur=user,
            lieu=unqualified,
            code=item.cheque_codes[0][1],
            prestation="atelier",
            demande_id=issuance.new_request_id(),
        )
    coord = member(Role.COORDINATEUR)
    withdraw_qualification(acteur=coord, lieu=ctx["lieu"])
    ctx["lieu"].refresh_from_db()
    with pytest.raises(PermissionDenied):
        _redeem(ctx, item.cheque_codes[0][1])
    # A prescripteur (not médiateur) of a qualified lieu's structure cannot redeem either.
    lieu = LieuFactory(qualifie=True)
    with pytest.raises(PermissionDenied):
        redeem_cheque(
            acteur=member(Role.PRESCRIPTEUR, structure=lieu.structure),
            lieu=lieu,
            code=item.cheque_codes[0][1],
            prestation="atelier",
            demande_id=issuance.new_request_id(),
        )
    assert not Encaissement.objects.exists()


def test_ten_failed_checks_in_15_minutes_then_too_many_attempts():
    user = member(Role.VOLONTAIRE)
    for _ in range(10):
        assert checked_by(user=user, code=codes.generate()).reason == "inconnu"
    with pytest.raises(TooManyAttempts):
        checked_by(user=user, code=codes.generate())
    assert Journal.objects.filter(action="code.echec", acteur=user).count() == 10
    assert Journal.objects.filter(action="code.trop_de_tentatives").exists()
    # Another account is not affected.
    assert checked_by(user=member(Role.VOLONTAIRE), code=codes.generate()).reason == "inconnu"


def test_failures_older_than_15_minutes_do_not_count():
    from unittest import mock

    user = member(Role.MEDIATEUR)
    past = timezone.now() - datetime.timedelta(minutes=16)
    with mock.patch("django.utils.timezone.now", return_value=past):
        for _ in range(10):
            checked_by(user=user, code=codes.generate())
    assert checked_by(user=user, code=codes.generate()).reason == "inconnu"


def test_mon_pass_shows_first_name_balance_and_places():
    ctx = setup_pass()
    b = BeneficiaireFactory(structure=ctx["enveloppe"].structure, prenom="Odette", nom="Secret")
    [item] = issued(ctx, beneficiaire=b)
    _redeem(ctx, item.cheque_codes[0][1])
    info = mon_pass.lookup(codes.format_code(item.code))
    assert info.prenom == "Odette"
    assert info.restants == 9 and info.total == 10 and info.utilisable
    assert ctx["lieu"] in info.lieux
    assert not hasattr(info, "nom")
    assert mon_pass.lookup(codes.generate()) is None


@pytest.mark.postgresql
def test_redemption_rows_refuse_raw_update_and_delete_on_postgresql():
    from django.db import DatabaseError, connection, transaction

    ctx = setup_pass()
    [item] = issued(ctx)
    enc = _redeem(ctx, item.cheque_codes[0][1])
    for sql in (
        "UPDATE pass_numerique_encaissement SET valeur = 0 WHERE id = %s",
        "DELETE FROM pass_numerique_encaissement WHERE id = %s",
    ):
        with pytest.raises(DatabaseError) as exc, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [enc.pk])
        assert "encaissement" in str(exc.value)
    assert Encaissement.objects.get(pk=enc.pk).valeur == 10


def test_redemption_updates_the_persons_last_activity():
    ctx = setup_pass()
    b = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
    [item] = issued(ctx, beneficiaire=b)
    later = timezone.now() + datetime.timedelta(days=3)
    _redeem(ctx, item.cheque_codes[0][1], now=later)
    b.refresh_from_db()
    assert b.derniere_activite == later


def test_keyword_solde_gives_chèques_left():
    from inclusion.sms.keywords import Inbound
    from pass_numerique.sms import handle_solde

    ctx = setup_pass()
    b = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
    [item] = issued(ctx, beneficiaire=b)
    _redeem(ctx, item.cheque_codes[0][1])
    reply = handle_solde(Inbound(telephone="+33600000000", beneficiaires=[b]))
    assert "Il vous reste 9 chèque(s)" in reply
    assert "plus de chèque" in handle_solde(Inbound(telephone="+3360", beneficiaires=[]))
