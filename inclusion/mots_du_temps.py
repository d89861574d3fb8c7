"""Times and dates in plain French: one rule for every door (public pages, SMS, kiosk, staff).

- a time: "9 h", "14 h 30", "12 h", "0 h 05"; the start of a day is "0 h", not "minuit"
  ("lundi à minuit" reads as the night from Monday to Tuesday). Numbers stay in digits (FALC).
  The end of an opening-hours range is "minuit" ("de 20 h à minuit"): inclusion.horaires.
- a date: "mardi 3 décembre", "lundi 1er décembre"; the year only when it is not this year.
- a deadline: "31 décembre 2026", "1er mars 2027" (the year always, no weekday).
- a relative day: "aujourd'hui", "demain", "jeudi" (within 6 days), "le mardi 17 mars".
- an opening: "Ouvre demain à 9 h".
- a moment: "le mardi 3 décembre à 14 h", never relative: an SMS read later must stay true.
- a range: "mardi 3 décembre, de 14 h à 16 h 30".

Aware datetimes are first converted to Europe/Paris; naive ones are taken as Paris time;
dates and times are used as given. Day and month names are spelled here, not by the active
translation, so a text built by a background task reads the same as a page.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def heure_locale(moment):
    """An aware datetime in Paris time; a naive one, a date or a time as given."""
    if isinstance(moment, datetime.datetime) and timezone.is_aware(moment):
        return moment.astimezone(PARIS)
    return moment


def _jour(moment):
    local = heure_locale(moment)
    return local.date() if isinstance(local, datetime.datetime) else local


def _aujourdhui(now):
    return _jour(now or timezone.now())


def heure_en_mots(moment):
    """datetime or time → "14 h 30", "9 h", "12 h", "0 h" (no leading zero, no "00")."""
    local = heure_locale(moment)
    return f"{local.hour} h" + (f" {local.minute:02d}" if local.minute else "")


def date_en_mots(moment, *, semaine=True, annee=None, now=None):
    """date or datetime → "mardi 3 décembre" ("3 décembre" without `semaine`); the first of
    the month is "1er"; the year when `annee` is True, or by default when it is not this
    year ("mardi 5 janvier 2027")."""
    jour = _jour(moment)
    texte = f"{'1er' if jour.day == 1 else jour.day} {MOIS[jour.month - 1]}"
    if semaine:
        texte = f"{JOURS[jour.weekday()]} {texte}"
    if annee is None:
        annee = jour.year != _aujourdhui(now).year
    if annee:
        texte += f" {jour.year}"
    return texte


def date_et_annee_en_mots(moment):
    """ "31 décembre 2026", "1er mars 2027": validity dates and deadlines."""
    return date_en_mots(moment, semaine=False, annee=True)


def jour_relatif_en_mots(moment, now=None):
    """ "aujourd'hui", "demain", "jeudi" (2 to 6 days ahead), else "le mardi 17 mars".
    Counted in Paris calendar days, so a DST change or a month end changes nothing."""
    jours = (_jour(moment) - _aujourdhui(now)).days
    if jours == 0:
        return "aujourd'hui"
    if jours == 1:
        return "demain"
    if 1 < jours < 7:
        return JOURS[_jour(moment).weekday()]
    return "le " + date_en_mots(moment, now=now)


def ouverture_en_mots(moment, now=None):
    """ "Ouvre aujourd'hui à 14 h", "Ouvre demain à 9 h", "Ouvre jeudi à 9 h 30",
    "Ouvre le mardi 17 mars à 9 h"."""
    return f"Ouvre {jour_relatif_en_mots(moment, now=now)} à {heure_en_mots(moment)}"


def date_et_heure_en_mots(moment, *, semaine=True, now=None):
    """ "le mardi 3 décembre à 14 h" ("le 3 décembre à 14 h" without `semaine`)."""
    jour = date_en_mots(moment, semaine=semaine, now=now)
    return f"le {jour} à {heure_en_mots(moment)}"


def plage_en_mots(debut, fin, now=None):
    """ "mardi 3 décembre, de 14 h à 16 h 30"; over two days
    "mardi 3 décembre, de 22 h au mercredi 4 décembre à 2 h"."""
    jour = date_en_mots(debut, now=now)
    if _jour(fin) != _jour(debut):
        fin_mots = f"{date_en_mots(fin, now=now)} à {heure_en_mots(fin)}"
        return f"{jour}, de {heure_en_mots(debut)} au {fin_mots}"
    return f"{jour}, de {heure_en_mots(debut)} à {heure_en_mots(fin)}"
