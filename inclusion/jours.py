"""Days as ranges of instants, for queries an index can serve.

`debut__date__gte=day` makes the database convert every row's instant to a local date before
comparing, which no index on `debut` serves (bench/national: the sessions list). The same
condition as a range of instants uses the index."""

import datetime

from django.utils import timezone


def debut_du_jour(jour):
    """The first instant of `jour` in the current time zone (Europe/Paris).

    Attaching the zone to midnight is exact: Paris changes its clocks at 02:00 and 03:00, so
    midnight exists once on every day, DST days included."""
    return datetime.datetime.combine(
        jour, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def debut_du_lendemain(jour):
    return debut_du_jour(jour + datetime.timedelta(days=1))
