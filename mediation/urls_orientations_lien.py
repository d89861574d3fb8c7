"""URLs (namespace "orientation_lien"): one orientation through the signed link e-mailed to
the receiving place, without an account."""

from django.urls import path

from mediation.views import orientations_lien as views

app_name = "orientation_lien"

urlpatterns = [
    path("<uuid:uuid>/", views.link_page, name="page"),
]
