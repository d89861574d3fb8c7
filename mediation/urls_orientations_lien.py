"""URLs (namespace "orientation_lien"): one orientation through the signed link e-mailed to
the receiving place, without an account. The page is `<uuid>/?h=<signature>`; every action is
a POST carrying the signature in a hidden field "h"."""

from django.urls import path

from mediation.views import orientations_lien as views

app_name = "orientation_lien"

urlpatterns = [
    path("<uuid:uuid>/", views.link_page, name="page"),
    path("<uuid:uuid>/accepter/", views.accept, name="acceptation"),
    path("<uuid:uuid>/refuser/", views.refuse, name="refus"),
    path("<uuid:uuid>/corriger/", views.correct, name="correction"),
    path("<uuid:uuid>/deplacer/", views.move, name="deplacement"),
    path("<uuid:uuid>/nouveau-lien/", views.send_new_link, name="nouveau_lien"),
]
