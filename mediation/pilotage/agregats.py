"""Small pieces the sections "pass" and "ateliers" share: a period as a Q on a date field, the
months of a period and their labels, a rate that is None when nothing was counted."""

import datetime

from django.db.models import Q

from inclusion.mots_du_temps import MOIS, heure_locale


def instants(field, filtres):
    """`field` (a datetime) within the period: its local days du..au."""
    return Q(**{f"{field}__gte": filtres.debut, f"{field}__lt": filtres.fin})


def jours(field, filtres):
    """`field` (a date) within the period."""
    return Q(**{f"{field}__gte": filtres.du, f"{field}__lte": filtres.au})


def both_periods(filtres):
    """The period and the previous one, and the instants that span both (one query reads both
    with conditional aggregates)."""
    precedente = filtres.precedente()
    return precedente, precedente.debut, filtres.fin


def months(filtres):
    """The first day of each month of the period, in order."""
    day = filtres.du.replace(day=1)
    while day <= filtres.au:
        yield day
        day = (day + datetime.timedelta(days=32)).replace(day=1)


def month_key(value):
    """TruncMonth's value (an aware datetime, a naive one or a date) as the month's first day."""
    value = heure_locale(value)  # an aware datetime in Paris time
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.replace(day=1)


def month_label(day):
    return f"{MOIS[day.month - 1]} {day.year}"


def taux(numerateur, denominateur):
    """A rate between 0 and 1; None (not applicable) when the denominator is 0 or unknown."""
    if numerateur is None or not denominateur:
        return None
    return numerateur / denominateur
