"""Short URLs printed as QR codes, at the root of the site (wired in inclusion/urls.py):
/c/<code> for a chèque (staff), /p/<code> for a carnet ("Mon pass", public)."""

from django.urls import re_path

from pass_numerique.views import public, verifier

CODE = r"(?P<code>[0-9A-Za-z-]{1,40})/?$"

urlpatterns = [
    re_path(r"^c/" + CODE, verifier.cheque_court, name="pass_cheque_court"),
    re_path(r"^p/" + CODE, public.mon_pass_view, name="pass_mon_pass"),
]
