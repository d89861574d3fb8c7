from django.apps import AppConfig


class AteliersConfig(AppConfig):
    """L2: workshops, registrations, attendance (imports pass_numerique and inclusion)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ateliers"
    verbose_name = "Ateliers"

    def ready(self):
        from ateliers.perms import can_register_people
        from inclusion.registry import (
            BeneficiaireAction,
            ProEntry,
            register_beneficiaire_action,
            register_pro_entry,
        )

        register_pro_entry(
            ProEntry(
                label="Ateliers",
                url_name="ateliers:mes_sessions",
                description=(
                    "Vos sessions de la semaine, créer une session, inscrire une personne, "
                    "la liste d'attente et la feuille d'émargement."
                ),
                allowed=can_register_people,
                order=50,
            )
        )
        register_beneficiaire_action(
            BeneficiaireAction(
                label="Inscrire à un atelier",
                url_name="ateliers:inscrire_personne",
                allowed=lambda user, beneficiaire: can_register_people(user),
                order=30,
            )
        )
