"""Kiosk services: devices, PINs, the shift state, checks, places, registration rules."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Journal
from mediation.models import BorneKiosque, CodePin
from mediation.services import bornes, lieux, verification
from pass_numerique.services.redemption import MAX_FAILED_CHECKS, TooManyAttempts
from tests.inclusion.factories import LieuFactory, member
from tests.mediation.factories import PIN, pass_codes, setup_kiosque

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_device_token_is_stored_only_as_a_hash():
    ctx = setup_kiosque()
    borne = BorneKiosque.objects.get()
    assert ctx["jeton"] not in borne.jeton_hash and len(ctx["jeton"]) >= 40
    assert borne.structure == ctx["structure"] and borne.active_le is not None
    assert bornes.borne_du_cookie(bornes.cookie_value(borne, ctx["jeton"])) == borne
    assert bornes.borne_du_cookie(f"{borne.pk}:autre") is None
    assert bornes.borne_du_cookie("n'importe quoi") is None
    assert Journal.objects.filter(action="kiosque.appareil.activation").count() == 1


def test_only_coordinators_register_devices_and_pins():
    ctx = setup_kiosque()
    with pytest.raises(PermissionDenied):
        bornes.register_borne(acteur=ctx["volontaire"], lieu=ctx["lieu"], libelle="X")
    with pytest.raises(PermissionDenied):
        bornes.set_pin(
            acteur=ctx["volontaire"],
            user=ctx["volontaire"],
            structure=ctx["structure"],
            pin="4826",
        )


@pytest.mark.parametrize("pin", ["123", "1234567", "12a4", "1111", "1234", "654321", " ", "0000"])
def test_weak_or_malformed_pins_are_refused(pin):
    with pytest.raises(ValidationError):
        bornes.validate_pin(pin)


def test_pin_is_hashed_and_needs_a_kiosk_role():
    ctx = setup_kiosque()
    code = CodePin.objects.get()
    assert PIN not in code.pin_hash
    prescripteur = member(Role.PRESCRIPTEUR, structure=ctx["structure"])
    with pytest.raises(ValidationError):
        bornes.set_pin(
            acteur=ctx["coordinateur"], user=prescripteur, structure=ctx["structure"], pin="4826"
        )


def test_check_pin():
    ctx = setup_kiosque()
    email = ctx["volontaire"].email.upper()
    assert bornes.check_pin(email=email, pin=PIN, borne=ctx["borne"]) == ctx["volontaire"]
    assert bornes.check_pin(email=email, pin="9731", borne=ctx["borne"]) is None
    assert bornes.check_pin(email="inconnu@x.fr", pin=PIN, borne=ctx["borne"]) is None
    other = setup_kiosque()
    assert bornes.check_pin(email=email, pin=PIN, borne=other["borne"]) is None
    line = Journal.objects.filter(action="kiosque.pin.echec").first()
    assert set(line.details) == {"appareil", "lieu"}


def test_pin_rate_limit_per_device():
    ctx = setup_kiosque()
    for i in range(bornes.MAX_ECHECS_PIN_BORNE):
        bornes.check_pin(email=f"personne{i}@x.fr", pin="9731", borne=ctx["borne"])
    with pytest.raises(bornes.TropDEssaisPin):
        bornes.check_pin(email=ctx["volontaire"].email, pin=PIN, borne=ctx["borne"])


def test_activation_once():
    ctx = setup_kiosque()
    borne, jeton = bornes.register_borne(
        acteur=ctx["coordinateur"], lieu=ctx["lieu"], libelle="Écran"
    )
    assert bornes.activate_borne(jeton=jeton) == borne
    assert bornes.activate_borne(jeton=jeton) is None
    assert bornes.activation_pending("x" * 500) is None


def test_device_lieu_must_belong_to_its_structure():
    ctx = setup_kiosque()
    borne = BorneKiosque(
        structure=ctx["structure"], lieu=LieuFactory(), libelle="X", jeton_hash="a" * 64
    )
    with pytest.raises(ValidationError):
        borne.full_clean()


# --- Checks ------------------------------------------------------------------------------------


def test_verification_words():
    ctx = setup_kiosque()
    carnet_code, cheques, _ = pass_codes()
    result = verification.check_code(user=ctx["volontaire"], code=cheques[0])
    assert result.ok and result.quoi == "cheque" and "il reste 10 chèques" in result.message
    result = verification.check_code(user=ctx["volontaire"], code=carnet_code)
    assert result.ok and result.quoi == "carnet"
    assert result.message.startswith("Valable : 10 chèques, jusqu'au ")
    result = verification.check_code(user=ctx["volontaire"], code="abc")
    assert not result.ok and result.raison == "code_invalide"


def test_verification_shares_the_mediators_rate_limit():
    ctx = setup_kiosque()
    for _ in range(MAX_FAILED_CHECKS):
        verification.check_code(user=ctx["volontaire"], code="0000-0000-0000-0000-1")
    with pytest.raises(TooManyAttempts):
        verification.check_code(user=ctx["volontaire"], code="0000-0000-0000-0000-1")


# --- Places ------------------------------------------------------------------------------------


def test_distance_and_words():
    a = SimpleNamespace(latitude=44.84, longitude=-0.58)
    b = SimpleNamespace(latitude=44.85, longitude=-0.58)
    assert 1100 < lieux.distance_m(a, b) < 1125
    assert lieux.distance_m(a, SimpleNamespace(latitude=None, longitude=None)) is None
    assert lieux.distance_en_mots(30) == "ici, ou tout près"
    assert lieux.distance_en_mots(432) == "à 430 m"
    assert lieux.distance_en_mots(2540) == "à 2,5 km"


def test_same_commune_first_without_coordinates():
    ctx = setup_kiosque()
    ici = ctx["lieu"]
    ici.latitude = ici.longitude = None
    ici.save()
    ailleurs = LieuFactory(nom="A ailleurs")
    meme_commune = LieuFactory(nom="Z même commune", commune=ici.commune)
    noms = [p.lieu.nom for p in lieux.lieux_proches(ici=ici)]
    assert noms[0] == ici.nom
    assert noms.index(meme_commune.nom) < noms.index(ailleurs.nom)


def test_opening_in_words():
    now = timezone.make_aware(datetime.datetime(2026, 12, 1, 8, 0))
    assert lieux.ouverture_en_mots(True, None, now) == "Ouvert maintenant"
    assert lieux.ouverture_en_mots(False, now.replace(hour=9), now) == "Ouvre aujourd'hui à 9 h"
    demain = now + datetime.timedelta(days=1, hours=6, minutes=30)
    assert lieux.ouverture_en_mots(False, demain, now) == "Ouvre demain à 14 h 30"
    assert lieux.ouverture_en_mots(False, None, now) == "Horaires à demander"


def test_renew_activation_invalidates_the_old_cookie():
    ctx = setup_kiosque()
    borne = ctx["borne"]
    jeton = bornes.renew_activation(borne=borne, acteur=ctx["coordinateur"])
    assert bornes.borne_du_cookie(bornes.cookie_value(borne, ctx["jeton"])) is None
    assert bornes.activate_borne(jeton=jeton) == borne
    assert bornes.borne_du_cookie(bornes.cookie_value(borne, jeton)) == borne


def test_kiosque_lien_command(capsys):
    from django.core.management import call_command

    ctx = setup_kiosque()
    call_command("kiosque_lien")
    assert "Tablette" in capsys.readouterr().out
    call_command("kiosque_lien", str(ctx["borne"].pk), "--wet-run")
    out = capsys.readouterr().out
    assert "/kiosque/activer/" in out
    ctx["borne"].refresh_from_db()
    assert ctx["borne"].active_le is None


def test_used_cheque_says_neither_when_nor_where():
    from pass_numerique.services.redemption import redeem_cheque

    ctx = setup_kiosque()
    _, cheques, pctx = pass_codes()
    redeem_cheque(
        acteur=pctx["mediateur"],
        lieu=pctx["lieu"],
        code=cheques[0],
        prestation="atelier",
        demande_id="00000000-0000-0000-0000-000000000001",
    )
    result = verification.check_code(user=ctx["volontaire"], code=cheques[0])
    assert not result.ok and result.raison == "deja_encaisse"
    assert pctx["lieu"].nom not in result.message and "/" not in result.message
