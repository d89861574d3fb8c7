from django.apps import AppConfig


class CmsConfig(AppConfig):
    """L4: the public FALC site on Wagtail (imports every lower layer, imported by none)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = "Site public"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site
        from wagtail.signals import page_published, page_unpublished

        from cms import demo
        from cms.models.habillage import Habillage, fournir, invalider_cache
        from inclusion import page_cache
        from inclusion.registry import register_demo_builder, register_habillage_provider

        register_habillage_provider(fournir)
        page_published.connect(invalider_cache, dispatch_uid="habillage-publie")
        page_unpublished.connect(invalider_cache, dispatch_uid="habillage-depublie")
        for model in (Habillage, Site):
            post_save.connect(invalider_cache, sender=model, dispatch_uid=f"habillage-{model}")
            post_delete.connect(invalider_cache, sender=model, dispatch_uid=f"habillage-d-{model}")
            # Cached pages carry the name, logo and footer links: a new look clears them too.
            post_save.connect(page_cache.clear, sender=model, dispatch_uid=f"pages-{model}")
            post_delete.connect(page_cache.clear, sender=model, dispatch_uid=f"pages-d-{model}")
        # The workshop list's cached HTML: names, places, themes and pages change its key.
        from ateliers.models import Session, Theme
        from cms.journeys import fraicheur
        from inclusion.models import Commune, Lieu, Quartier

        for model in (Session, Theme, Lieu, Commune, Quartier, Habillage, Site):
            for signal in (post_save, post_delete):
                signal.connect(
                    fraicheur.nouvelle_generation,
                    sender=model,
                    dispatch_uid=f"ateliers-liste-{signal}-{model.__name__}",
                )
        for signal in (page_published, page_unpublished):
            signal.connect(fraicheur.nouvelle_generation, dispatch_uid=f"ateliers-liste-{signal}")
        from wagtail.models import PageViewRestriction

        from inclusion.page_cache import register_fresh_responder

        for signal in (post_save, post_delete):
            signal.connect(
                fraicheur.nouvelle_generation,
                sender=PageViewRestriction,
                dispatch_uid=f"gen-restriction-{signal}",
            )
        register_fresh_responder(fraicheur.repondre)
        # "Mon pass" keeps the places of each programme the same way.
        from django.db.models.signals import m2m_changed

        from pass_numerique.models import Programme

        post_save.connect(fraicheur.nouvelle_generation, sender=Programme, dispatch_uid="gen-prog")
        for through in (Programme.lieux.through, Programme.communes.through):
            m2m_changed.connect(
                fraicheur.nouvelle_generation, sender=through, dispatch_uid=f"gen-{through}"
            )
        # After the ateliers (order 20): the site's pages point at their journeys.
        register_demo_builder("cms", demo.build, order=30)
        # Coordinators edit the site (pages, images, documents, look).
        from django.db.models.signals import post_migrate

        from cms.permissions import ensure_site_permissions

        post_migrate.connect(ensure_site_permissions, dispatch_uid="cms_site_permissions")
