"""URLs (namespace "partage"): the dashboards' public share links, without an account."""

from django.urls import path

from mediation.views import pilotage_partage as views

app_name = "partage"

urlpatterns = [
    path("<str:jeton>/", views.shared_dashboard, name="tableau"),
    path("<str:jeton>/pdf/", views.shared_dashboard_pdf, name="pdf"),
]
