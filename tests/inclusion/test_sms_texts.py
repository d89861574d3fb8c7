import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inclusion.sms import gsm, window

PARIS = ZoneInfo("Europe/Paris")


def test_accents_in_gsm7_are_kept_and_others_replaced():
    text = "Réunion à l’atelier « Découvrir » : fenêtre, leçon… Ça commence."
    clean = gsm.normalize(text)
    assert clean == 'Réunion à l\'atelier " Découvrir " : fenetre, lecon... Ça commence.'
    assert gsm.encoding(clean) == gsm.GSM7
    assert gsm.encoding(text) == gsm.UCS2


@pytest.mark.parametrize(
    "text,segments",
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters count twice
        ("€" * 81, 2),
        ("ê" * 70, 1),  # UCS-2 before normalization
        ("ê" * 71, 2),
    ],
)
def test_segments(text, segments):
    assert gsm.segments(text) == segments


@given(st.text(alphabet="abcdéèàùçêëîïôûÉÇ’«»…–  .,!?0123456789", max_size=400))
def test_normalized_french_text_is_always_gsm7(text):
    assert gsm.encoding(gsm.normalize(text)) == gsm.GSM7


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    "moment,expected",
    [
        (at(2027, 3, 24, 10, 0), at(2027, 3, 24, 10, 0)),  # a Wednesday morning: now
        (at(2027, 3, 24, 19, 0), at(2027, 3, 25, 9, 0)),  # 19:00 sharp: tomorrow
        (at(2027, 3, 24, 7, 30), at(2027, 3, 24, 9, 0)),  # too early: 09:00
        (at(2027, 3, 27, 20, 0), at(2027, 3, 30, 9, 0)),  # Saturday night → Sunday, Easter Monday
        (at(2027, 5, 5, 19, 30), at(2027, 5, 7, 9, 0)),  # eve of Ascension
        (at(2027, 5, 15, 18, 0), at(2027, 5, 15, 18, 0)),  # Saturday is open
        (at(2027, 5, 15, 19, 1), at(2027, 5, 18, 9, 0)),  # Whit Monday after Sunday
    ],
)
def test_send_window(moment, expected):
    assert window.next_opening(moment) == expected


def test_window_across_daylight_saving_change():
    # Saturday 30 October 2027, 18:30 Paris (UTC+2); the clocks go back that night.
    moment = at(2027, 10, 30, 18, 30).astimezone(datetime.UTC)
    assert window.is_open(moment)
    nxt = window.next_opening(at(2027, 10, 30, 20, 0))
    assert nxt == at(2027, 11, 2, 9, 0)  # Sunday, then Monday 1 November (All Saints' Day)
    assert nxt.utcoffset() == datetime.timedelta(hours=1)
