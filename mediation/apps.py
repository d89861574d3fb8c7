from django.apps import AppConfig


class MediationConfig(AppConfig):
    """L3: accompaniments, diagnostics, the kiosk, statistics (imports L0 to L2)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mediation"
    verbose_name = "Médiation"
