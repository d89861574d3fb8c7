"""URLs (namespace "pilotage"): the territory's dashboards in the espace pro."""

from django.urls import path

from mediation.views import pilotage as views
from mediation.views import pilotage_partage as partage

app_name = "pilotage"

urlpatterns = [
    path("", views.dashboard, name="tableau_de_bord"),
    path("pdf/", views.dashboard_pdf, name="pdf"),
    path("partages/", partage.share_links, name="partages"),
    path("partages/<int:pk>/retirer/", partage.withdraw_link, name="partage_retirer"),
]
