"""Small public views of the site outside the page tree."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse


@login_not_required
def taille_texte(request):
    """Bigger-text switch kept in a cookie (to be written)."""
    return HttpResponse(status=204)
