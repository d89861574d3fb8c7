"""When a message may be sent: 09:00–19:00 Europe/Paris, Monday to Saturday, no public
holiday (Easter Monday, Ascension and Whit Monday included)."""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")
OPENS = datetime.time(9, 0)
CLOSES = datetime.time(19, 0)


@lru_cache(maxsize=16)
def _holidays(year):
    return holidays.France(years=year)


def is_open_day(day):
    return day.weekday() != 6 and day not in _holidays(day.year)


def is_open(moment):
    local = moment.astimezone(PARIS)
    return is_open_day(local.date()) and OPENS <= local.time() < CLOSES


def next_opening(moment):
    """`moment` itself if the window is open, else the next 09:00 of an open day (aware)."""
    if is_open(moment):
        return moment
    local = moment.astimezone(PARIS)
    day = local.date()
    if local.time() >= OPENS:
        day += datetime.timedelta(days=1)
    while not is_open_day(day):
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, OPENS, tzinfo=PARIS)
