"""The team page of the espace pro: members and invitations (under /pro/equipe/)."""

from django.urls import path

from inclusion.views import equipe

app_name = "equipe"

urlpatterns = [
    path("", equipe.liste, name="liste"),
    path("inviter/", equipe.invite, name="inviter"),
    path("invitations/<int:pk>/renvoyer/", equipe.resend_invitation, name="renvoyer"),
    path("invitations/<int:pk>/revoquer/", equipe.revoke_invitation, name="revoquer"),
]
