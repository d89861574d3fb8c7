"""Registries through which higher layers plug into the workshops (from AppConfig.ready()).

ateliers never imports mediation: a closed émargement offers the follow-ups that higher
layers registered here (e.g. "Enregistrer le compte rendu de l'atelier")."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SuiteEmargement:
    """A link offered once a session's émargement is closed (url_name takes the session's
    pk)."""

    label: str
    url_name: str
    allowed: object  # callable(user, session) -> bool
    order: int = 100


_suites_emargement = {}


def register_suite_emargement(suite):
    _suites_emargement[suite.url_name] = suite


def suites_emargement_for(user, session):
    return sorted(
        (s for s in _suites_emargement.values() if s.allowed(user, session)),
        key=lambda s: (s.order, s.label),
    )
