from django.apps import AppConfig


class CmsConfig(AppConfig):
    """L4: the public FALC site on Wagtail (imports every lower layer, imported by none)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = "Site public"
