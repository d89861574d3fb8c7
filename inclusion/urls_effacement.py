"""URLs (namespace "effacement"): a file's erasure (anonymisation at once, refused under a
legal hold). Issue 18."""

from django.urls import path

from inclusion.views import effacement

app_name = "effacement"

urlpatterns = [
    path("<uuid:uuid>/", effacement.confirm_erasure, name="confirmer"),
]
