"""URLs (namespace "diagnostics"): diagnostics in a person's file, espace pro."""

from django.urls import path

from mediation.views import diagnostic_pro

app_name = "diagnostics"

urlpatterns = [
    path("personnes/<uuid:uuid>/", diagnostic_pro.historique, name="historique"),
    path("personnes/<uuid:uuid>/nouveau/", diagnostic_pro.diagnostic_create, name="nouveau"),
    path("personnes/<uuid:uuid>/externe/", diagnostic_pro.externe_create, name="externe"),
    path("<uuid:uuid>/", diagnostic_pro.diagnostic_detail, name="detail"),
]
