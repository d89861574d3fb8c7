"""Wagtail's own Users and Groups admin (app wagtail.users) stays closed, to everyone.

Accounts change only through the services (inclusion/services/comptes.py, invitations.py,
territoire.py, double_facteur.py), which hold the rules and write the journal: who may give
which role, never the last coordinator, deactivation rather than deletion, one's e-mail address
changed through a link. Wagtail's views would write the same rows without them, and a superuser
passes every Django permission, so the permissions cannot close them: their URLs are answered
here. A coordinator (a superuser is one) is sent to the espace pro's "Équipe" page, where the
services are; anyone else who opens the admin gets Wagtail's "no permission" answer, as before.
Groups follow the roles (territoire.sync_groups) and their permissions are set by code
(inclusion/signals.py, cms/permissions.py): their screens are closed too.

The admin's own "Compte" page points to "Mon compte" of the espace pro, where the name, the
address (through a link) and the password change through the services.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import re_path, reverse
from wagtail.admin.auth import permission_denied

from inclusion import perms

# The menu items, search areas and URL prefixes of wagtail.users' two viewsets.
CLOSED = ("users", "groups")

MESSAGE = (
    "Les comptes se gèrent dans l'espace pro, page « Équipe » : inviter, donner un rôle, "
    "désactiver ou réactiver un compte, avec leurs règles et le journal."
)


def answer_closed_screen(request, *args, **kwargs):
    """Every view of /admin/users/ and /admin/groups/, GET or POST: nothing is written."""
    if not perms.can_manage_accounts(request.user):
        return permission_denied(request)
    messages.info(request, MESSAGE)
    return redirect("equipe:liste")


def closed_urlpatterns():
    """Answered before wagtail.users' own patterns (the hook that returns them runs first);
    unnamed, so that reversing wagtail.users' names still gives these URLs."""
    return [re_path(rf"^{prefix}/", answer_closed_screen) for prefix in CLOSED]


def is_closed_model(model):
    return model is get_user_model()


def mon_compte_menu_item():
    """For the "More actions" tab of the admin's "Compte" page."""
    return {
        "url": reverse("mon_compte:accueil"),
        "label": "Mon compte dans l'espace pro",
        "help_text": (
            "Nom, adresse e-mail, mot de passe, double authentification, déconnexion partout."
        ),
    }
