"""Registrations of orientations: menu entries of both sides and the file's "Orienter"."""

from inclusion import perms as socle
from inclusion.registry import (
    BeneficiaireAction,
    ProEntry,
    register_beneficiaire_action,
    register_pro_entry,
)
from mediation import perms

register_pro_entry(
    ProEntry(
        label="Orientations",
        url_name="orientations:envoyees",
        description=(
            "Les personnes que vous avez orientées vers un lieu ou un atelier : où en est "
            "chaque demande, relancer, annuler."
        ),
        allowed=socle.can_list_beneficiaires,
        order=37,
        in_menu=False,
    )
)

register_pro_entry(
    ProEntry(
        label="Orientations reçues",
        url_name="orientations:recues",
        description=(
            "Les personnes orientées vers vos lieux : prendre en compte, donner un "
            "rendez-vous ou une session, ou dire pourquoi ce n'est pas possible."
        ),
        allowed=lambda user: (
            socle.is_coordinateur(user) or bool(perms.structure_ids_reception(user))
        ),
        order=36,
    )
)

register_beneficiaire_action(
    BeneficiaireAction(
        label="Orienter",
        url_name="orientations:nouvelle",
        allowed=perms.can_orient,
        order=30,
    )
)
