"""Issue 18: the button "Copie des données de la personne" on a file (the access document,
inclusion.services.acces; the higher layers add their rubriques from their own hooks_acces)."""

from inclusion.registry import BeneficiaireAction, register_beneficiaire_action
from inclusion.services.acces import can_produce

register_beneficiaire_action(
    BeneficiaireAction(
        label="Copie des données de la personne",
        url_name="acces_donnees:apercu",
        allowed=can_produce,
        order=900,
    )
)
