from django.apps import AppConfig


class PassNumeriqueConfig(AppConfig):
    """L1: programmes, envelopes, carnets, chèques, redemption (imports inclusion only)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pass_numerique"
    verbose_name = "Pass numérique"
