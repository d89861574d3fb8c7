"""How every page about one person's file finds it: 403 for a user who may open no file, 404
for a file outside their scope (its existence stays hidden), then the page's own permission."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from inclusion import perms
from inclusion.models import Beneficiaire

RESERVE = "Les dossiers des personnes sont réservés aux prescripteurs, médiateurs et coordinateurs."


def file_in_scope(request, uuid, *related):
    if not perms.can_list_beneficiaires(request.user):
        raise PermissionDenied(RESERVE)
    return get_object_or_404(
        Beneficiaire.objects.for_user(request.user).select_related("structure", *related),
        uuid=uuid,
    )


def file_allowed(request, uuid, allowed, refus, *related):
    """The file in scope, if `allowed(user, beneficiaire)`; else 403 with `refus`."""
    beneficiaire = file_in_scope(request, uuid, *related)
    if not allowed(request.user, beneficiaire):
        raise PermissionDenied(refus)
    return beneficiaire
