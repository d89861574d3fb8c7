"""Exports (XLSX, CSV): ask for one, follow its progress, download it, "Mes exports".
An export is its requester's only: anyone else gets 404; past its 24 hours, a clear page
(410). Thin: parse → check permission → service → render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from inclusion import perms, registry
from inclusion.models import StatutExport
from inclusion.services import exports_fichiers as services

TEMPLATES = "inclusion/exports"
REFRESH_SECONDS = 5
LISTE_MAX = 50
CHAMPS_TECHNIQUES = {"csrfmiddlewaretoken", "nature", "format"}


def _require_pro(user):
    if not perms.can_access_pro(user):
        raise PermissionDenied("Les exports sont réservés aux professionnels.")


def _own_export(request, uuid):
    """The export if the user asked for it; 404 for anyone else (it stays hidden)."""
    _require_pro(request.user)
    return get_object_or_404(services.exports_of(request.user), uuid=uuid)


def _back_url(nature):
    builder = registry.export_builder(nature)
    if builder is not None and builder.retour_url_name:
        try:
            return reverse(builder.retour_url_name)
        except NoReverseMatch:
            pass
    return reverse("exports:liste")


def _expired_page(request, export):
    return render(
        request,
        f"{TEMPLATES}/expire.html",
        {"export": export, "label": services.label_of(export.nature)},
        status=410,
    )


def export_list(request):
    _require_pro(request.user)
    now = timezone.now()
    exports = list(services.exports_of(request.user)[:LISTE_MAX])
    for export in exports:
        export.label = services.label_of(export.nature)
        export.expire = services.is_expired(export, now)
    return render(request, f"{TEMPLATES}/liste.html", {"exports": exports})


@require_POST
def request_export(request):
    user = request.user
    _require_pro(user)
    nature = request.POST.get("nature", "")
    params = {k: v for k, v in request.POST.items() if k not in CHAMPS_TECHNIQUES}
    try:
        reponse = services.request_export(
            acteur=user, nature=nature, format=request.POST.get("format", ""), params=params
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back_url(nature))
    if reponse.export is None:
        response = HttpResponse(reponse.contenu, content_type=reponse.content_type)
        response["Content-Disposition"] = f'attachment; filename="{reponse.nom_fichier}"'
        return response
    # Whoever just asked for it follows it: the page reloads itself (no JavaScript needed).
    return redirect(reverse("exports:progression", args=[reponse.export.uuid]) + "?suivi=auto")


def export_progress(request, uuid):
    export = _own_export(request, uuid)
    if services.is_expired(export):
        return _expired_page(request, export)
    en_cours = export.statut in (StatutExport.EN_ATTENTE, StatutExport.EN_COURS)
    # Reloading on a timer only when asked (WCAG 2.2.1: the person can stop it, and a page
    # opened from "Mes exports" stays still for a screen reader).
    auto = en_cours and request.GET.get("suivi") == "auto"
    total = export.lignes_total or 0
    pourcentage = min(100, export.lignes_faites * 100 // total) if total else 0
    return render(
        request,
        f"{TEMPLATES}/progression.html",
        {
            "export": export,
            "label": services.label_of(export.nature),
            "en_cours": en_cours,
            "auto": auto,
            "pourcentage": pourcentage,
            "refresh": REFRESH_SECONDS,
            "erreur": services.ERREURS.get(export.erreur_code, services.ERREURS["erreur_interne"]),
            "retour": _back_url(export.nature),
        },
    )


def download_export(request, uuid):
    export = _own_export(request, uuid)
    if services.is_expired(export) or (
        export.statut == StatutExport.PRET and not default_storage.exists(export.fichier.name)
    ):
        return _expired_page(request, export)
    if export.statut != StatutExport.PRET:
        return redirect("exports:progression", uuid=export.uuid)
    return FileResponse(
        default_storage.open(export.fichier.name, "rb"),
        as_attachment=True,
        filename=export.nom_fichier or export.fichier.name.rsplit("/", 1)[-1],
        content_type=services.FORMATS.get(export.format, "application/octet-stream"),
    )
