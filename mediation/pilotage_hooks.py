"""Registrations of the dashboards: the menu entry and the tables' exports."""

from inclusion import perms as socle
from inclusion.registry import ProEntry, register_pro_entry
from mediation.pilotage import exports  # noqa: F401  (registers the "pilotage" export)

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
