"""URLs (namespace "partage"): the dashboards' public share links, without an account."""

from django.urls import path

from inclusion.db_router import keep_on_primary, replica_view
from mediation.views import pilotage_partage as views

# Figures from the replica when there is one; the link itself (withdrawn at once) and its
# visit count on the primary.
keep_on_primary("mediation.lienpartage")

app_name = "partage"

urlpatterns = [
    path("<str:jeton>/", replica_view(views.shared_dashboard), name="tableau"),
    path("<str:jeton>/pdf/", replica_view(views.shared_dashboard_pdf), name="pdf"),
]
