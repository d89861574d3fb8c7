"""The URL configuration the OpenAPI description is generated from: /api/v1/ only (the
Wagtail admin's own API views stay out of it). `manage.py spectacular --urlconf
mediation.api.urlconf --validate` reads the same."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("mediation.urls_api"))]
