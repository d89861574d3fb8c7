from django.conf import settings

from inclusion import perms, registry


def plateforme(request):
    """Name, help phone and navigation rights shown on every page."""
    user = getattr(request, "user", None)
    context = {"PLATFORM_NAME": settings.PLATFORM_NAME, "HELP_PHONE": settings.HELP_PHONE}
    if user is not None and user.is_authenticated:
        context["can_see_beneficiaires"] = perms.can_list_beneficiaires(user)
        context["is_coordinateur_nav"] = perms.is_coordinateur(user)
        context["pro_entries"] = registry.pro_entries_for(user)
    return context
