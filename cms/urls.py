"""Public routes of the CMS outside the page tree (mounted at the root in inclusion/urls.py)."""

from django.urls import path, re_path

from cms import views
from cms.journeys import mon_pass

app_name = "cms"

urlpatterns = [
    path("texte/", views.taille_texte, name="taille_texte"),
    # The carnet's QR code: served as the "Mon pass" page of the site.
    re_path(r"^p/(?P<code>[0-9A-Za-z-]{1,40})/?$", mon_pass.qr_code, name="mon_pass_qr"),
]
