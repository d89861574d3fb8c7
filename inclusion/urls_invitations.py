"""The invitation link, open without being signed in (under /pro/invitation/)."""

from django.urls import path

from inclusion.views import invitations

app_name = "invitations"

urlpatterns = [
    path("<str:token>/", invitations.accept_invitation, name="accepter"),
]
