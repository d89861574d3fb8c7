"""Opening hours (OpenStreetMap `opening_hours` syntax) in plain French, and "open now?".

`horaires_en_clair` phrases the weekly rules people read on a leaflet or a kiosk. It phrases
only what it understands and checks its reading against the `opening_hours` engine over a
reference week: when anything differs or is unknown, it returns the raw expression, so it
never says something false.
"""

import datetime
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import timezone
from opening_hours import OpeningHours, State

from inclusion.mots_du_temps import JOURS, heure_en_mots

PARIS = ZoneInfo("Europe/Paris")
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
NOMS = JOURS
FULL_DAY = (0, 24 * 60)
# A Monday-to-Monday week with no French public holiday, to check our reading.
_REFERENCE_MONDAY = datetime.datetime(2024, 1, 8)

_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAY_RANGE = rf"{_DAY}(?:-{_DAY})?"
_DAYS_RE = re.compile(rf"^({_DAY_RANGE}(?:,{_DAY_RANGE})*)(?:\s+(.*))?$")
_TIME = r"(\d{1,2}):(\d{2})"
_SPAN_RE = re.compile(rf"^{_TIME}-{_TIME}$")
_OFF = {"off", "closed"}


class _Unsupported(Exception):
    """A rule we cannot phrase truthfully."""


def _parse_days(text):
    days = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        i = DAYS.index(first)
        j = DAYS.index(last) if last else i
        # "Fr-Mo" wraps around the week.
        span = range(i, j + 1) if j >= i else [*range(i, 7), *range(0, j + 1)]
        days.extend(d for d in span if d not in days)
    return days


def _parse_spans(text):
    if text.endswith(" open"):
        text = text[: -len(" open")].strip()
    spans = []
    for part in text.split(","):
        match = _SPAN_RE.match(part.strip())
        if not match:
            raise _Unsupported(part)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if m1 > 59 or m2 > 59 or not 0 <= start < end <= 24 * 60:
            raise _Unsupported(part)  # past midnight or malformed
        spans.append((start, end))
    return _merge(spans)


def _merge(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _parse(expr):
    """{day index: spans in minutes}, and whether public holidays are closed."""
    if any(t in expr.replace("24/7", "") for t in ('"', "||", "[", "+", "/", "week")):
        raise _Unsupported(expr)
    week = dict.fromkeys(range(7), ())
    ph_off = False
    rules = [r.strip() for r in expr.split(";")]
    for rule in filter(None, rules):
        if rule == "24/7":
            week = dict.fromkeys(range(7), (FULL_DAY,))
            continue
        if rule.startswith("PH"):
            if rule[2:].strip() not in _OFF:
                raise _Unsupported(rule)
            ph_off = True
            continue
        match = _DAYS_RE.match(rule)
        if match:
            days, rest = _parse_days(match.group(1)), (match.group(2) or "").strip()
        else:
            days, rest = list(range(7)), rule
        if not rest:
            raise _Unsupported(rule)  # "Mo-Fr" alone: open all day, too rare to phrase
        spans = () if rest in _OFF else _parse_spans(rest)
        for d in days:
            week[d] = spans
    return week, ph_off


def _engine_week(expr):
    """The same week as read by the opening_hours engine, or None if something is unknown."""
    start = _REFERENCE_MONDAY
    week = {d: [] for d in range(7)}
    for begin, end, state, _comment in OpeningHours(expr).intervals(
        start, start + datetime.timedelta(days=7)
    ):
        if state == State.UNKNOWN:
            return None
        if state != State.OPEN:
            continue
        b = int((begin - start).total_seconds() // 60)
        e = int((end - start).total_seconds() // 60)
        for d in range(7):  # split at midnight
            lo, hi = max(b, d * 1440), min(e, (d + 1) * 1440)
            if lo < hi:
                week[d].append((lo - d * 1440, hi - d * 1440))
    return {d: _merge(spans) for d, spans in week.items()}


def _heure(minutes):
    """A range's bound: "minuit" at either end ("de 20 h à minuit"), else "9 h 30"."""
    if minutes in (0, 24 * 60):
        return "minuit"
    return heure_en_mots(datetime.time(*divmod(minutes, 60)))


def _join_words(parts):
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _jours(days):
    if len(days) == 7:
        return "Tous les jours"
    runs = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"du {NOMS[run[0]]} au {NOMS[run[-1]]}")
        else:
            parts.extend(f"le {NOMS[d]}" for d in run)
    text = _join_words(parts)
    return text[0].upper() + text[1:]


def _plages(spans):
    if spans == (FULL_DAY,):
        return "jour et nuit"
    return _join_words([f"de {_heure(a)} à {_heure(b)}" for a, b in spans])


@lru_cache(maxsize=1024)
def _en_clair(expr):
    try:
        week, ph_off = _parse(expr)
        if _engine_week(expr) != week:
            return (expr,)
    except Exception:
        return (expr,)
    groups = {}
    for d in range(7):
        if week[d]:
            groups.setdefault(week[d], []).append(d)
    if not groups:
        return ("Fermé",)
    lines = [f"{_jours(days)} : {_plages(spans)}" for spans, days in groups.items()]
    if ph_off:
        lines.append("Fermé les jours fériés")
    return tuple(lines)


def horaires_en_clair(expr):
    """Plain French lines for an opening_hours expression; [expr] when it cannot be phrased.

    "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off" →
    ["Du lundi au vendredi : de 9 h à 12 h et de 14 h à 18 h", "Le samedi : de 9 h à 12 h",
     "Fermé les jours fériés"]
    """
    expr = " ".join((expr or "").split())
    if not expr:
        return []
    return list(_en_clair(expr))


@lru_cache(maxsize=1024)
def _engine(expr):
    try:
        return OpeningHours(expr, country="FR")
    except Exception:
        return None


def _local(now):
    """Naive Europe/Paris time, as the engine wants it (a naive `now` is taken as Paris time)."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        return now
    return now.astimezone(PARIS).replace(tzinfo=None)


def ouvert_maintenant(expr, now=None):
    """True if open at `now`, False if closed, None if unknown or no valid hours."""
    engine = _engine(" ".join((expr or "").split())) if expr else None
    if engine is None:
        return None
    t = _local(now)
    if engine.is_open(t):
        return True
    if engine.is_closed(t):
        return False
    return None


def prochaine_ouverture(expr, now=None):
    """When the place next opens after `now` (Europe/Paris aware), within a year, or None.

    If the place is open at `now`, this is the opening after the current one.
    """
    engine = _engine(" ".join((expr or "").split())) if expr else None
    if engine is None:
        return None
    t = _local(now)
    try:
        for start, _end, state, _comment in engine.intervals(t, t + datetime.timedelta(days=366)):
            if state == State.OPEN and start > t:
                return start.replace(tzinfo=PARIS)
    except Exception:
        return None
    return None
