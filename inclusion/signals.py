from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

COORDINATEURS_GROUP = "Coordinateurs"

# What the Wagtail admin lets a coordinator manage in this issue; later issues add theirs.
COORDINATEUR_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("inclusion", "add_commune"),
    ("inclusion", "change_commune"),
    ("inclusion", "view_commune"),
    ("inclusion", "add_quartier"),
    ("inclusion", "change_quartier"),
    ("inclusion", "view_quartier"),
    ("inclusion", "add_structure"),
    ("inclusion", "change_structure"),
    ("inclusion", "view_structure"),
    ("inclusion", "add_lieu"),
    ("inclusion", "change_lieu"),
    ("inclusion", "view_lieu"),
    ("inclusion", "add_membership"),
    ("inclusion", "change_membership"),
    ("inclusion", "view_membership"),
]


def ensure_coordinateurs_group(sender=None, using="default", **kwargs):
    """Create the coordinators' group with its permissions; idempotent."""
    if getattr(sender, "name", "inclusion") != "inclusion":
        return
    # "inclusion" comes before django.contrib.auth in INSTALLED_APPS, so on a fresh database
    # its permissions do not exist yet when this runs: create them first (idempotent).
    create_permissions(global_apps.get_app_config("inclusion"), verbosity=0, using=using)
    group, _ = Group.objects.using(using).get_or_create(name=COORDINATEURS_GROUP)
    wanted = []
    for app_label, codename in COORDINATEUR_PERMISSIONS:
        perm = (
            Permission.objects.using(using)
            .filter(content_type__app_label=app_label, codename=codename)
            .first()
        )
        if perm is not None:
            wanted.append(perm)
    group.permissions.add(*wanted)
    return group
