"""iCal feeds (public per lieu, private per médiateur) and the médiateur's calendar page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from ateliers import ical
from ateliers.models import CalendrierMediateur
from inclusion.models import Lieu


def _ics(contenu, nom_fichier, cache_control):
    response = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{nom_fichier}"'
    response["Cache-Control"] = cache_control
    return response


@login_not_required
@require_safe
def flux_lieu(request, uuid):
    """Public: the lieu's sessions of the next 90 days, no personal data."""
    lieu = get_object_or_404(Lieu.objects.select_related("commune"), uuid=uuid, actif=True)
    return _ics(ical.flux_lieu(lieu), f"ateliers-{lieu.uuid}.ics", "public, max-age=900")


@login_not_required
@require_safe
def flux_mediateur(request, token):
    """Private: the token is the only key; 404 once revoked or regenerated."""
    calendrier = ical.calendrier_actif(token)
    if calendrier is None:
        raise Http404("Adresse de calendrier inconnue ou désactivée.")
    response = _ics(
        ical.flux_mediateur(calendrier.user), "mes-ateliers.ics", "private, max-age=300"
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def calendrier(request):
    """The médiateur gets, regenerates or revokes the private address of their calendar."""
    if not ical.can_have_calendrier(request.user):
        raise PermissionDenied("Cette page est réservée aux médiateurs.")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerer":
            ical.regenerate_calendrier(user=request.user)
            messages.success(
                request,
                "Votre nouvelle adresse est prête. L'ancienne adresse ne marche plus : "
                "mettez-la à jour dans votre agenda.",
            )
        elif action == "revoquer":
            if ical.revoke_calendrier(user=request.user):
                messages.success(
                    request, "L'adresse est désactivée : plus personne ne peut lire ce calendrier."
                )
            else:
                messages.info(request, "Vous n'aviez pas d'adresse active.")
        else:
            return render(
                request,
                "ateliers/stats/calendrier.html",
                _contexte_calendrier(request, erreur="Action inconnue. Choisissez un des boutons."),
                status=400,
            )
        return redirect("ateliers_public:calendrier")
    return render(request, "ateliers/stats/calendrier.html", _contexte_calendrier(request))


def _contexte_calendrier(request, erreur=None):
    actif = CalendrierMediateur.objects.filter(user=request.user, revoque_le__isnull=True).first()
    adresse = None
    if actif:
        adresse = request.build_absolute_uri(
            reverse("ateliers_public:flux_mediateur", args=[actif.token])
        )
    return {
        "calendrier": actif,
        "adresse": adresse,
        "adresse_webcal": adresse.replace("https://", "webcal://").replace("http://", "webcal://")
        if adresse
        else None,
        "erreur": erreur,
        "jours_passes": ical.JOURS_PASSES_MEDIATEUR,
        "jours_a_venir": ical.JOURS_A_VENIR_MEDIATEUR,
    }
