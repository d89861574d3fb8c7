from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def accueil(request):
    """Temporary public home until the CMS issue brings the Wagtail pages."""
    return render(request, "inclusion/public/accueil.html")
