"""URLs (namespace "diagnostic_public"): the public site's diagnostic, open to all."""

from django.urls import path

from mediation.views import diagnostic_public

app_name = "diagnostic_public"

urlpatterns = [
    path("", diagnostic_public.start, name="accueil"),
    path("questions/", diagnostic_public.questions, name="questions"),
    path("sms/", diagnostic_public.send_sms, name="sms"),
]
