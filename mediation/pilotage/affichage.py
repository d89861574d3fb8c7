"""How the dashboards write their values: numbers the French way (narrow no-break space
between thousands, comma for decimals), euros, rates, and the change from the previous
period ("+12 % par rapport à la période précédente")."""

from decimal import Decimal

from mediation.pilotage.sections import Masque

NNBSP = "\u202f"  # between thousands, before % and €
NBSP = "\u00a0"
VIDE = "—"  # not applicable (None): never written as 0


def _groups(text):
    """'1234567' → '1 234 567' (narrow no-break spaces)."""
    negative = text.startswith("-")
    digits = text.lstrip("-")
    parts = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return ("−" if negative else "") + NNBSP.join(parts)


def nombre(value, decimales=0):
    """A number in French: 1 234 or 12,5 (decimals dropped when whole)."""
    if value is None:
        return VIDE
    rounded = round(float(value), decimales)
    if decimales == 0 or rounded == int(rounded):
        return _groups(str(int(round(rounded))))
    whole, _, frac = f"{abs(rounded):.{decimales}f}".partition(".")
    sign = "-" if rounded < 0 else ""
    return _groups(sign + whole) + "," + frac.rstrip("0")


def valeur(value, unite=""):
    """One figure with its unit: 1 234 · 1 234,50 € · 45 % · 3,5 jours · — (None)."""
    if value is None:
        return VIDE
    if isinstance(value, (str, Masque)):  # a text column (a name…), or "< 5"
        return str(value)
    if unite == "%":
        return f"{nombre(float(value) * 100, 1 if abs(float(value)) < 0.1 else 0)}{NNBSP}%"
    if unite == "€":
        if isinstance(value, Decimal) and value != value.to_integral_value():
            whole, _, cents = f"{abs(value):.2f}".partition(".")
            sign = "-" if value < 0 else ""
            return f"{_groups(sign + whole)},{cents}{NNBSP}€"
        return f"{nombre(value)}{NNBSP}€"
    if unite == "jours":
        return f"{nombre(value, 1)}{NBSP}jour{'s' if abs(float(value)) >= 2 else ''}"
    if isinstance(value, float):
        return nombre(value, 1)
    return nombre(value)


def evolution(value, precedent, unite=""):
    """The change from the previous period, in words; "" when it cannot be said.

    Rates change in points (45 % → 50 %: "+5 points"), other figures in percent of the
    previous value; from 0, "contre 0"."""
    if value is None or precedent is None or isinstance(value, str):
        return ""
    if isinstance(value, Masque) or isinstance(precedent, Masque):
        return ""
    v, p = float(value), float(precedent)
    if unite == "%":
        points = round((v - p) * 100)
        if points == 0:
            return "stable par rapport à la période précédente"
        pluriel = "s" if abs(points) > 1 else ""
        signe = "+" if points > 0 else "−"
        return f"{signe}{abs(points)}{NBSP}point{pluriel} par rapport à la période précédente"
    if p == 0:
        if v == 0:
            return "stable par rapport à la période précédente (0)"
        return "contre 0 sur la période précédente"
    change = round((v - p) / abs(p) * 100)
    if change == 0:
        return f"stable par rapport à la période précédente ({valeur(precedent, unite)})"
    sign = "+" if change > 0 else "−"
    return (
        f"{sign}{_groups(str(abs(change)))}{NNBSP}% par rapport à la période précédente "
        f"({valeur(precedent, unite)})"
    )


def cellule(value, unite=""):
    """A table's cell: like `valeur`, but a rate table's cells are rates, others plain."""
    return valeur(value, unite)


def export_value(value, unite=""):
    """A cell of a CSV/XLSX export: numbers stay numbers (a rate as a percentage, 45.5)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if unite == "%":
        return round(float(value) * 100, 1)
    if isinstance(value, Decimal):
        return value
    return value
