"""Twilio webhooks, mounted at /sms/ (namespace "sms")."""

from django.urls import path

from inclusion.sms import webhooks

app_name = "sms"

urlpatterns = [
    path("statut/", webhooks.statut, name="statut"),
    path("entrant/", webhooks.entrant, name="entrant"),
]
