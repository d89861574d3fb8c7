"""Readiness check (issue 19): filled by the operations work (placeholder until then)."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse


@login_not_required
def pret(request):
    return JsonResponse({"statut": "inconnu"}, status=503)
