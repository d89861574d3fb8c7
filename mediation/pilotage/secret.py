"""The "< 5" rule of the figures shown outside the espace pro (the public share link).

A count of 1 to 4 people is published as "< 5" (primary masking); zero stays zero, it points
at nobody. Then, so that no shown total gives a masked count back by subtraction:
- in each column of people of a table, a masked cell never stays alone: the smallest other
  non-zero cell is masked with it (secondary masking). Highlighted rows (the priority
  neighbourhoods) and the others are two groups, each handled this way, because the section
  shows the highlighted rows' sum (`Tableau.sous_total`); when a group has no partner for its
  lone masked cell, the partner is taken in the other group and the subtotal is masked too;
- a rate is masked when one of the counts it is made of (`Chiffre.effectifs`) is;
- tables that cannot be published (`Tableau.public` False: a median of one person's delays)
  are left out.

Everything here works on the sections' values (already aggregated by the database), never
on rows."""

from dataclasses import replace

from mediation.pilotage.sections import MASQUE

SEUIL = 5


def is_small(value):
    """A count of people that is not published: 1 to 4."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SEUIL


def _figure(value, personnes, effectifs):
    if (personnes and is_small(value)) or any(is_small(e) for e in effectifs):
        return MASQUE
    return value


def _chiffre(c):
    return replace(
        c,
        valeur=_figure(c.valeur, c.personnes, c.effectifs),
        precedent=_figure(c.precedent, c.personnes, c.effectifs_avant),
    )


def _partner(grid, rows, column, masked):
    """The row (among `rows`) of the smallest non-zero count not masked yet in `column`."""
    candidates = [
        (grid[r][column], r)
        for r in rows
        if (r, column) not in masked
        and column < len(grid[r])
        and isinstance(grid[r][column], int)
        and grid[r][column] > 0
    ]
    return min(candidates)[1] if candidates else None


def _mask_cells(t):
    """The (row, column) cells of a people table to mask, and whether its subtotal must be."""
    grid = [ligne.valeurs for ligne in t.lignes]
    width = max((len(row) for row in grid), default=0)
    columns = t.colonnes_personnes if t.colonnes_personnes is not None else range(width)
    masked = {
        (r, c) for r, row in enumerate(grid) for c in columns if c < len(row) and is_small(row[c])
    }
    avant = [r for r, ligne in enumerate(t.lignes) if ligne.mise_en_avant]
    autres = [r for r, ligne in enumerate(t.lignes) if not ligne.mise_en_avant]
    groups = [g for g in (avant, autres) if g] if t.sous_total else [list(range(len(grid)))]
    sous_total_masque = False
    for c in columns:
        for group in groups:
            if sum((r, c) in masked for r in group) != 1:
                continue
            r = _partner(grid, group, c, masked)
            if r is None and t.sous_total:
                other = autres if group is avant else avant
                r = _partner(grid, other, c, masked)
                sous_total_masque = True
            if r is not None:
                masked.add((r, c))
    return masked, sous_total_masque


def _tableau(t):
    if not t.personnes:
        return t, False
    masked, sous_total_masque = _mask_cells(t)
    lignes = tuple(
        replace(
            ligne,
            valeurs=tuple(MASQUE if (r, c) in masked else v for c, v in enumerate(ligne.valeurs)),
        )
        for r, ligne in enumerate(t.lignes)
    )
    return replace(t, lignes=lignes), sous_total_masque


def publish_section(section):
    """The section as the public share link shows it."""
    tableaux = []
    hidden_subtotals = set()
    for t in section.tableaux:
        if not t.public:
            continue
        published, sous_total_masque = _tableau(t)
        tableaux.append(published)
        if sous_total_masque:
            hidden_subtotals.add(t.sous_total)
    chiffres = tuple(
        replace(c, valeur=MASQUE) if c.libelle in hidden_subtotals else c
        for c in (_chiffre(c) for c in section.chiffres)
    )
    return replace(section, chiffres=chiffres, tableaux=tuple(tableaux))


def publish(sections):
    return [publish_section(s) for s in sections]
