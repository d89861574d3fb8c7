"""Registrations of the activity records (menu entry, file action, exports, émargement
follow-up)."""

from ateliers.registry import SuiteEmargement, register_suite_emargement
from inclusion.registry import (
    BeneficiaireAction,
    ProEntry,
    register_beneficiaire_action,
    register_pro_entry,
)
from mediation import perms

register_pro_entry(
    ProEntry(
        label="Activités",
        url_name="activites:liste",
        description=(
            "Enregistrer vos accompagnements et vos ateliers (comptes rendus compatibles avec "
            "La Coop de la médiation numérique), les retrouver, les exporter."
        ),
        allowed=perms.can_record_activite,
        order=35,
    )
)

register_beneficiaire_action(
    BeneficiaireAction(
        label="Enregistrer un accompagnement",
        url_name="activites:nouvelle_personne",
        allowed=lambda user, beneficiaire: perms.can_record_activite(user),
        order=35,
    )
)

register_suite_emargement(
    SuiteEmargement(
        label="Enregistrer le compte rendu de l'atelier",
        url_name="activites:atelier",
        allowed=lambda user, session: perms.can_record_activite(user),
    )
)
