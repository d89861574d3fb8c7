from django.apps import AppConfig


class AteliersConfig(AppConfig):
    """L2: workshops, registrations, attendance (imports pass_numerique and inclusion)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ateliers"
    verbose_name = "Ateliers"

    def ready(self):
        from ateliers import demo
        from ateliers.ical import can_have_calendrier
        from ateliers.perms import can_register_people
        from ateliers.services.stats import can_view_statistiques
        from inclusion.registry import (
            BeneficiaireAction,
            ProEntry,
            register_beneficiaire_action,
            register_demo_builder,
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
        register_pro_entry(
            ProEntry(
                label="Statistiques des ateliers",
                url_name="ateliers_public:statistiques",
                description=(
                    "Taux de présence et absences sans prévenir par thème, lieu et quartier."
                ),
                allowed=can_view_statistiques,
                order=60,
                in_menu=False,
            )
        )
        register_pro_entry(
            ProEntry(
                label="Mon calendrier",
                url_name="ateliers_public:calendrier",
                description=(
                    "Vos ateliers dans l'agenda de votre téléphone, par une adresse privée."
                ),
                allowed=can_have_calendrier,
                order=70,
                in_menu=False,
            )
        )
        register_demo_builder("ateliers", demo.build, order=20)

        from ateliers import sms
        from inclusion.sms.keywords import register_keyword

        register_keyword("OUI", sms.handle_oui, "OUI pour confirmer votre venue", order=10)
        register_keyword(
            "ANNULER", sms.handle_annuler, "ANNULER pour libérer votre place", order=11
        )
        register_keyword(
            "ATELIERS", sms.handle_ateliers, "ATELIERS pour les prochains ateliers", order=12
        )
        from ateliers import (  # noqa: F401  (registrations)
            chronologie,
            comptes,
            fusion,
            hooks_acces,  # noqa: F401  (issue 18: the access document)
            hooks_periodique,  # noqa: F401  (issue 19: periodic chores)
        )
