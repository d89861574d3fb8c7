from django.apps import AppConfig


class AteliersConfig(AppConfig):
    """L2: workshops, registrations, attendance (imports pass_numerique and inclusion)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ateliers"
    verbose_name = "Ateliers"
