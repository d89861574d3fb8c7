"""Registrations of the dashboards: the menu entry, the tables' exports, and the card of the
funders' API tokens (coordinators)."""

from inclusion import perms as socle
from inclusion.registry import ProEntry, register_pro_entry
from mediation.pilotage import exports  # noqa: F401  (registers the "pilotage" export)
from mediation.services import jetons_api

register_pro_entry(
    ProEntry(
        label="Pilotage",
        url_name="pilotage:tableau_de_bord",
        description=(
            "Les chiffres de votre activité ou du territoire : pass numérique, ateliers, "
            "accompagnements, orientations, SMS, publics. Imprimer, PDF, exports."
        ),
        allowed=socle.can_access_pro,
        order=60,
    )
)

# The funders' API tokens: a card on the coordinators' home page (the menu stays short).
register_pro_entry(
    ProEntry(
        label="Jetons d'API des financeurs",
        url_name="jetons:liste",
        description=(
            "Donner à l'outil d'un financeur l'accès aux chiffres d'activité de l'API, "
            "ou le lui retirer."
        ),
        allowed=jetons_api.can_manage_jetons,
        order=65,
        in_menu=False,
    )
)
