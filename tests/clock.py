"""The instant the tests' clock is frozen at, unless a test travels elsewhere itself.

A Tuesday, 10 h in Paris: no public holiday in the weeks around it, the month's end two weeks
ahead, and no change of summer time within four months either way (sessions a few days or
weeks ahead keep their wall-clock hours)."""

import datetime
import zoneinfo

FROZEN_AT = datetime.datetime(2026, 11, 17, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
TODAY = FROZEN_AT.date()
