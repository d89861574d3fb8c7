from django.apps import AppConfig


class MediationConfig(AppConfig):
    """L3: accompaniments, diagnostics, the kiosk, statistics (imports L0 to L2)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mediation"
    verbose_name = "Médiation"

    def ready(self):
        from inclusion.enums import Role
        from inclusion.perms import has_role
        from inclusion.registry import ProEntry, register_demo_builder, register_pro_entry
        from mediation import demo

        register_pro_entry(
            ProEntry(
                label="Kiosque",
                url_name="kiosque:accueil",
                description=(
                    "Ouvrir le kiosque : vérifier un pass, trouver un atelier ou un lieu, "
                    "imprimer un rappel."
                ),
                allowed=lambda user: has_role(user, Role.VOLONTAIRE),
                order=10,
            )
        )
        register_demo_builder("kiosque", demo.build, order=40)
        from mediation import demo_orientations

        register_demo_builder("orientations", demo_orientations.build, order=50)
        from mediation import (  # noqa: F401  (registrations; comptes: the account closer)  # noqa: F401  (issue 18: anonymisation, access, retention)
            activites_hooks,
            chronologie,
            comptes,
            diagnostic_hooks,
            exports_activites,
            exports_orientations,
            fusion,
            hooks_acces,
            hooks_anonymisation,
            hooks_conservation,
            hooks_periodique,
            orientations_hooks,
            pilotage_hooks,
        )
