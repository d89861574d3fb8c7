from inclusion import double_facteur, perms, registry


def plateforme(request):
    """Name, help phone and navigation rights shown on every page."""
    user = getattr(request, "user", None)
    habillage = registry.habillage(request)
    context = {
        "PLATFORM_NAME": habillage.nom,
        "HELP_PHONE": habillage.telephone_aide,
        "HABILLAGE": habillage,
        "TAILLE_TEXTE_URL": registry.text_size_url,  # called only by the pages that show it
    }
    if user is not None and user.is_authenticated:
        # The user behind request.user's lazy proxy (loaded by the test above): the checks
        # below read it some hundred times, each read through the proxy cost three calls more.
        user = getattr(user, "_wrapped", user)
        context["can_see_beneficiaires"] = perms.can_list_beneficiaires(user)
        context["is_coordinateur_nav"] = perms.is_coordinateur(user)
        context["pro_entries"] = registry.pro_entries_for(user)
        # Before the second step nothing but its own pages opens: no menu to offer.
        context["second_facteur_en_attente"] = double_facteur.must_pass_second_factor(request)
    return context
