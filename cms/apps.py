from django.apps import AppConfig


class CmsConfig(AppConfig):
    """L4: the public FALC site on Wagtail (imports every lower layer, imported by none)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = "Site public"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site

        from cms import demo
        from cms.journeys import ateliers
        from cms.models.habillage import Habillage, get_habillage
        from inclusion import page_cache
        from inclusion.registry import (
            register_demo_builder,
            register_habillage_provider,
            register_text_size_view,
        )

        register_habillage_provider(get_habillage)
        from mediation.diagnostic_hooks import register_session_link

        # The diagnostic's result (public site) offers one-tap registration to its sessions.
        register_session_link(ateliers.registration_url)
        register_text_size_view("cms:taille_texte")
        # What the public pages show, beyond the pages themselves (the socle bumps on those):
        # the look, names, places, themes, the programmes' places, view restrictions.
        from django.db.models.signals import m2m_changed
        from wagtail.models import PageViewRestriction

        from ateliers.models import Session, Theme
        from inclusion.models import Commune, Lieu, Quartier
        from pass_numerique.models import Programme

        for model in (
            Habillage,
            Site,
            Session,
            Theme,
            Lieu,
            Commune,
            Quartier,
            Programme,
            PageViewRestriction,
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    page_cache.bump, sender=model, dispatch_uid=f"page-cache-{signal}-{model}"
                )
        for through in (Programme.lieux.through, Programme.communes.through):
            m2m_changed.connect(page_cache.bump, sender=through, dispatch_uid=f"gen-{through}")
        page_cache.register_responder(ateliers.answer_before_routing)
        # After the ateliers (order 20): the site's pages point at their journeys.
        register_demo_builder("cms", demo.build, order=30)
        # Coordinators edit the site (pages, images, documents, look).
        from django.db.models.signals import post_migrate

        from cms.permissions import ensure_site_permissions

        post_migrate.connect(ensure_site_permissions, dispatch_uid="cms_site_permissions")
