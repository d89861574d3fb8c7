"""URLs (namespace "opendata"): the territory's open data, stable addresses for a national
portal."""

from django.urls import path

from mediation.views import opendata as views

app_name = "opendata"

urlpatterns = [
    path("", views.datasets, name="jeux"),
]
