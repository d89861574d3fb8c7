import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from inclusion.models import Journal
from pass_numerique.enums import StatutCarnet, StatutCheque
from pass_numerique.models import Carnet, Cheque
from pass_numerique.services import expiry, issuance
from pass_numerique.services.redemption import redeem_cheque
from tests.pass_numerique.factories import issued, setup_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def ctx():
    ctx = setup_pass(tolerance_jours=31)
    items = issued(ctx, nombre=3)
    # One entamé carnet, one handed over, one cancelled.
    redeem_cheque(
        acteur=ctx["mediateur"],
        lieu=ctx["lieu"],
        code=items[0].cheque_codes[0][1],
        prestation="atelier",
        demande_id=issuance.new_request_id(),
    )
    issuance.hand_over(acteur=ctx["prescripteur"], carnet=items[1].carnet)
    issuance.cancel_carnet(acteur=ctx["prescripteur"], carnet=items[2].carnet)
    ctx["items"] = items
    return ctx


def test_alerts_from_j30_until_the_tolerance_ends(ctx):
    p = ctx["programme"]
    assert expiry.alerts(today=p.fin_validite - datetime.timedelta(days=31)) == []
    [alerte] = expiry.alerts(today=p.date_alerte)
    assert alerte.jours_restants == 30
    [s] = alerte.structures
    assert s.structure_id == ctx["enveloppe"].structure_id
    assert (s.carnets, s.cheques) == (2, 19)
    assert expiry.alerts(today=p.date_limite)[0].jours_restants == -31
    assert expiry.alerts(today=p.date_limite + datetime.timedelta(days=1)) == []


def test_nothing_expires_before_the_tolerance_ends(ctx):
    p = ctx["programme"]
    assert expiry.programmes_to_expire(today=p.date_limite) == []
    with pytest.raises(ValidationError, match="pas encore expirer"):
        expiry.expire_programme(programme=p, today=p.date_limite)
    assert not Cheque.objects.filter(statut=StatutCheque.EXPIRE).exists()


def test_expire_after_tolerance_then_idempotent(ctx):
    p = ctx["programme"]
    day = p.date_limite + datetime.timedelta(days=1)
    [todo] = expiry.programmes_to_expire(today=day)
    assert (todo.cheques, todo.carnets) == (19, 2)
    [done] = expiry.expire_all(today=day)
    assert (done.cheques, done.carnets) == (19, 2)
    statuts = dict(Carnet.objects.values_list("pk", "statut"))
    assert statuts[ctx["items"][0].carnet.pk] == StatutCarnet.EXPIRE
    assert statuts[ctx["items"][1].carnet.pk] == StatutCarnet.EXPIRE
    assert statuts[ctx["items"][2].carnet.pk] == StatutCarnet.ANNULE
    assert Cheque.objects.filter(statut=StatutCheque.ENCAISSE).count() == 1
    assert Cheque.objects.filter(statut=StatutCheque.ANNULE).count() == 10
    line = Journal.objects.get(action="programme.expiration")
    assert line.details == {"cheques_expires": 19, "carnets_expires": 2}
    # Second run: nothing to do, no new journal line.
    assert expiry.expire_all(today=day) == []
    assert expiry.expire_programme(programme=p, today=day).cheques == 0
    assert Journal.objects.filter(action="programme.expiration").count() == 1


def test_command_is_a_dry_run_without_wet_run(ctx):
    p = ctx["programme"]
    day = (p.date_limite + datetime.timedelta(days=1)).isoformat()
    out = io.StringIO()
    call_command("expire_pass", date=day, stdout=out)
    assert "19 chèque(s) et 2 carnet(s) expireraient" in out.getvalue()
    assert not Cheque.objects.filter(statut=StatutCheque.EXPIRE).exists()
    out = io.StringIO()
    call_command("expire_pass", "--wet-run", date=day, stdout=out)
    assert "19 chèque(s) et 2 carnet(s) expirés" in out.getvalue()
    assert Cheque.objects.filter(statut=StatutCheque.EXPIRE).count() == 19
    out = io.StringIO()
    call_command("expire_pass", "--wet-run", date=day, stdout=out)
    assert "Rien à faire expirer" in out.getvalue()


def test_command_prints_alerts(ctx):
    out = io.StringIO()
    call_command("expire_pass", date=ctx["programme"].date_alerte.isoformat(), stdout=out)
    text = out.getvalue()
    assert "Alerte" in text and ctx["enveloppe"].structure.nom in text
    assert "2 carnet(s), 19 chèque(s)" in text
