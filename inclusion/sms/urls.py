"""Twilio webhooks, mounted at /sms/ (namespace "sms")."""

from django.urls import path

from inclusion.sms import webhooks
from inclusion.views import sms as sms_views

app_name = "sms"

urlpatterns = [
    path("statut/", webhooks.statut, name="statut"),
    path("entrant/", webhooks.entrant, name="entrant"),
    path("stop/<str:token>/", sms_views.stop, name="stop"),
]
