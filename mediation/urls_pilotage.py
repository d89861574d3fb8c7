"""URLs (namespace "pilotage"): the territory's dashboards in the espace pro."""

from django.urls import path

from mediation.views import pilotage as views

app_name = "pilotage"

urlpatterns = [
    path("", views.dashboard, name="tableau_de_bord"),
    path("pdf/", views.dashboard_pdf, name="pdf"),
]
