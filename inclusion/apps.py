from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


class InclusionConfig(AppConfig):
    """L0: the socle. Imports no other app of the project."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "inclusion"
    verbose_name = "Socle"

    def ready(self):
        import inclusion.checks  # noqa: F401  (registers the deploy checks)
        import inclusion.sms.inbound  # noqa: F401  (registers STOP/ARRET, START, AIDE)
        from inclusion import (  # noqa: F401  (issue 18: retention, access, anonymisation)
            hooks_acces,
            hooks_anonymisation,
            hooks_conservation,
            hooks_conservation_dossiers,
            hooks_periodique,  # issue 19: periodic chores
            perms,
        )
        from inclusion.registry import ProEntry, register_pro_entry
        from inclusion.signals import ensure_coordinateurs_group

        register_pro_entry(
            ProEntry(
                label="Statistiques des SMS",
                url_name="pro:sms_statistiques",
                description="Envois, échecs et coût estimé des SMS, mois par mois.",
                allowed=perms.is_coordinateur,
                order=90,
                in_menu=False,
            )
        )
        register_pro_entry(
            ProEntry(
                label="Équipe",
                url_name="equipe:liste",
                description="Les membres de vos structures, les invitations en attente, inviter "
                "une personne.",
                allowed=perms.can_invite,
                order=80,
            )
        )
        # A publication, an unpublication, a move or a deletion bumps the public pages' cache.
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from inclusion import page_cache

        page_published.connect(page_cache.bump, dispatch_uid="page_cache_published")
        page_unpublished.connect(page_cache.bump, dispatch_uid="page_cache_unpublished")
        post_page_move.connect(page_cache.bump, dispatch_uid="page_cache_moved")
        post_delete.connect(page_cache.bump, sender=Page, dispatch_uid="page_cache_deleted")
        # After every migrate: permissions exist only once post_migrate has run.
        post_migrate.connect(ensure_coordinateurs_group, dispatch_uid="inclusion_groups")
        from inclusion import chronologie  # noqa: F401  (registrations)
