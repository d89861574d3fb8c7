"""Charts of the dashboards, drawn on the server as SVG from a sections.Tableau: horizontal
bars, stacked bars, and a line for months. No JavaScript.

Readable in black and white and by a screen reader:
- every series has its own fill pattern (solid, hatched, dotted, light, cross-hatched) and
  outline, and a legend when there are several; lines differ by dash and marker shape;
- every value is written beside its bar or point (never colour alone);
- the <svg> has role="img", a <title> (the table's title) and a <desc> (its sentence), named
  by aria-labelledby; the data table follows the chart on the page.

The SVG is built as text with every label escaped; ids are prefixed by the chart's own
`ident` so several charts live in one page."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from mediation.pilotage import affichage

LARGEUR = 400  # viewBox width: on a 360 px phone the text keeps ~85 % of its size
MARGE = 8
POLICE = 17
PETITE = 14
PLACE_VALEUR = 80  # room kept right of the longest bar for its value
ENCRE = "#1b2f4d"  # dark enough to print black
ENCRE_CLAIRE = "#9db3cf"
LIBELLE_MAX = 40  # characters of a row's label in the chart (the table has it in full)


def _patterns(ident):
    """One fill per series, distinct without colour."""
    p = f"{ident}-motif"
    return [
        (f"{p}-0", ""),  # solid
        (
            f"{p}-1",
            f'<pattern id="{p}-1" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="#fff"/>'
            f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{ENCRE}" stroke-width="2"/>'
            f"</pattern>",
        ),
        (
            f"{p}-2",
            f'<pattern id="{p}-2" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="#fff"/>'
            f'<circle cx="3" cy="3" r="1.5" fill="{ENCRE}"/></pattern>',
        ),
        (f"{p}-3", ""),  # light solid
        (
            f"{p}-4",
            f'<pattern id="{p}-4" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="#fff"/>'
            f'<path d="M0,0 L8,8 M8,0 L0,8" stroke="{ENCRE}" stroke-width="1.2"/></pattern>',
        ),
    ]


def _fill(ident, serie):
    index = serie % 5
    if index == 0:
        return ENCRE
    if index == 3:
        return ENCRE_CLAIRE
    return f"url(#{ident}-motif-{index})"


def _defs(ident, series):
    used = {s % 5 for s in range(series)}
    bodies = [body for i, (_, body) in enumerate(_patterns(ident)) if i in used and body]
    return f"<defs>{''.join(bodies)}</defs>" if bodies else ""


def _number(value):
    try:
        return max(0.0, float(value)) if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


def _short(text, limit=LIBELLE_MAX):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text_width(text, size):
    return len(text) * size * 0.58


def _svg(ident, tableau, height, body):
    titre = escape(tableau.titre)
    desc = escape(tableau.phrase)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" role="img" '
        f'viewBox="0 0 {LARGEUR} {height:.0f}" width="{LARGEUR}" height="{height:.0f}" '
        f'aria-labelledby="{ident}-titre {ident}-desc" font-size="{POLICE}" '
        f'font-family="DejaVu Sans, Arial, sans-serif">'
        f'<title id="{ident}-titre">{titre}</title><desc id="{ident}-desc">{desc}</desc>'
        f"{body}</svg>"
    )


def _legend(ident, noms, y):
    """Swatches and names of the series, wrapped on as many lines as needed; returns (svg, y
    after)."""
    parts, x = [], MARGE
    for i, nom in enumerate(noms):
        label = _short(nom, 30)
        width = 22 + _text_width(label, PETITE) + 16
        if x + width > LARGEUR - MARGE and x > MARGE:
            x, y = MARGE, y + 22
        parts.append(
            f'<rect x="{x}" y="{y}" width="16" height="14" fill="{_fill(ident, i)}" '
            f'stroke="{ENCRE}"/><text x="{x + 22}" y="{y + 12}" font-size="{PETITE}">'
            f"{escape(label)}</text>"
        )
        x += width
    return "".join(parts), y + 28


def _series_names(tableau):
    return [str(c) for c in tableau.colonnes[1:]]


def _bar_scale(tableau, maximum):
    if tableau.unite == "%" and maximum <= 1:
        return 1.0
    return maximum or 1.0


def barres(tableau, ident):
    """Horizontal bars: one per row (grouped when the table has several value columns), the
    row's label above its bars, the value written right after each bar."""
    noms = _series_names(tableau)
    n = max(1, len(noms))
    largeur_max = LARGEUR - 2 * MARGE - PLACE_VALEUR
    maximum = max((_number(v) for ligne in tableau.lignes for v in ligne.valeurs[:n]), default=0.0)
    echelle = _bar_scale(tableau, maximum)
    parts, y = [_defs(ident, n)], MARGE
    if n > 1:
        legende, y = _legend(ident, noms, y)
        parts.append(legende)
    for ligne in tableau.lignes:
        poids = ' font-weight="bold"' if ligne.mise_en_avant else ""
        parts.append(
            f'<text x="{MARGE}" y="{y + POLICE}"{poids}>{escape(_short(ligne.libelle))}</text>'
        )
        y += POLICE + 6
        for i in range(n):
            value = ligne.valeurs[i] if i < len(ligne.valeurs) else None
            width = _number(value) / echelle * largeur_max
            parts.append(
                f'<rect x="{MARGE}" y="{y}" width="{max(width, 1):.1f}" height="18" '
                f'fill="{_fill(ident, i)}" stroke="{ENCRE}" stroke-width="1"/>'
                f'<text x="{MARGE + width + 6:.1f}" y="{y + 15}" font-size="{PETITE + 1}">'
                f"{escape(affichage.valeur(value, tableau.unite))}</text>"
            )
            y += 22
        y += 10
    return _svg(ident, tableau, y + MARGE, "".join(parts))


def barres_empilees(tableau, ident):
    """One horizontal bar per row cut into its columns (each with its pattern); a segment's
    value is written inside it on a white label when it fits, the row's total after the bar."""
    noms = _series_names(tableau)
    n = max(1, len(noms))
    largeur_max = LARGEUR - 2 * MARGE - PLACE_VALEUR
    totaux = [sum(_number(v) for v in ligne.valeurs[:n]) for ligne in tableau.lignes]
    echelle = max(totaux, default=0.0) or 1.0
    parts = [_defs(ident, n)]
    legende, y = _legend(ident, noms, MARGE)
    parts.append(legende)
    for ligne, total in zip(tableau.lignes, totaux, strict=True):
        poids = ' font-weight="bold"' if ligne.mise_en_avant else ""
        parts.append(
            f'<text x="{MARGE}" y="{y + POLICE}"{poids}>{escape(_short(ligne.libelle))}</text>'
        )
        y += POLICE + 6
        x = float(MARGE)
        for i in range(n):
            value = ligne.valeurs[i] if i < len(ligne.valeurs) else None
            width = _number(value) / echelle * largeur_max
            if width <= 0:
                continue
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="22" '
                f'fill="{_fill(ident, i)}" stroke="{ENCRE}" stroke-width="1"/>'
            )
            label = affichage.valeur(value, tableau.unite)
            label_width = _text_width(label, PETITE) + 6
            if label_width + 4 <= width:
                cx = x + width / 2
                parts.append(
                    f'<rect x="{cx - label_width / 2:.1f}" y="{y + 2}" '
                    f'width="{label_width:.1f}" height="18" fill="#fff" rx="2"/>'
                    f'<text x="{cx:.1f}" y="{y + 16}" font-size="{PETITE}" '
                    f'text-anchor="middle">{escape(label)}</text>'
                )
            x += width
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 16}" font-size="{PETITE + 1}" font-weight="bold">'
            f"{escape(affichage.valeur(total, tableau.unite))}</text>"
        )
        y += 36
    return _svg(ident, tableau, y + MARGE, "".join(parts))


DASHES = ("", "6 4", "2 3", "10 3 2 3")
HAUTEUR_COURBE = 170


def _marker(shape, x, y):
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ENCRE}"/>'
    if shape == 1:
        return (
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#fff" '
            f'stroke="{ENCRE}" stroke-width="2"/>'
        )
    if shape == 2:
        return (
            f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z" '
            f'fill="{ENCRE}"/>'
        )
    return (
        f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} '
        f'L{x - 5:.1f},{y:.1f} Z" fill="#fff" stroke="{ENCRE}" stroke-width="2"/>'
    )


def _line_legend(noms, y):
    parts, x = [], MARGE
    for i, nom in enumerate(noms):
        label = _short(nom, 30)
        width = 40 + _text_width(label, PETITE) + 16
        if x + width > LARGEUR - MARGE and x > MARGE:
            x, y = MARGE, y + 22
        dash = f' stroke-dasharray="{DASHES[i % 4]}"' if DASHES[i % 4] else ""
        parts.append(
            f'<line x1="{x}" y1="{y + 7}" x2="{x + 30}" y2="{y + 7}" stroke="{ENCRE}" '
            f'stroke-width="2"{dash}/>{_marker(i % 4, x + 15, y + 7)}'
            f'<text x="{x + 36}" y="{y + 12}" font-size="{PETITE}">{escape(label)}</text>'
        )
        x += width
    return "".join(parts), y + 28


def courbe(tableau, ident):
    """A line per value column over the rows in order (months), each point's value written
    above it (below for the second series), the rows' labels along the bottom."""
    noms = _series_names(tableau)
    n = max(1, len(noms))
    lignes = tableau.lignes
    parts = []
    y0 = MARGE
    if n > 1:
        legende, y0 = _line_legend(noms, y0)
        parts.append(legende)
    top, bottom = y0 + 18, y0 + 18 + HAUTEUR_COURBE
    maximum = max((_number(v) for ligne in lignes for v in ligne.valeurs[:n]), default=0.0)
    echelle = _bar_scale(tableau, maximum)
    count = len(lignes)
    # Room for half the widest bottom label on each side; labels shortened to the room
    # between two points (twice: the margins change the room).
    marge = 30.0
    for _ in range(2):
        left, right = MARGE + marge, LARGEUR - MARGE - marge
        step = (right - left) / max(1, count - 1) if count > 1 else 0
        room = step if count > 1 else right - left
        labels = [_month_label(ligne.libelle, room) for ligne in lignes]
        widest = max((_text_width(label, PETITE - 1) for label in labels), default=0)
        marge = max(30.0, widest / 2 + 2)

    def at(i):
        return left + i * step if count > 1 else (left + right) / 2

    parts.append(
        f'<line x1="{left - 4}" y1="{bottom}" x2="{right + 4}" y2="{bottom}" stroke="{ENCRE}"/>'
        f'<line x1="{left - 4}" y1="{top}" x2="{right + 4}" y2="{top}" stroke="{ENCRE_CLAIRE}" '
        f'stroke-dasharray="2 3"/>'
    )
    for s in range(n):
        points = []
        for i, ligne in enumerate(lignes):
            value = ligne.valeurs[s] if s < len(ligne.valeurs) else None
            points.append((at(i), bottom - _number(value) / echelle * HAUTEUR_COURBE, value))
        dash = f' stroke-dasharray="{DASHES[s % 4]}"' if DASHES[s % 4] else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{ENCRE}" stroke-width="2"{dash}/>'
        )
        for x, y, value in points:
            parts.append(_marker(s % 4, x, y))
            if n > 2:  # values of three lines would collide: the table below gives them
                continue
            label_y = y - 9 if s % 2 == 0 else y + 19
            parts.append(
                f'<text x="{x:.1f}" y="{label_y:.1f}" font-size="{PETITE - 1}" '
                f'text-anchor="middle">{escape(affichage.valeur(value, tableau.unite))}</text>'
            )
    if n > 2:
        parts.append(
            f'<text x="{left - 6}" y="{top + 4}" font-size="{PETITE - 1}" text-anchor="end">'
            f"{escape(affichage.valeur(echelle, tableau.unite))}</text>"
            f'<text x="{left - 6}" y="{bottom + 4}" font-size="{PETITE - 1}" '
            f'text-anchor="end">0</text>'
        )
    # Labels along the bottom, one in k when even the shortest do not fit.
    every = max(1, int(-(-(widest + 6) // room))) if room else 1
    for i, label in enumerate(labels):
        if i % every:
            continue
        parts.append(
            f'<text x="{at(i):.1f}" y="{bottom + 18}" font-size="{PETITE - 1}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(ident, tableau, bottom + 30, "".join(parts))


MOIS_COURTS = {
    "janvier": "janv.",
    "février": "févr.",
    "avril": "avr.",
    "juillet": "juil.",
    "septembre": "sept.",
    "octobre": "oct.",
    "novembre": "nov.",
    "décembre": "déc.",
}


def _month_label(libelle, room):
    """'septembre 2026' as it fits: 'sept. 2026', 'sept. 26', 'sept.'."""
    label = str(libelle)
    if _text_width(label, PETITE - 1) + 6 <= room:
        return label
    words = label.split()
    words = [MOIS_COURTS.get(w.lower(), w) for w in words]
    for candidate in (
        " ".join(words),
        " ".join(w[-2:] if w.isdigit() and len(w) == 4 else w for w in words),
        words[0] if words else label,
    ):
        if _text_width(candidate, PETITE - 1) + 6 <= room:
            return candidate
    return _short(words[0] if words else label, 6)


DESSINS = {"barres": barres, "barres_empilees": barres_empilees, "courbe": courbe}


def graphique(tableau, ident):
    """The chart of `tableau` as safe SVG markup, or "" (table only, or no rows)."""
    dessin = DESSINS.get(tableau.graphique)
    if dessin is None or not tableau.lignes:
        return ""
    return dessin(tableau, ident)
