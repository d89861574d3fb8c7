"""The dashboards' filter form (GET: the URL carries the filters, shareable). It only
displays and checks them; mediation.pilotage.filtres.parse_filtres reads them, and the view
drops a choice outside the viewer's scope (with the form's message next to its field).

Choices are limited to the viewer's scope (mediation.pilotage.filtres.Portee): structures and
places of their structures, the programmes those take part in. Communes and quartiers are the
territory's geography, the same for everyone."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, When
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.urls import reverse

from inclusion.enums import Role
from inclusion.forms import date_field
from inclusion.models import Commune, Lieu, Quartier, Structure
from inclusion.search import accent_free_pattern
from pass_numerique.models import Programme

CHOIX_IDS = ("commune", "quartier", "structure", "lieu", "programme")
HORS_LISTE = "Choisissez une valeur de la liste : celle-ci n'existe pas ou vous n'y avez pas accès."
# Above this many choices in the viewer's scope a list becomes a search field: a national
# territory's selects weighed about 1 MB of <option>s.
SEUIL_LISTE = 200
MAX_RESULTATS = 20
MIN_CARACTERES = 2
# What a search field sends besides its id: the text typed ("structure_saisie") and, after an
# ambiguous text, the candidate picked ("structure_choix"). The view turns them into the id.
SAISIE = "_saisie"
CHOIX = "_choix"


# --- Each list's scope and labels (one rule, for the select, the search and the labels) ------


def structures_in_scope(portee):
    qs = Structure.objects.order_by("nom")
    if portee.territoire:
        return qs
    return qs.filter(pk__in=portee.structures)


def lieux_in_scope(portee):
    qs = Lieu.objects.order_by("nom")
    if portee.territoire:
        return qs
    return qs.filter(structure_id__in=portee.structures)


def programmes_in_scope(portee):
    qs = Programme.objects.order_by("nom")
    if portee.territoire:
        return qs
    if portee.role == Role.MEDIATEUR:
        # The programmes their places accept (an empty list: every qualified place).
        scope = Q(lieux__structure_id__in=portee.structures) | Q(lieux__isnull=True)
    else:
        scope = Q(enveloppes__structure_id__in=portee.structures)
    return qs.filter(scope).distinct()


def _name(row):
    return row[1]


def _quartier_label(row):
    _pk, nom, commune, qpv = row
    return f"{nom} ({commune}){' · QPV' if qpv else ''}"


@dataclass(frozen=True)
class Liste:
    """One filter's list: its rows in the viewer's scope as plain values (a national
    territory has 15,000 places), the label of a row, the fields a search looks in."""

    queryset: object  # portee -> QuerySet
    colonnes: tuple
    recherche: tuple
    nom_pluriel: str  # "Plusieurs structures correspondent"
    aucun: str  # "Aucune structure ne correspond"
    label: object = _name  # row -> str

    def rows(self, portee):
        return self.queryset(portee).values_list("pk", *self.colonnes)

    def choices(self, rows):
        return [(str(row[0]), self.label(row)) for row in rows]

    def matching(self, portee, texte, limit=MAX_RESULTATS):
        """[(id, label)] of the rows whose fields contain every word typed, accents and case
        ignored; the names starting with the text first ("Paris" before "Cormeilles-en-
        Parisis"), then by label; at most `limit` (one query)."""
        words = texte.replace("\x00", "")[:100].split()  # PostgreSQL refuses NUL
        if not words:
            return []
        condition = Q()
        for word in words:
            pattern = accent_free_pattern(word)
            condition &= Q(
                *[Q(**{f"{c}__iregex": pattern}) for c in self.recherche], _connector=Q.OR
            )
        debut = "^" + r"[-\s'’]*".join(accent_free_pattern(word) for word in words)
        qs = self.queryset(portee)
        ordering = qs.query.order_by
        qs = qs.filter(condition).annotate(
            debut=Case(When(**{f"{self.recherche[0]}__iregex": debut}, then=0), default=1)
        )
        rows = qs.order_by("debut", *ordering).values_list("pk", *self.colonnes)[:limit]
        return self.choices(rows)


LISTES = {
    "commune": Liste(
        lambda portee: Commune.objects.order_by("nom"),
        ("nom",), ("nom",), "Plusieurs communes", "Aucune commune ne correspond",
    ),
    "quartier": Liste(
        lambda portee: Quartier.objects.order_by("commune__nom", "nom"),
        ("nom", "commune__nom", "prioritaire"), ("nom", "commune__nom"),
        "Plusieurs quartiers", "Aucun quartier ne correspond", _quartier_label,
    ),
    "structure": Liste(
        structures_in_scope, ("nom",), ("nom",),
        "Plusieurs structures", "Aucune structure ne correspond",
    ),
    "lieu": Liste(
        lieux_in_scope, ("nom",), ("nom",), "Plusieurs lieux", "Aucun lieu ne correspond",
    ),
    "programme": Liste(
        programmes_in_scope, ("nom",), ("nom",),
        "Plusieurs programmes", "Aucun programme ne correspond",
    ),
}  # fmt: skip

# --- The search field ---------------------------------------------------------------------------


class ChampRecherche(forms.Widget):
    """A text field the person types a few letters in, and the id chosen (hidden). The
    script mediation/pilotage_recherche.js makes it a combobox; without it the text is sent
    and the view resolves it (PilotageFiltreForm.resolve_typed)."""

    template_name = "mediation/pilotage/_champ_recherche.html"

    def __init__(self, *args, champ="", url="", **kwargs):
        super().__init__(*args, **kwargs)
        self.champ, self.url = champ, url
        self.libelle = ""  # the chosen id's label
        self.saisie = None  # the text typed, when the view could not resolve it
        self.candidats = []  # [(id, label)] when the text matched several

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        texte = self.saisie if self.saisie is not None else self.libelle
        return render_to_string(
            self.template_name,
            {
                "name": name,
                "value": "" if value in (None, "") or self.saisie is not None else value,
                "attrs": flatatt(attrs),
                "id": attrs.get("id", ""),
                "texte": texte,
                "saisie_name": name + SAISIE,
                "choix_name": name + CHOIX,
                "candidats": self.candidats,
                "url": self.url,
                "champ": self.champ,
                "min": MIN_CARACTERES,
            },
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class ChoixRecherche(forms.Field):
    """An id of a list too long to show (Liste), checked in the viewer's scope; its label
    read with the same query."""

    def __init__(self, *, liste, portee, **kwargs):
        super().__init__(**kwargs)
        self.liste, self.portee = liste, portee

    def clean(self, value):
        value = "" if value is None else str(value).strip()
        if not value:
            return ""
        row = None
        if value.isdigit() and len(value) < 10:
            row = self.liste.rows(self.portee).filter(pk=int(value)).first()
        if row is None:
            raise ValidationError(HORS_LISTE, code="invalid_choice")
        self.widget.libelle = self.liste.label(row)
        return value


def _choice(label, vide):
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", vide)],
        error_messages={"invalid_choice": HORS_LISTE},
    )


AIDE_RECHERCHE = "Tapez au moins 2 lettres du nom."


class PilotageFiltreForm(forms.Form):
    du = date_field(label="Du", required=False)
    au = date_field(
        label="Au",
        required=False,
        help_text="Chaque chiffre est comparé à la période précédente de même durée.",
    )
    # People's figures take the person's commune, places' figures the place's: each figure's
    # help says which.
    commune = _choice("Commune", "Toutes")
    quartier = _choice("Quartier", "Tous")
    structure = _choice("Structure", "Toutes")
    lieu = _choice("Lieu", "Tous")
    programme = _choice("Programme de pass numérique", "Tous")

    def __init__(self, *args, portee, **kwargs):
        super().__init__(*args, **kwargs)
        self.portee = portee
        # The viewer's own structures, named at the top of the page (the territory's are not).
        self.structures = [] if portee.territoire else list(structures_in_scope(portee))
        # One query per list whatever its size: up to the threshold, plus one to know it is over.
        for name in CHOIX_IDS:
            liste = LISTES[name]
            rows = list(liste.rows(portee)[: SEUIL_LISTE + 1])
            if len(rows) <= SEUIL_LISTE:
                self.fields[name].choices += liste.choices(rows)
            else:
                self.fields[name] = self._search_field(name)

    def _search_field(self, name):
        old = self.fields[name]
        widget = ChampRecherche(champ=name, url=reverse("pilotage:recherche"))
        return ChoixRecherche(
            liste=LISTES[name],
            portee=self.portee,
            label=old.label,
            required=False,
            help_text=AIDE_RECHERCHE,
            widget=widget,
        )

    def searched(self):
        """The names of the filters shown as search fields (too many choices for a list)."""
        return [name for name in CHOIX_IDS if isinstance(self.fields[name], ChoixRecherche)]

    def refused(self):
        """The id filters the form refused (outside the lists): the view ignores them."""
        return [name for name in CHOIX_IDS if name in self.errors]

    def chosen_labels(self):
        """[(label, value)] of the filters chosen, for the PDF and the exports' header."""
        result = []
        if not self.is_bound:
            return result
        for name in CHOIX_IDS:
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if value:
                field = self.fields[name]
                if isinstance(field, ChoixRecherche):
                    label = field.widget.libelle
                else:
                    label = dict(field.choices).get(value, value)
                result.append((field.label, label))
        return result

    def show_typed(self, resolution):
        """Say, next to each search field, why its text found no single choice; keep the
        text typed and offer the candidates (so the person can finish without a script)."""
        for name, (erreur, texte, candidats) in resolution.erreurs.items():
            field = self.fields[name]
            if not isinstance(field, ChoixRecherche):
                continue
            field.widget.saisie = texte
            field.widget.candidats = candidats
            # Set directly: the form may be unbound (no other filter in the query).
            self.errors[name] = self.error_class(erreur.error_list, renderer=self.renderer)
            getattr(self, "cleaned_data", {}).pop(name, None)


@dataclass
class Resolution:
    """What the texts typed in search fields became: the query with their ids, and the
    fields whose text matched none or several ({name: (error, text, candidates)})."""

    params: dict
    erreurs: dict

    @property
    def complete(self):
        return not self.erreurs


def has_typed(params):
    return any(name + suffix in params for name in CHOIX_IDS for suffix in (SAISIE, CHOIX))


def resolve_typed(params, portee):
    """The query with each search field's text turned into its id: a candidate picked wins;
    then a text that is still the chosen id's label keeps that id; an empty text removes the
    filter; another text is searched in the viewer's scope: exactly one match gives its id,
    none or several an error (with up to 20 candidates). One query per field typed in."""
    values = {key: _last(params, key) for key in params}
    erreurs = {}
    for name in CHOIX_IDS:
        saisie_key, choix_key = name + SAISIE, name + CHOIX
        if saisie_key not in values and choix_key not in values:
            continue
        texte = (values.pop(saisie_key, "") or "").strip()
        choix = (values.pop(choix_key, "") or "").strip()
        liste = LISTES[name]
        if choix:
            values[name] = choix  # checked in the scope by the form, as any id
            continue
        if not texte:
            values.pop(name, None)
            continue
        current = values.get(name, "")
        if current.isdigit() and len(current) < 10:
            row = liste.rows(portee).filter(pk=int(current)).first()
            if row is not None and liste.label(row) == texte:
                continue
        values.pop(name, None)
        found = liste.matching(portee, texte, limit=MAX_RESULTATS + 1)
        if len(texte) >= MIN_CARACTERES and len(found) == 1:
            values[name] = found[0][0]
            continue
        if len(texte) < MIN_CARACTERES:
            erreur = ValidationError(
                f"Tapez au moins {MIN_CARACTERES} lettres.", code="saisie_courte"
            )
            found = []
        elif not found:
            erreur = ValidationError(
                f"{liste.aucun} à « {texte} » : vérifiez l'orthographe ou tapez moins de lettres.",
                code="aucun",
            )
        else:
            erreur = ValidationError(
                f"{liste.nom_pluriel} correspondent à « {texte} » : précisez, "
                "ou choisissez ci-dessous.",
                code="plusieurs",
            )
        erreurs[name] = (erreur, texte, found[:MAX_RESULTATS])
    return Resolution(params=values, erreurs=erreurs)


def _last(params, key):
    if hasattr(params, "getlist"):
        values = params.getlist(key)
        return values[-1] if values else ""
    value = params[key]
    if isinstance(value, (list, tuple)):
        return value[-1] if value else ""
    return value


class PartageForm(forms.Form):
    """A public share link of the dashboard: its title and optional end date (the service
    checks both and says why it refuses)."""

    titre = forms.CharField(
        label="Titre du lien",
        max_length=150,
        help_text="Pour vous retrouver dans vos liens, par exemple « Conseil municipal de mars ».",
        error_messages={
            "required": "Indiquez un titre.",
            "max_length": "Le titre dépasse 150 caractères.",
        },
    )
    expire_le = date_field(
        label="Valable jusqu'au (facultatif)",
        required=False,
        help_text="Laissez vide pour un lien sans fin, que vous pourrez retirer à tout moment.",
    )
