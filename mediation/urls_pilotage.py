"""URLs (namespace "pilotage"): the territory's dashboards in the espace pro."""

from django.urls import path

from inclusion.db_router import replica_view
from mediation.views import pilotage as views
from mediation.views import pilotage_partage as partage

# The dashboards read their figures from the replica when there is one (the list of
# share links, which writes, does not).
app_name = "pilotage"

urlpatterns = [
    path("", replica_view(views.dashboard), name="tableau_de_bord"),
    path("pdf/", replica_view(views.dashboard_pdf), name="pdf"),
    path("recherche/", replica_view(views.search_choices), name="recherche"),
    path("partages/", partage.share_links, name="partages"),
    path("partages/<int:pk>/retirer/", partage.withdraw_link, name="partage_retirer"),
]
