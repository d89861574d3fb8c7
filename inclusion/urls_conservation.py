"""URLs (namespace "conservation"): the notice of files soon anonymised, and "garder encore"
(issue 18)."""

from django.urls import path

from inclusion.views import conservation as views

app_name = "conservation"

urlpatterns = [
    path("", views.bientot, name="bientot"),
    path("<uuid:uuid>/garder/", views.keep, name="garder"),
]
