"""The cards of "Mes activités", built in Python: 25 cards through the template language cost
about 33,000 calls a page ({% url %}, the date filter, a participants loop per card); this
builds the same HTML from plain rows (values_list) with one reverse() for the page.

Escaping: html.escape on every plain value (Django's escape is html.escape + SafeString, so
the output is byte for byte the template's)."""

from functools import cache
from html import escape

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe

from inclusion.models.beneficiaires import nom_affiche
from inclusion.models.people import nom_complet
from inclusion.mots_du_temps import JOURS, MOIS
from inclusion.queries import RequeteCompilee
from mediation.models import Participant
from mediation.vocabulaire import Thematique, TypeActivite, TypeLieu

# The fields a card reads (the list loads only these, no model instance).
CHAMPS = (
    "pk",
    "uuid",
    "type",
    "titre_atelier",
    "thematiques",
    "date",
    "duree_minutes",
    "type_lieu",
    "lieu_id",
    "lieu__nom",
    "mediateur_id",
    "mediateur__first_name",
    "mediateur__last_name",
    "mediateur__email",
)
_THEMATIQUES = dict(Thematique.choices)
_TYPES_LIEU = dict(TypeLieu.choices)
_COLLECTIF = TypeActivite.COLLECTIF.value
_MODELE = "00000000-0000-0000-0000-000000000000"


_detail = {}


def _detail_url():
    """A record's URL around its uuid: reversed once per process for each script prefix and
    URLconf (as inclusion.templatetags.liens.url_fixe)."""
    cle = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    morceaux = _detail.get(cle)
    if morceaux is None:
        morceaux = _detail[cle] = tuple(reverse("activites:detail", args=[_MODELE]).split(_MODELE))
    return morceaux


def date_longue(jour):
    """ "mardi 3 décembre 2026", "lundi 1 décembre 2025": Django's date:"l j F Y" in French
    (the day as a number, "1" not "1er"), with the socle's day and month names."""
    return f"{JOURS[jour.weekday()]} {jour.day} {MOIS[jour.month - 1]} {jour.year}"


@cache
def _participants_de(n):
    """The participants of `n` records with their file's names, in record then pk order:
    SQL written by the ORM once per process and number of records (building it cost ~2,100
    calls a page)."""
    return RequeteCompilee(
        lambda *pks: (
            Participant.objects.filter(activite_id__in=pks)
            .order_by("activite_id", "pk")
            .values_list(
                "activite_id", "beneficiaire_id", "beneficiaire__prenom", "beneficiaire__nom"
            )
        ),
        nombre=n,
    )


def participants(pks):
    """{activity pk: its people's names, concatenated as the card shows them} and {activity
    pk: its number of participants} (Activite.objects.for_list's nb_participants: the same
    rows, counted here rather than by a subquery per record), in one query. An anonymous
    participant reads "Personne anonyme". Participants in pk order."""
    noms, nombres = {}, {}
    if not pks:
        return noms, nombres
    pks = list(pks)
    lignes = _participants_de(len(pks)).rows(pks, Participant.objects.db)
    for activite_id, beneficiaire_id, prenom, nom in lignes:
        nom = "Personne anonyme" if beneficiaire_id is None else escape(nom_affiche(prenom, nom))
        noms[activite_id] = noms.get(activite_id, "") + nom
        nombres[activite_id] = nombres.get(activite_id, 0) + 1
    return noms, nombres


def cartes_html(lignes, user_id):
    """The cards' <li> of `lignes` (named rows of CHAMPS), whitespace as the template's loop
    printed it, as one safe string."""
    prefixe, suffixe = _detail_url()
    noms, nombres = participants([ligne.pk for ligne in lignes])
    morceaux = []
    for a in lignes:
        collectif = a.type == _COLLECTIF
        if collectif:
            titre = "Atelier"
            if a.titre_atelier:
                titre += f" «&nbsp;{escape(a.titre_atelier)}&nbsp;»"
        else:
            titre = noms.get(a.pk, "")
        thematiques = escape(", ".join(_THEMATIQUES[t] for t in a.thematiques if t in _THEMATIQUES))
        quand = f"{date_longue(a.date)} · {a.duree_minutes}&nbsp;min"
        if collectif:
            n = nombres.get(a.pk, 0)
            quand += f" · {n} participant{'' if n == 1 else 's'}"
        if a.lieu_id is not None:
            ou = escape(a.lieu__nom)
        else:
            ou = escape(_TYPES_LIEU.get(a.type_lieu, a.type_lieu))
        if a.mediateur_id != user_id:
            auteur = nom_complet(a.mediateur__first_name, a.mediateur__last_name)
            ou += f" · par {escape(auteur or a.mediateur__email)}"
        morceaux.append(
            f'\n  <li class="activite-carte">\n'
            f'    <h2><a href="{prefixe}{a.uuid}{suffixe}">{titre}</a></h2>\n'
            f"    <p>{thematiques}</p>\n"
            f"    <p>{quand}</p>\n"
            f'    <p class="activite-carte__meta">{ou}</p>\n'
            f"  </li>\n  "
        )
    return mark_safe("".join(morceaux))


# The totals' lines: (key of counts(), noun). Numbers as the template printed them (an int
# localised without a thousands separator is its digits: USE_THOUSAND_SEPARATOR is off; the
# tests compare with the template), the noun plural unless 1 (pluralize).
_TOTAUX = (
    ("activites", "activité"),
    ("individuels", "individuel"),
    ("collectifs", "atelier"),
    ("participants", "participant"),
)


def totaux_html(totaux):
    """The <li> of the totals' list (counts(): records, by type, people, time), whitespace as
    the template printed them, as one safe string."""
    morceaux = [
        f'\n  <li><span class="stat__number">{n}</span> {nom}{"" if n == 1 else "s"}</li>'
        for cle, nom in _TOTAUX
        for n in (totaux[cle],)
    ]
    heures, minutes = divmod(totaux["duree_minutes"], 60)
    duree = f"{heures}&nbsp;h" if heures else ""
    if minutes or not heures:
        duree += f" {minutes}&nbsp;min"
    morceaux.append(f'\n  <li><span class="stat__number">{duree}</span> au total</li>\n')
    return mark_safe("".join(morceaux))
