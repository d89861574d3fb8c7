"""Registrations of the diagnostics: the button on a person's file, the demo, and where a
suggested session's public registration page is (the public site, a higher layer, says it)."""

from inclusion.registry import (
    BeneficiaireAction,
    register_beneficiaire_action,
    register_demo_builder,
)
from mediation import demo_diagnostics
from mediation.services.diagnostics import can_diagnose

register_beneficiaire_action(
    BeneficiaireAction(
        label="Faire un diagnostic",
        url_name="diagnostics:nouveau",
        allowed=can_diagnose,
        order=20,
    )
)
# After the kiosk's demo (40): the ateliers' sessions and the people exist by then.
register_demo_builder("diagnostics", demo_diagnostics.build, order=45)


# --- The public registration page of a session ---------------------------------------------

_lien_session = None


def register_session_link(provider):
    """`provider(request, session)` returns the URL of the session's public registration page
    (the public site registers it: it owns those pages), or "" when there is none."""
    global _lien_session
    _lien_session = provider


def lien_session_publique(request, session):
    if _lien_session is None:
        return ""
    return _lien_session(request, session) or ""
