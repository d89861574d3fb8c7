"""Times and dates in words: one rule for pages, SMS and the kiosk (inclusion.mots_du_temps)."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.template import Context, Template

from ateliers.services.notifications import valeurs
from ateliers.templatetags.ateliers_mots import quand_en_mots
from inclusion.mots_du_temps import (
    PARIS,
    date_en_mots,
    date_et_annee_en_mots,
    date_et_heure_en_mots,
    heure_en_mots,
    jour_relatif_en_mots,
    ouverture_en_mots,
    plage_en_mots,
)
from mediation.services import lieux as kiosque_lieux

UTC = datetime.UTC


def paris(*args, **kwargs):
    return datetime.datetime(*args, tzinfo=PARIS, **kwargs)


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def fige():
    """Freeze the clock on Tuesday 1 December 2026, 10 h in Paris."""
    with time_machine.travel(paris(2026, 12, 1, 10, 0), tick=False):
        yield


# A time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heure, minute, mots",
    [
        (0, 0, "0 h"),  # the start of a day: "minuit" would read as the night before
        (0, 5, "0 h 05"),
        (9, 0, "9 h"),
        (9, 7, "9 h 07"),  # minutes keep their leading zero, hours never get one
        (12, 0, "12 h"),  # noon in digits, as in the opening hours ("de 9 h à 12 h")
        (12, 5, "12 h 05"),
        (14, 30, "14 h 30"),
        (23, 59, "23 h 59"),
    ],
)
def test_time_in_words(heure, minute, mots):
    assert heure_en_mots(paris(2026, 12, 1, heure, minute)) == mots
    assert heure_en_mots(datetime.time(heure, minute)) == mots


def test_an_aware_time_is_said_in_paris_time_a_naive_one_as_given():
    assert heure_en_mots(utc(2026, 12, 1, 13, 30)) == "14 h 30"  # winter: UTC+1
    assert heure_en_mots(utc(2026, 7, 1, 12, 0)) == "14 h"  # summer: UTC+2
    assert heure_en_mots(datetime.datetime(2026, 7, 1, 14, 0)) == "14 h"  # naive = Paris


def test_dst_days():
    # Last Sunday of March 2026: 2 h does not exist, the clock goes from 1 h 59 to 3 h.
    assert heure_en_mots(utc(2026, 3, 29, 0, 59)) == "1 h 59"
    assert heure_en_mots(utc(2026, 3, 29, 1, 0)) == "3 h"
    assert heure_en_mots(utc(2026, 3, 29, 1, 30)) == "3 h 30"
    # Last Sunday of October 2026: 2 h 30 happens twice, both are "2 h 30".
    assert heure_en_mots(utc(2026, 10, 25, 0, 30)) == "2 h 30"
    assert heure_en_mots(utc(2026, 10, 25, 1, 30)) == "2 h 30"
    assert heure_en_mots(utc(2026, 10, 25, 2, 0)) == "3 h"
    # A session at 2 h 30 or 3 h local that day.
    session = SimpleNamespace(debut=paris(2026, 10, 25, 2, 30), fin=paris(2026, 10, 25, 3, 0))
    with time_machine.travel(paris(2026, 10, 20, 9, 0), tick=False):
        assert quand_en_mots(session) == "dimanche 25 octobre, de 2 h 30 à 3 h"
        assert date_et_heure_en_mots(session.debut) == "le dimanche 25 octobre à 2 h 30"


# A date ------------------------------------------------------------------------------------


def test_date_in_words(fige):
    assert date_en_mots(datetime.date(2026, 12, 3)) == "jeudi 3 décembre"
    assert date_en_mots(datetime.date(2026, 12, 1)) == "mardi 1er décembre"
    assert date_en_mots(datetime.date(2026, 12, 3), semaine=False) == "3 décembre"
    assert date_en_mots(datetime.date(2026, 12, 3), annee=True) == "jeudi 3 décembre 2026"
    # The year only when it is not this year (unless asked not to).
    assert date_en_mots(datetime.date(2027, 1, 5)) == "mardi 5 janvier 2027"
    assert date_en_mots(datetime.date(2027, 1, 5), annee=False) == "mardi 5 janvier"
    assert date_en_mots(datetime.date(2025, 12, 2)) == "mardi 2 décembre 2025"
    # Deadlines (the printed pass, the kiosk's check, Mon pass): the year always, no weekday.
    assert date_et_annee_en_mots(datetime.date(2026, 12, 31)) == "31 décembre 2026"
    assert date_et_annee_en_mots(datetime.date(2027, 3, 1)) == "1er mars 2027"


def test_a_utc_datetime_that_is_another_day_in_paris(fige):
    nouvel_an = utc(2026, 12, 31, 23, 30)  # 0 h 30 on 1 January in Paris
    assert date_en_mots(nouvel_an) == "vendredi 1er janvier 2027"
    assert heure_en_mots(nouvel_an) == "0 h 30"
    assert date_et_heure_en_mots(nouvel_an) == "le vendredi 1er janvier 2027 à 0 h 30"
    veille = utc(2026, 12, 2, 23, 0)  # Thursday 3 December, 0 h in Paris
    assert jour_relatif_en_mots(veille) == "jeudi"
    assert ouverture_en_mots(veille) == "Ouvre jeudi à 0 h"


def test_a_naive_datetime_is_paris_time(fige):
    assert date_en_mots(datetime.datetime(2026, 12, 3, 23, 30)) == "jeudi 3 décembre"
    assert ouverture_en_mots(datetime.datetime(2026, 12, 1, 23, 30)) == (
        "Ouvre aujourd'hui à 23 h 30"
    )


# A relative day and an opening -------------------------------------------------------------


def test_relative_day(fige):
    assert jour_relatif_en_mots(paris(2026, 12, 1, 23, 59)) == "aujourd'hui"
    assert jour_relatif_en_mots(paris(2026, 12, 2, 0, 0)) == "demain"
    assert jour_relatif_en_mots(paris(2026, 12, 3, 9, 0)) == "jeudi"
    assert jour_relatif_en_mots(paris(2026, 12, 7, 9, 0)) == "lundi"  # 6 days ahead
    assert jour_relatif_en_mots(paris(2026, 12, 8, 9, 0)) == "le mardi 8 décembre"
    assert jour_relatif_en_mots(paris(2026, 11, 30, 9, 0)) == "le lundi 30 novembre"
    assert jour_relatif_en_mots(datetime.date(2026, 12, 2)) == "demain"


def test_tomorrow_across_a_month_end_and_a_year_end():
    with time_machine.travel(paris(2026, 4, 30, 20, 0), tick=False):
        assert ouverture_en_mots(paris(2026, 5, 1, 9, 0)) == "Ouvre demain à 9 h"
    with time_machine.travel(paris(2026, 12, 31, 23, 0), tick=False):
        assert ouverture_en_mots(paris(2027, 1, 1, 9, 0)) == "Ouvre demain à 9 h"
        assert ouverture_en_mots(paris(2027, 1, 4, 9, 0)) == "Ouvre lundi à 9 h"
        assert ouverture_en_mots(paris(2027, 1, 12, 9, 0)) == "Ouvre le mardi 12 janvier 2027 à 9 h"


def test_tomorrow_across_a_dst_change():
    # Saturday 23 h 30 → Sunday 23 h (summer time): 22 h 30 later, still "demain".
    with time_machine.travel(paris(2026, 3, 28, 23, 30), tick=False):
        assert ouverture_en_mots(paris(2026, 3, 29, 23, 0)) == "Ouvre demain à 23 h"
        assert ouverture_en_mots(utc(2026, 3, 29, 1, 0)) == "Ouvre demain à 3 h"
    # Saturday 0 h 30 → Sunday 23 h 59 (winter time): 48 h 29 later, still "demain".
    with time_machine.travel(paris(2026, 10, 24, 0, 30), tick=False):
        assert ouverture_en_mots(paris(2026, 10, 25, 23, 59)) == "Ouvre demain à 23 h 59"
        assert ouverture_en_mots(utc(2026, 10, 25, 1, 30)) == "Ouvre demain à 2 h 30"
        assert ouverture_en_mots(paris(2026, 10, 26, 0, 0)) == "Ouvre lundi à 0 h"


def test_now_can_be_given():
    now = paris(2026, 3, 2, 10, 0)  # a Monday
    assert ouverture_en_mots(paris(2026, 3, 3, 9, 0), now) == "Ouvre demain à 9 h"
    assert jour_relatif_en_mots(paris(2026, 3, 9, 9, 0), now=now) == "le lundi 9 mars"


# A moment and a range ----------------------------------------------------------------------


def test_moment_and_range(fige):
    debut = paris(2026, 12, 3, 14, 0)
    assert date_et_heure_en_mots(debut) == "le jeudi 3 décembre à 14 h"
    assert date_et_heure_en_mots(debut, semaine=False) == "le 3 décembre à 14 h"
    assert plage_en_mots(debut, paris(2026, 12, 3, 16, 30)) == (
        "jeudi 3 décembre, de 14 h à 16 h 30"
    )
    assert plage_en_mots(paris(2026, 12, 3, 22, 0), paris(2026, 12, 4, 2, 0)) == (
        "jeudi 3 décembre, de 22 h au vendredi 4 décembre à 2 h"
    )


# The same words at every door --------------------------------------------------------------


def test_pages_sms_and_kiosk_say_the_same(fige):
    debut = utc(2026, 12, 1, 23, 0)  # Wednesday 2 December, 0 h in Paris
    session = SimpleNamespace(
        debut=debut,
        fin=debut + datetime.timedelta(hours=2),
        theme=SimpleNamespace(titre_falc="Mon téléphone"),
        lieu=SimpleNamespace(nom="Médiathèque"),
    )
    # SMS: absolute (a text is read later).
    assert valeurs(session)["quand"] == "le mercredi 2 décembre à 0 h"
    assert valeurs(session)["quand_court"] == "le 2 décembre à 0 h"
    # Staff and public pages.
    assert quand_en_mots(session) == "mercredi 2 décembre, de 0 h à 2 h"
    # Kiosk and public site: the same opening words.
    now = paris(2026, 12, 1, 10, 0)
    assert kiosque_lieux.ouverture_en_mots(False, debut, now) == ouverture_en_mots(debut, now)
    assert ouverture_en_mots(debut, now) == "Ouvre demain à 0 h"
    # Beyond tomorrow the kiosk said "Ouvre jeudi 3 décembre à 9 h", the public site
    # "Ouvre jeudi à 9 h": now both say the site's words.
    for moment, mots in (
        (paris(2026, 12, 3, 9, 0), "Ouvre jeudi à 9 h"),
        (paris(2026, 12, 15, 9, 0), "Ouvre le mardi 15 décembre à 9 h"),
    ):
        assert kiosque_lieux.ouverture_en_mots(False, moment, now) == mots
        assert ouverture_en_mots(moment, now) == mots
    html = Template(
        "{% load mots_du_temps %}{{ d|heure_en_mots }}|{{ d|date_en_mots }}|"
        "{{ d|jour_relatif_en_mots }}|{{ d|ouverture_en_mots }}|{{ d|date_et_heure_en_mots }}"
    ).render(Context({"d": debut}))
    assert html == (
        "0 h|mercredi 2 décembre|demain|Ouvre demain à 0 h|le mercredi 2 décembre à 0 h"
    )


@pytest.mark.django_db
def test_the_solde_sms_says_its_date_in_words(fige):
    from inclusion.sms.keywords import Inbound
    from pass_numerique.sms import handle_solde
    from tests.inclusion.factories import BeneficiaireFactory
    from tests.pass_numerique.factories import issued, setup_pass

    ctx = setup_pass()
    b = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
    [item] = issued(ctx, beneficiaire=b)
    fin = item.carnet.fin_validite
    reply = handle_solde(Inbound(telephone="+33600000000", beneficiaires=[b]))
    assert reply.endswith(f"valables jusqu'au {date_et_annee_en_mots(fin)}.")  # was 31/12/2026
