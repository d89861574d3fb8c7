"""URLs (namespace "exports"): a professional's exports (under /pro/exports/)."""

from django.urls import path

from inclusion.views import exports

app_name = "exports"

urlpatterns = [
    path("", exports.export_list, name="liste"),
    path("demander/", exports.request_export, name="demander"),
    path("<uuid:uuid>/", exports.export_progress, name="progression"),
    path("<uuid:uuid>/telecharger/", exports.download_export, name="telecharger"),
]
