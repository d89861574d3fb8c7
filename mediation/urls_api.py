"""URLs (namespace "api"): the public read API, version 1, and its OpenAPI description."""

from django.urls import path

from mediation.views import api as views

app_name = "api"

urlpatterns = [
    path("", views.documentation, name="documentation"),
]
