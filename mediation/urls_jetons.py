"""URLs (namespace "jetons"): the coordinators' screen of the funders' API tokens."""

from django.urls import path

from mediation.views import jetons_api as views

app_name = "jetons"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("creer/", views.create, name="creer"),
    path("<int:pk>/revoquer/", views.revoke, name="revoquer"),
]
