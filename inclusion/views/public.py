from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render


@login_not_required
def accueil(request):
    """Temporary public home until the CMS issue brings the Wagtail pages."""
    return render(request, "inclusion/public/accueil.html")


@login_not_required
def sante(request):
    """Health check for load balancers: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
