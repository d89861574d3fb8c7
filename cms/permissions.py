"""The coordinators edit the public site: its pages (add, edit, publish, lock), the images and
documents they carry, and the site's look (Habillage). Wagtail's own groups ("Editors",
"Moderators") stay available for staff who edit pages without seeing any file of a person."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}
MODEL_PERMISSIONS = (("cms", "change_habillage"),)


def _permission(app_label, codename, using):
    return (
        Permission.objects.using(using)
        .filter(content_type__app_label=app_label, codename=codename)
        .first()
    )


def ensure_site_permissions(sender=None, using="default", **kwargs):
    """Give the Coordinateurs group the public site's permissions; idempotent (post_migrate)."""
    if getattr(sender, "name", "cms") != "cms":
        return
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    from inclusion.signals import ensure_coordinateurs_group

    # Some of these apps come after "cms" in INSTALLED_APPS: their permissions may not exist
    # yet on a fresh database.
    for label in ("cms", "wagtailcore", "wagtailimages", "wagtaildocs"):
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using)
    group = ensure_coordinateurs_group(using=using)
    root = Page.objects.using(using).filter(depth=1).first()
    if root is not None:
        for codename in PAGE_PERMISSIONS:
            permission = _permission("wagtailcore", codename, using)
            GroupPagePermission.objects.using(using).get_or_create(
                group=group, page=root, permission=permission
            )
    collection = Collection.objects.using(using).filter(depth=1).first()
    if collection is not None:
        for app_label, codenames in COLLECTION_PERMISSIONS.items():
            for codename in codenames:
                permission = _permission(app_label, codename, using)
                GroupCollectionPermission.objects.using(using).get_or_create(
                    group=group, collection=collection, permission=permission
                )
    group.permissions.add(*(_permission(a, c, using) for a, c in MODEL_PERMISSIONS))
    return group
