import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inclusion.horaires import (
    PARIS,
    horaires_en_clair,
    ouvert_maintenant,
    prochaine_ouverture,
)


@pytest.mark.parametrize(
    "expr, lines",
    [
        (
            "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off",
            [
                "Du lundi au vendredi : de 9 h à 12 h et de 14 h à 18 h",
                "Le samedi : de 9 h à 12 h",
                "Fermé les jours fériés",
            ],
        ),
        (
            "Tu-Fr 10:00-12:30,14:00-18:00; Sa 10:00-17:00; PH off",
            [
                "Du mardi au vendredi : de 10 h à 12 h 30 et de 14 h à 18 h",
                "Le samedi : de 10 h à 17 h",
                "Fermé les jours fériés",
            ],
        ),
        (
            "Mo,Tu,Th 14:00-18:00; We 09:00-12:00,14:00-18:00; PH off",
            [
                "Le lundi, le mardi et le jeudi : de 14 h à 18 h",
                "Le mercredi : de 9 h à 12 h et de 14 h à 18 h",
                "Fermé les jours fériés",
            ],
        ),
        (
            "Tu,Th 09:30-12:00,14:00-17:00",
            ["Le mardi et le jeudi : de 9 h 30 à 12 h et de 14 h à 17 h"],
        ),
        (
            "We 14:00-17:00; Fr 09:00-12:00",
            ["Le mercredi : de 14 h à 17 h", "Le vendredi : de 9 h à 12 h"],
        ),
        ("Mo-Th 14:00-18:00", ["Du lundi au jeudi : de 14 h à 18 h"]),
        ("Mo-We,Fr 08:30-12:00", ["Du lundi au mercredi et le vendredi : de 8 h 30 à 12 h"]),
        ("Mo-Su 10:00-19:00", ["Tous les jours : de 10 h à 19 h"]),
        ("Sa 20:00-24:00", ["Le samedi : de 20 h à minuit"]),
        # A later rule replaces the earlier one for its days, as in OpenStreetMap.
        (
            "Mo-Fr 09:00-18:00; We 09:00-12:00",
            [
                "Le lundi, le mardi, le jeudi et le vendredi : de 9 h à 18 h",
                "Le mercredi : de 9 h à 12 h",
            ],
        ),
        ("Mo-Fr 09:00-12:00; Sa off", ["Du lundi au vendredi : de 9 h à 12 h"]),
        ("  Mo-Fr   09:00-12:00 ", ["Du lundi au vendredi : de 9 h à 12 h"]),
        ("", []),
    ],
)
def test_horaires_en_clair(expr, lines):
    assert horaires_en_clair(expr) == lines


def test_every_demo_place_is_phrased():
    from inclusion.management.commands.demo import LIEUX

    for row in LIEUX:
        expr = row[5]
        lines = horaires_en_clair(expr)
        assert lines != [expr], expr
        assert not any(":00" in line or "Mo" in line for line in lines)


@pytest.mark.parametrize(
    "expr",
    [
        "Mo-Fr 22:00-02:00",  # past midnight
        'Mo-Fr 09:00-12:00 "sur rendez-vous"',
        "Jan-Mar Mo 10:00-12:00",
        "sunrise-sunset",
        "Mo-Fr 09:00+",
        "Mo[1] 10:00-12:00",
        "Mo-Fr 09:00-12:00, Sa 10:00-11:00",
        "Mo-Fr 09:00-12:00; PH 10:00-12:00",
        "week 1-26 Mo 10:00-12:00",
        "Lu-Ve 9h-12h",  # not OpenStreetMap at all
    ],
)
def test_unsupported_rules_come_back_raw(expr):
    assert horaires_en_clair(expr) == [expr]


DAY = st.sampled_from(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"])
DAYS = st.one_of(DAY, st.builds(lambda a, b: f"{a}-{b}", DAY, DAY)).map(str)
DAY_SELECTOR = st.lists(DAYS, min_size=1, max_size=3).map(",".join)


@st.composite
def spans(draw):
    cuts = sorted(draw(st.sets(st.integers(0, 24 * 4), min_size=2, max_size=6)))
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    return ",".join(
        f"{a // 4:02d}:{a % 4 * 15:02d}-{b // 4:02d}:{b % 4 * 15:02d}" for a, b in pairs
    )


RULE = st.one_of(
    st.builds(lambda d, s: f"{d} {s}", DAY_SELECTOR, spans()),
    st.builds(lambda d: f"{d} off", DAY_SELECTOR),
    st.just("PH off"),
)
EXPR = st.lists(RULE, min_size=1, max_size=4).map("; ".join)


@settings(max_examples=200, deadline=None)
@given(EXPR)
def test_supported_expressions_are_phrased_in_french(expr):
    lines = horaires_en_clair(expr)
    assert lines != [expr]
    assert all(isinstance(line, str) and line for line in lines)
    assert not any(token in line for line in lines for token in (":00", ":15", "Mo", "Fr", "PH"))


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.builds(
            lambda p, e: f"{p} {e}", st.sampled_from(["Jan", "week 2", "2026", "easter"]), EXPR
        ),
        st.builds(lambda e: f'{e} "sur rendez-vous"', EXPR),
    )
)
def test_never_raises_and_unsupported_is_raw(expr):
    lines = horaires_en_clair(expr)
    assert isinstance(lines, list)
    if any(marker in expr for marker in ("Jan", "week", "2026", "easter", '"')):
        assert lines == [" ".join(expr.split())]


HOURS = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off"


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    "now, expected",
    [
        (paris(2026, 3, 2, 10, 0), True),  # Monday morning
        (paris(2026, 3, 2, 12, 30), False),  # lunch break
        (paris(2026, 3, 8, 10, 0), False),  # Sunday
        (paris(2026, 5, 1, 10, 0), False),  # Friday 1 May, public holiday
        (datetime.datetime(2026, 7, 4, 8, 30, tzinfo=datetime.UTC), True),  # 10:30 in Paris
    ],
)
def test_ouvert_maintenant(now, expected):
    assert ouvert_maintenant(HOURS, now=now) is expected


def test_ouvert_maintenant_without_valid_hours_is_unknown():
    assert ouvert_maintenant("", now=paris(2026, 3, 2, 10, 0)) is None
    assert ouvert_maintenant("Lu-Ve 9h-12h", now=paris(2026, 3, 2, 10, 0)) is None
    assert prochaine_ouverture("Lu-Ve 9h-12h", now=paris(2026, 3, 2, 10, 0)) is None


@pytest.mark.parametrize(
    "now, expected",
    [
        (paris(2026, 3, 2, 12, 30), paris(2026, 3, 2, 14, 0)),
        (paris(2026, 3, 2, 10, 0), paris(2026, 3, 2, 14, 0)),  # open now: the next opening
        (paris(2026, 3, 7, 13, 0), paris(2026, 3, 9, 9, 0)),  # Saturday afternoon → Monday
        (paris(2026, 4, 30, 19, 0), paris(2026, 5, 2, 9, 0)),  # 1 May is skipped
        (paris(2026, 3, 28, 13, 0), paris(2026, 3, 30, 9, 0)),  # across the switch to summer time
    ],
)
def test_prochaine_ouverture(now, expected):
    result = prochaine_ouverture(HOURS, now=now)
    assert result == expected
    assert result.utcoffset() == expected.utcoffset()


def test_prochaine_ouverture_takes_any_timezone():
    now = datetime.datetime(2026, 3, 2, 11, 30, tzinfo=datetime.UTC)  # 12:30 in Paris
    assert prochaine_ouverture(HOURS, now=now) == paris(2026, 3, 2, 14, 0)


def test_never_opens():
    assert prochaine_ouverture("off", now=paris(2026, 3, 2, 10, 0)) is None
