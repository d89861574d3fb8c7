"""The espace pro's sortable, paginated tables, rendered from precomputed cells.

django-tables2 inspected each cell's render method and accessor for every row (about 40 ms
for 25 rows, bench/README.md "http_views"); here a table is a list of columns, each with the
fields it sorts by and a function that turns a record into its cell's HTML, and the page's
rows are built once in Python. The query string is django-tables2's: `sort` (a column's
name, `-` for descending, several separated by commas), `page`, `per_page`.
"""

import datetime
import html

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from phonenumber_field.phonenumber import to_python

from inclusion.enums import TrancheAge
from inclusion.models.beneficiaires import nom_affiche

VIDE = "—"
PER_PAGE_MAX = 100


class Colonne:
    """One column: `tri` is the fields it sorts by (None: not sortable); `cellule(record)`
    returns the cell's text (escaped) or safe HTML; an empty value shows `defaut`."""

    def __init__(self, nom, libelle, cellule, *, tri=None, defaut=VIDE):
        self.nom = nom
        self.libelle = libelle
        self.cellule = cellule
        self.tri = tuple(tri) if tri else None
        self.defaut = defaut


def en_date(value):
    """A date (or an aware datetime, in local time) as 17/11/2026."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    # What the "d/m/Y" date filter writes, without its formatter object for each cell.
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


# What django.utils.html.escape writes (html.escape's five replacements), in one call:
# `text.translate(HTML)` for a text known to be plain.
HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def cellule_html(value):
    """What conditional_escape writes (safe HTML as is, anything else escaped), without its
    lazy-text wrappers: about ten calls less for each of a page's 175 cells."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return str(value).translate(HTML)


def libelles(choices):
    """A choice field's labels by value, read once for the page (get_FOO_display builds its
    lookup again for every row)."""
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, value)


def oui_non(value):
    """What django-tables2's BooleanColumn wrote: the class keeps existing styles."""
    return mark_safe('<span class="true">Oui</span>' if value else '<span class="false">Non</span>')


def pagination_html(page, href, legende="Pages"):
    """Links to a Paginator page's previous and next pages and where it stands (nothing on a
    single page), as every list of the site shows them: `href(n)` is page n's URL, escaped."""
    if not page.has_other_pages():
        return ""
    precedente = suivante = ""
    if page.has_previous():
        precedente = f'<li><a href="{href(page.previous_page_number())}">Page précédente</a></li>'
    if page.has_next():
        suivante = f'<li><a href="{href(page.next_page_number())}">Page suivante</a></li>'
    return mark_safe(
        f'\n<nav class="pagination" aria-label="{legende}">\n  <ul>\n    {precedente}\n'
        f'    <li aria-current="page">Page {page.number} sur {page.paginator.num_pages}</li>\n'
        f"    {suivante}\n  </ul>\n</nav>\n"
    )


def lien_de_page(query):
    """`href` for pagination_html: the list's URL with its `query` string (filters, already
    encoded, without `page`) and the page's number."""
    debut = f"?{query.translate(HTML)}&amp;page=" if query else "?page="
    return lambda numero: f"{debut}{numero}"


class Tableau:
    """Sorted and paginated rows of `queryset` for `request`. Attributes for the template
    (inclusion/pro/table.html): `entetes` (each column's label, sort link and aria-sort),
    `lignes` (each row's cells as one safe string), `page`, `paginator`, `vide`."""

    colonnes = ()
    vide = ""
    legende = ""
    per_page = 25

    def __init__(self, queryset, request, *, masquees=(), per_page=None):
        self.request = request
        self.colonnes = [c for c in self.colonnes if c.nom not in masquees]
        par_nom = {c.nom: c for c in self.colonnes if c.tri}
        self.tri = []  # [(column name, descending)], as asked and valid
        for alias in request.GET.get("sort", "").split(","):
            alias = alias.strip()
            nom = alias.removeprefix("-")
            if nom in par_nom and nom not in {n for n, _ in self.tri}:
                self.tri.append((nom, alias.startswith("-")))
        if self.tri:
            champs = [
                f"-{champ}" if desc else champ
                for nom, desc in self.tri
                for champ in par_nom[nom].tri
            ]
            queryset = queryset.order_by(*champs)
        self.paginator = Paginator(queryset, self._per_page(request, per_page))
        self.page = self.paginator.get_page(request.GET.get("page"))
        self.entetes = self._entetes()
        self.lignes = [self._ligne(record) for record in self.page.object_list]
        self.precedente = (
            self._lien(page=self.page.number - 1) if self.page.has_previous() else None
        )
        self.suivante = self._lien(page=self.page.number + 1) if self.page.has_next() else None

    def html(self):
        """The table as inclusion/pro/table.html shows it (`{{ table.html }}`): caption, sortable
        headers, rows, pagination. Written here, the rows already being HTML: the template's
        loops were a tenth of a list page's work."""
        e = html.escape
        pages = self.paginator.num_pages
        sur = f", page {self.page.number} sur {pages}" if pages > 1 else ""
        parts = [
            '<div class="table-container">\n<table class="table">\n'
            f'  <caption class="visually-hidden">{e(str(self.legende))}{sur}</caption>\n'
            "  <thead>\n    <tr>\n    "
        ]
        for entete in self.entetes:
            tri = f' aria-sort="{e(entete["aria_sort"])}"' if entete["aria_sort"] else ""
            libelle = e(str(entete["libelle"]))
            if entete["lien"]:
                libelle = (
                    f'<a href="{e(entete["lien"])}">{libelle}'
                    '<span class="visually-hidden"> (trier)</span></a>'
                )
            parts.append(f'\n      <th scope="col"{tri}>{libelle}</th>\n    ')
        parts.append("\n    </tr>\n  </thead>\n  <tbody>\n  ")
        for ligne in self.lignes:
            parts.append(f"\n    <tr>{ligne}</tr>\n  ")
        if not self.lignes:
            parts.append(
                f'\n    <tr><td colspan="{len(self.entetes)}">{e(str(self.vide))}</td></tr>\n  '
            )
        parts.append("\n  </tbody>\n</table>\n")
        if pages > 1:
            liens = {self.page.number - 1: self.precedente, self.page.number + 1: self.suivante}
            parts.append(
                pagination_html(self.page, lambda n: e(liens[n]), legende="Pages de résultats")
            )
        parts.append("\n</div>\n")
        return mark_safe("".join(parts))

    def _per_page(self, request, per_page):
        try:
            asked = int(request.GET.get("per_page", ""))
        except ValueError:
            asked = None
        if asked is not None and 1 <= asked <= PER_PAGE_MAX:
            return asked
        return per_page or self.per_page

    def _lien(self, **params):
        query = self.request.GET.copy()
        for key, value in params.items():
            query[key] = str(value)
        return "?" + query.urlencode()

    def _entetes(self):
        ordre = dict(self.tri)
        entetes = []
        for c in self.colonnes:
            entete = {"nom": c.nom, "libelle": c.libelle, "lien": None, "aria_sort": None}
            if c.tri:
                desc = ordre.get(c.nom)
                if desc is not None:
                    entete["aria_sort"] = "descending" if desc else "ascending"
                # django-tables2's "next": the reverse of the current order, else ascending.
                suivant = c.nom if desc in (None, True) else f"-{c.nom}"
                entete["lien"] = self._lien(sort=suivant)
            entetes.append(entete)
        return entetes

    def _ligne(self, record):
        cellules = []
        for c in self.colonnes:
            value = c.cellule(record)
            if value is None or value == "":
                value = c.defaut
            cellules.append(f'<td data-col="{c.nom}">{cellule_html(value)}</td>')
        return mark_safe("".join(cellules))


TRANCHES_AGE = libelles(TrancheAge.choices)


def _telephone(b):
    if not b.telephone:
        return "Pas de téléphone"
    # A plain row holds the stored E.164 text: parsed as the model field would.
    label = to_python(b.telephone).as_national
    if b.type_telephone == "fixe":
        return format_html('{} <span class="badge">fixe</span>', label)
    return label


def _lien_dossier():
    # One reverse() for the page, not one per row: the uuid is the only part that changes.
    modele = reverse("pro:beneficiaire_detail", args=["00000000-0000-0000-0000-000000000000"])
    prefixe, suffixe = modele.split("00000000-0000-0000-0000-000000000000")
    return lambda b: mark_safe(
        f'<a href="{prefixe}{b.uuid}{suffixe}">{html.escape(nom_affiche(b.prenom, b.nom))}</a>'
    )


class BeneficiaireTable(Tableau):
    vide = "Aucune personne ne correspond à votre recherche."
    legende = "Personnes accompagnées"
    # What its cells read: the list reads these as plain rows (no model instance).
    champs = (
        "uuid",
        "prenom",
        "nom",
        "telephone",
        "type_telephone",
        "commune__nom",
        "quartier__nom",
        "tranche_age",
        "consentement_sms",
        "derniere_activite",
    )

    def __init__(self, queryset, request, **kwargs):
        self.colonnes = [
            Colonne("nom_affiche", "Personne", _lien_dossier(), tri=("prenom", "nom")),
            Colonne("telephone", "Téléphone", _telephone),
            Colonne("commune", "Commune", lambda b: b.commune__nom, tri=["commune__nom"]),
            Colonne(
                "quartier",
                "Quartier",
                lambda b: b.quartier__nom,
                tri=["quartier__nom"],
            ),
            Colonne(
                "tranche_age",
                "Âge",
                lambda b: TRANCHES_AGE(b.tranche_age),
                tri=["tranche_age"],
            ),
            Colonne(
                "consentement_sms",
                "SMS",
                lambda b: oui_non(b.consentement_sms),
                tri=["consentement_sms"],
            ),
            Colonne(
                "derniere_activite",
                "Dernière activité",
                lambda b: en_date(b.derniere_activite),
                tri=["derniere_activite"],
            ),
        ]
        super().__init__(queryset, request, **kwargs)
