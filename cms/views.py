"""Small public views of the site outside the page tree."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

COOKIE_TAILLE = "taille_texte"  # read by cms/base.html (class texte-grand on <html>)
UN_AN = 365 * 24 * 60 * 60


@login_not_required
@require_GET
def taille_texte(request):
    """Bigger-text switch: a plain link (works without JavaScript) that keeps the choice in a
    cookie for a year and goes back to the page the person was reading."""
    suite = request.GET.get("suite") or "/"
    if not url_has_allowed_host_and_scheme(
        suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        suite = "/"
    response = HttpResponseRedirect(suite)
    if request.GET.get("taille") == "grand":
        response.set_cookie(COOKIE_TAILLE, "grand", max_age=UN_AN, samesite="Lax", path="/")
    else:
        response.delete_cookie(COOKIE_TAILLE, path="/", samesite="Lax")
    return response
