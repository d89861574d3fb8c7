"""The kiosk's journeys. Thin views: parse → check → call a service → render.

Nothing here shows a beneficiary list, a full phone number, or anything from before the
current journey: what a journey needs lives in session["kiosque"]["parcours"] and is dropped
at "Recommencer"."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ateliers.models import Theme
from inclusion.forms import apply_service_errors
from inclusion.horaires import horaires_en_clair
from inclusion.models import Lieu, Quartier
from inclusion.services.telephones import mask_phone
from mediation.forms import CodeForm, InscriptionForm
from mediation.services import ateliers as ateliers_services
from mediation.services import etat, verification
from mediation.services import lieux as lieux_services
from mediation.views.common import contexte, inscription_du_parcours, kiosque_requis, log_action
from pass_numerique import perms as pass_perms


@never_cache
@require_safe
@kiosque_requis
def accueil(request):
    return render(request, "mediation/kiosque/accueil.html", contexte(request))


@never_cache
@require_POST
@kiosque_requis
def start_over(request):
    """Drop the current journey (the "Recommencer" button and the inactivity timer)."""
    raison = "inactivite" if request.POST.get("raison") == "inactivite" else "bouton"
    etat.reset_parcours(request)
    log_action(request, "recommencer", raison=raison)
    if raison == "inactivite":
        messages.info(request, "L'écran a été effacé après un moment sans activité.")
    return redirect("kiosque:accueil")


# --- 1. Vérifier un pass -------------------------------------------------------------------


def _can_redeem_in_espace_pro(request):
    """Whoever may redeem at the kiosk's lieu (pass_numerique's rule) may do it in the espace
    pro (never here)."""
    return pass_perms.can_redeem(request.user, request.kiosque.lieu)


@never_cache
@require_http_methods(["GET", "POST"])
@kiosque_requis
def check_pass(request):
    status, resultat, trop = 200, None, None
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                resultat = verification.check_code(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except verification.TooManyAttempts as exc:
                trop, status = exc.message, 429
                log_action(request, "verification", resultat="trop_de_tentatives")
            else:
                log_action(request, "verification", resultat=resultat.raison)
                status = 200 if resultat.ok else 422
            form = CodeForm()  # the field again, empty and focused, for the next scan
        else:
            status = 422
    else:
        form = CodeForm()
    return render(
        request,
        "mediation/kiosque/pass.html",
        contexte(
            request,
            form=form,
            resultat=resultat,
            trop_de_tentatives=trop,
            encaisser_pro=_can_redeem_in_espace_pro(request) and resultat is not None,
        ),
        status=status,
    )


# --- 2. Trouver un atelier -----------------------------------------------------------------


def _filtre(request):
    """(jour, theme, quartier, error) from the query string; unknown values are an error."""
    jour = theme = quartier = None
    erreur = None
    if request.GET.get("jour"):
        try:
            jour = datetime.date.fromisoformat(request.GET["jour"])
        except ValueError:
            erreur = "Cette date n'existe pas : choisissez un jour dans la liste."
    if request.GET.get("theme"):
        value = request.GET["theme"]
        theme = Theme.objects.filter(pk=value).first() if value.isdigit() else None
        if theme is None:
            erreur = "Ce thème n'existe pas : choisissez un thème dans la liste."
    if request.GET.get("quartier"):
        value = request.GET["quartier"]
        quartier = Quartier.objects.filter(pk=value).first() if value.isdigit() else None
        if quartier is None:
            erreur = "Ce quartier n'existe pas : choisissez un quartier dans la liste."
    return jour, theme, quartier, erreur


@never_cache
@require_safe
@kiosque_requis
def ateliers(request):
    jour, theme, quartier, erreur = _filtre(request)
    sessions = (
        []
        if erreur
        else ateliers_services.sessions_a_venir(jour=jour, theme=theme, quartier=quartier)
    )
    if not erreur:
        log_action(
            request,
            "ateliers",
            filtre="jour" if jour else "theme" if theme else "quartier" if quartier else "",
        )
    return render(
        request,
        "mediation/kiosque/ateliers.html",
        contexte(
            request,
            sessions=sessions,
            filtres=ateliers_services.filtres(),
            jour=jour,
            theme=theme,
            quartier=quartier,
            erreur=erreur,
        ),
        status=400 if erreur else 200,
    )


def _session_ou_404(pk):
    session = ateliers_services.session_ouverte(pk)
    if session is None:
        raise Http404("Cette session n'est plus proposée (passée, annulée ou inconnue).")
    return session


@never_cache
@require_safe
@kiosque_requis
def atelier(request, pk):
    session = _session_ou_404(pk)
    etat.update_parcours(request, session=session.pk)
    log_action(request, "atelier", session=session.pk)
    return render(request, "mediation/kiosque/atelier.html", contexte(request, session=session))


@never_cache
@require_http_methods(["GET", "POST"])
@kiosque_requis
def register(request, pk):
    session = _session_ou_404(pk)
    form = InscriptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                inscription, cree = ateliers_services.register_inscription(
                    acteur=request.user,
                    lieu=request.kiosque.lieu,
                    session=session,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                etat.update_parcours(request, session=session.pk, inscription=inscription.pk)
                log_action(
                    request,
                    "inscription",
                    session=session.pk,
                    statut=inscription.statut,
                    nouvelle_fiche=cree,
                )
                return redirect("kiosque:inscription_faite")
        status = 422
    return render(
        request,
        "mediation/kiosque/inscrire.html",
        contexte(request, session=session, form=form),
        status=status,
    )


@never_cache
@require_safe
@kiosque_requis
def inscription_faite(request):
    inscription = inscription_du_parcours(request)
    if inscription is None:
        return redirect("kiosque:accueil")
    return render(
        request,
        "mediation/kiosque/inscription_faite.html",
        contexte(
            request,
            inscription=inscription,
            session=inscription.session,
            telephone_masque=mask_phone(inscription.beneficiaire.telephone),
            peut_sms=inscription.beneficiaire.can_receive_sms,
        ),
    )


# --- 3. Trouver un lieu d'aide -------------------------------------------------------------


@never_cache
@require_safe
@kiosque_requis
def lieux(request):
    ouverts = request.GET.get("ouverts") == "1"
    proches = lieux_services.lieux_proches(ici=request.kiosque.lieu, ouverts_seulement=ouverts)
    log_action(request, "lieux", ouverts_seulement=ouverts)
    return render(
        request,
        "mediation/kiosque/lieux.html",
        contexte(request, proches=proches, ouverts=ouverts),
    )


@never_cache
@require_safe
@kiosque_requis
def lieu(request, uuid):
    place = get_object_or_404(
        Lieu.objects.select_related("commune"), uuid=uuid, actif=True, structure__active=True
    )
    now = timezone.now()
    etat.update_parcours(request, lieu=str(place.uuid))
    log_action(request, "lieu", lieu_consulte=place.pk)
    sessions = list(
        ateliers_services.sessions_ouvertes(now)
        .filter(lieu=place)
        .select_related("theme")
        .order_by("debut")[:5]
    )
    ouvert = bool(lieux_services.ouvert_maintenant(place.horaires, now))
    prochaine = None if ouvert else lieux_services.prochaine_ouverture(place.horaires, now)
    return render(
        request,
        "mediation/kiosque/lieu.html",
        contexte(
            request,
            place=place,
            horaires=horaires_en_clair(place.horaires),
            ouverture=lieux_services.ouverture_en_mots(ouvert, prochaine, now),
            ouvert=ouvert,
            distance=lieux_services.distance_en_mots(
                lieux_services.distance_m(request.kiosque.lieu, place)
            )
            if place.pk != request.kiosque.lieu.pk
            else "Vous y êtes",
            services=lieux_services.services_du_lieu(place),
            sessions=sessions,
        ),
    )
