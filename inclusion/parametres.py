"""Reading the query parameters of a list's filters or of an export's request, which come as
a QueryDict, a plain dict, or a dict of lists (as parse_qs gives them, stored with an export).
Invalid values read as empty, never as an error."""

import datetime


def read_param(params, key):
    """The last value given for `key`, stripped; "" when absent."""
    value = params.get(key, "")
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return str(value).strip() if value is not None else ""


def parse_day(text):
    """An ISO date (2026-03-10), or None."""
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None
