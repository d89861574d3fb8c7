"""The sign-in backend: Django's model backend, whose get_user also reads the user's roles."""

from django.contrib.auth.backends import ModelBackend

from inclusion import perms

# The path a session records for a user signed in without a password check (kiosk PIN,
# accepted invitation): the same backend as the sign-in form's.
BACKEND = "inclusion.backends.RolesBackend"


class RolesBackend(ModelBackend):
    """Every page of the espace pro asks for the user's roles (menu, permissions, second
    factor): get_user reads the user and its active memberships in one query, not two."""

    def get_user(self, user_id):
        user = perms.user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
