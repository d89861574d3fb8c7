"""Registries through which higher layers plug into the socle (called from AppConfig.ready()).

The socle never imports a higher layer: it asks these registries instead.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProEntry:
    """A section of the espace pro: a menu link and a card on the home page."""

    label: str
    url_name: str
    description: str
    allowed: object  # callable(user) -> bool
    order: int = 100
    in_menu: bool = True  # False: a card on the home page only (keeps the menu short)


@dataclass(frozen=True)
class BeneficiaireAction:
    """A button on a beneficiary's file, e.g. "Délivrer le pass" (url_name takes the uuid)."""

    label: str
    url_name: str
    allowed: object  # callable(user, beneficiaire) -> bool
    order: int = 100


_pro_entries = {}
_account_closers = {}
_beneficiaire_actions = {}
_demo_builders = {}


def register_pro_entry(entry):
    _pro_entries[entry.url_name] = entry


def pro_entries_for(user):
    return sorted(
        (e for e in _pro_entries.values() if e.allowed(user)), key=lambda e: (e.order, e.label)
    )


def register_beneficiaire_action(action):
    _beneficiaire_actions[action.url_name] = action


def beneficiaire_actions_for(user, beneficiaire):
    # An anonymised file takes nothing new (no pass, workshop, orientation, copy to make).
    if getattr(beneficiaire, "anonymise_le", None) is not None:
        return []
    return sorted(
        (a for a in _beneficiaire_actions.values() if a.allowed(user, beneficiaire)),
        key=lambda a: (a.order, a.label),
    )


def register_demo_builder(name, builder, order=100):
    """`builder(context)` adds demo data through the services and returns how many objects it
    created; `context` holds the socle's demo objects (structures, users, lieux…)."""
    _demo_builders[name] = (order, builder)


def demo_builders():
    return [b for _, b in sorted(_demo_builders.values(), key=lambda item: item[0])]


@dataclass(frozen=True)
class Habillage:
    """White-label look of every surface (public site, espace pro, kiosk).

    The socle's defaults come from settings; the CMS registers a provider that reads the
    coordinators' site settings. Colours are hex strings already checked for contrast."""

    nom: str
    telephone_aide: str
    logo_url: str = ""
    couleur_principale: str = ""
    couleur_secondaire: str = ""
    expediteur_sms: str = ""
    liens_pied_de_page: tuple = ()  # ((label, url), …)
    version: str = "0"  # changes whenever the look changes (cache-busting of /habillage.css)


_habillage_provider = None
_text_size_url_name = None


def register_habillage_provider(provider):
    """`provider(request_or_none)` returns a Habillage, or None to keep the defaults."""
    global _habillage_provider
    _habillage_provider = provider


def habillage(request=None):
    from django.conf import settings

    default = Habillage(nom=settings.PLATFORM_NAME, telephone_aide=settings.HELP_PHONE)
    if _habillage_provider is None:
        return default
    return _habillage_provider(request) or default


def register_text_size_view(url_name):
    """The public site's bigger-text switch: a view taking ?taille=grand|normal&suite=<path>
    that keeps the choice in the `taille_texte` cookie. The socle's public pages link to it
    when one is registered, and show no switch otherwise."""
    global _text_size_url_name
    _text_size_url_name = url_name


def text_size_url():
    from django.urls import reverse

    return reverse(_text_size_url_name) if _text_size_url_name else ""


def register_account_closer(name, closer):
    """`closer(user, acteur, now)` revokes what a higher layer gave an account that is being
    deactivated (kiosk PINs, private calendar tokens…) and returns how many things it revoked.
    Called inside the deactivation's transaction."""
    _account_closers[name] = closer


def account_closers():
    return dict(sorted(_account_closers.items()))


# --- A person's file: one timeline, one merge, several layers ------------------------------


@dataclass(frozen=True)
class Evenement:
    """One line of a person's timeline (records, workshops, chèques, diagnostics…)."""

    quand: object  # a date or an aware datetime; sorted newest first
    nature: str  # a short key, e.g. "activite", "inscription", "cheque", "diagnostic"
    titre: str
    detail: str = ""
    url: str = ""


_timeline_providers = {}
_file_mergers = {}
_export_builders = {}


def register_timeline_provider(name, provider):
    """`provider(user, beneficiaire)` returns the Evenements of that person the user may see,
    in a constant number of queries."""
    _timeline_providers[name] = provider


def timeline_for(user, beneficiaire):
    import datetime

    def key(e):
        q = e.quand
        return (
            q
            if isinstance(q, datetime.datetime)
            else datetime.datetime.combine(q, datetime.time.max)
        )

    events = []
    for _, provider in sorted(_timeline_providers.items()):
        events.extend(provider(user, beneficiaire))
    return sorted(events, key=lambda e: key(e).replace(tzinfo=None), reverse=True)


def register_file_merger(name, merger):
    """`merger(kept, removed, acteur)` moves what a higher layer holds of `removed` to `kept`
    (inside the merge's transaction) and returns {label: count moved}."""
    _file_mergers[name] = merger


def file_mergers():
    return dict(sorted(_file_mergers.items()))


def register_export(nature, builder):
    """An export of a table (inclusion.models.ExportFichier.nature): `builder` is an
    inclusion.services.exports_fichiers.ExportBuilder — label, allowed(user),
    clean(params) -> parametres, build(user, parametres) -> Tableau (lazy rows), and the list
    it is asked from. Small ones are answered at once, long ones built by the worker."""
    _export_builders[nature] = builder


def export_builder(nature):
    return _export_builders.get(nature)


# --- A person's data over time (issue 18): anonymisation, legal holds, the access document --

_anonymizers = {}
_legal_holds = {}
_access_sections = {}


@dataclass(frozen=True)
class Obligation:
    """A legal duty that forbids erasing a file now; `code` is stable (never match the text)."""

    code: str
    message: str  # plain French, shown to the professional: why, and until when


@dataclass(frozen=True)
class Element:
    """One item of the access document: a title and its (label, value) lines, all text."""

    titre: str
    lignes: tuple = ()  # of (libellé, valeur)


@dataclass(frozen=True)
class Rubrique:
    """A part of the access document (one per kind of data a layer holds)."""

    cle: str  # "carnets", "inscriptions", "activites"…
    titre: str
    elements: tuple = ()  # of Element; empty: "Aucune donnée."
    explication: str = ""  # what this data is for, in one sentence
    ordre: int = 100


def register_anonymizer(name, anonymizer):
    """`anonymizer(beneficiaire_ids, now)` blanks what a higher layer holds that identifies
    these people (free text, phone numbers, e-mail addresses) while keeping its rows, their
    links and every count; returns {libellé: count}. Called inside the anonymisation's
    transaction, once per batch of ids, in a constant number of queries."""
    _anonymizers[name] = anonymizer


def anonymizers():
    return dict(sorted(_anonymizers.items()))


def register_legal_hold(name, hold):
    """`hold(beneficiaire, now)` returns the Obligations that forbid erasing the file today
    (e.g. a chèque cashed in a period whose statement is not paid yet): [] when none."""
    _legal_holds[name] = hold


def legal_holds():
    return dict(sorted(_legal_holds.items()))


def register_access_section(name, section):
    """`section(user, beneficiaire)` returns the Rubriques of what a higher layer holds about
    the person and the user may see, for the access document (PDF and JSON)."""
    _access_sections[name] = section


def access_sections():
    return dict(sorted(_access_sections.items()))


# --- Periodic work (issue 19) ------------------------------------------------------------


@dataclass(frozen=True)
class Travail:
    """A chore of the periodic command (`manage.py travaux_periodiques`).

    `fonction(now)` does one pass and returns {libellé: count} (counts only: it is journalised
    and kept in TravailPeriodique); it must be idempotent and safe to interrupt. `intervalle`
    (a timedelta) is the least time between two runs: zero runs it on every pass (every few
    minutes), one day makes it daily. `ordre`: lower runs first."""

    nom: str
    libelle: str
    fonction: object
    intervalle: object
    ordre: int = 100


_periodic_work = {}


def register_periodic(travail):
    _periodic_work[travail.nom] = travail


def periodic_work():
    return sorted(_periodic_work.values(), key=lambda t: (t.ordre, t.nom))
