"""Signing in at the kiosk (password anywhere, PIN on a registered device), choosing the lieu,
activating a device, ending the shift."""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from inclusion import session_scope
from inclusion.backends import BACKEND
from mediation import perms
from mediation.forms import ChoixLieuForm, ConnexionKiosqueForm
from mediation.services import bornes, etat
from mediation.views.common import RESERVE, close_service

_PIN = re.compile(r"^\d{4,6}$")
PIN_BACKEND = BACKEND


def appareil_de(request):
    """The registered device this browser is, from its signed cookie, or None."""
    value = request.get_signed_cookie(bornes.cookie_name(), default=None, salt=bornes.COOKIE_SALT)
    return bornes.borne_du_cookie(value) if value else None


def _confine_to_kiosque(request):
    """A session opened at the kiosk reaches the kiosk only (the PIN is a weak secret, the
    device is shared): any other URL ends it (inclusion.session_scope)."""
    session_scope.confine(
        request,
        prefixe=reverse("kiosque:accueil"),
        retour=reverse("kiosque:connexion"),
        action="kiosque.session.hors_kiosque",
        message="Le kiosque ouvre seulement les pages du kiosque. "
        "Votre service est fermé : reconnectez-vous.",
    )


def _start_service(request, user, appareil, mode):
    """After a successful sign-in: start the shift at the device's lieu, or choose one."""
    if appareil is not None:
        etat.start_service(request, lieu=appareil.lieu, appareil=appareil, mode=mode)
        return redirect("kiosque:accueil")
    lieux = list(perms.lieux_kiosque(user).select_related("structure").order_by("nom")[:2])
    if len(lieux) == 1:
        etat.start_service(request, lieu=lieux[0], mode=mode)
        return redirect("kiosque:accueil")
    return redirect("kiosque:choisir_lieu")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def connexion(request):
    appareil = appareil_de(request)
    user = request.user
    if user.is_authenticated and perms.can_use_kiosque(user):
        state = etat.etat(request)
        if state is not None and not etat.service_termine(state):
            return redirect("kiosque:accueil")
        if appareil is None or perms.can_use_borne(user, appareil):
            if appareil is not None:
                _confine_to_kiosque(
                    request
                )  # on a kiosk device, even a session from the espace pro
            return _start_service(request, user, appareil, mode="session_pro")
    form = ConnexionKiosqueForm(request.POST or None, avec_pin=appareil is not None)
    erreur, status = None, 200
    if request.method == "POST" and form.is_valid():
        email, secret = form.cleaned_data["email"], form.cleaned_data["secret"]
        compte, mode = None, "mot_de_passe"
        try:
            if appareil is not None and _PIN.match(secret):
                mode = "pin"
                compte = bornes.check_pin(email=email, pin=secret, borne=appareil)
                if compte is not None:
                    compte.backend = PIN_BACKEND
            else:
                compte = authenticate(request, username=email, password=secret)
        except bornes.TropDEssaisPin as exc:
            erreur, status = exc.message, 429
        if erreur is None and compte is None:
            if getattr(request, "axes_locked_out", False):
                erreur, status = (
                    "Trop d'essais : ce compte est bloqué quelques minutes. "
                    "Réessayez plus tard ou appelez le numéro d'aide.",
                    429,
                )
            elif mode == "pin":
                erreur, status = "Adresse e-mail ou code PIN incorrect.", 422
            else:
                erreur, status = (
                    "Adresse e-mail ou mot de passe incorrect. Vérifiez les deux et réessayez.",
                    422,
                )
        elif compte is not None:
            if not perms.can_use_kiosque(compte):
                erreur, status = RESERVE, 403
            elif appareil is not None and not perms.can_use_borne(compte, appareil):
                erreur, status = (
                    "Cet appareil est enregistré pour une autre structure : "
                    "vous ne pouvez pas l'utiliser.",
                    403,
                )
            else:
                login(request, compte, backend=compte.backend)
                _confine_to_kiosque(request)
                return _start_service(request, compte, appareil, mode=mode)
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "mediation/kiosque/connexion.html",
        {"form": form, "appareil": appareil, "erreur": erreur},
        status=status,
    )


@login_required(login_url="kiosque:connexion")
@never_cache
@require_http_methods(["GET", "POST"])
def choose_lieu(request):
    user = request.user
    if not perms.can_use_kiosque(user):
        raise PermissionDenied(RESERVE)
    lieux = perms.lieux_kiosque(user).select_related("commune", "structure").order_by("nom")
    if request.method == "POST":
        value = request.POST.get("lieu", "")
        if value.isdigit() and not lieux.filter(pk=value).exists():
            raise Http404("Ce lieu n'est pas un lieu de votre structure.")
    form = ChoixLieuForm(request.POST or None, lieux=lieux)
    if request.method == "POST" and form.is_valid():
        etat.start_service(request, lieu=form.cleaned_data["lieu"], mode="mot_de_passe")
        return redirect("kiosque:accueil")
    return render(
        request,
        "mediation/kiosque/choisir_lieu.html",
        {"form": form, "aucun": not lieux.exists()},
        status=422 if form.errors else 200,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def activate(request, jeton):
    """Opened once on the device: a POST (not the GET, which link previews may do) activates
    it and leaves a long-lived signed, HttpOnly cookie."""
    borne = bornes.activation_pending(jeton)
    if borne is None:
        return render(request, "mediation/kiosque/activation_impossible.html", status=404)
    if request.method == "GET":
        return render(request, "mediation/kiosque/activer.html", {"borne": borne})
    borne = bornes.activate_borne(jeton=jeton)
    if borne is None:
        return render(request, "mediation/kiosque/activation_impossible.html", status=404)
    messages.success(
        request, f"Cet appareil est maintenant le kiosque de {borne.lieu.nom}. Connectez-vous."
    )
    response = redirect("kiosque:connexion")
    response.set_signed_cookie(
        bornes.cookie_name(),
        bornes.cookie_value(borne, jeton),
        salt=bornes.COOKIE_SALT,
        max_age=int(getattr(settings, "KIOSQUE_COOKIE_JOURS", 400)) * 24 * 3600,
        httponly=True,
        secure=not settings.DEBUG,
        samesite="Lax",
    )
    return response


@login_required(login_url="kiosque:connexion")
@require_POST
def end_service(request):
    """ "Terminer mon service": the session ends now."""
    state = etat.etat(request)
    lieu = None
    if state is not None:
        lieu = (
            perms.lieux_kiosque(request.user)
            .select_related("structure")
            .filter(pk=state.get("lieu"))
            .first()
        )
    close_service(request, lieu, raison="volontaire")
    messages.success(request, "Service terminé. Merci !")
    return redirect("kiosque:connexion")
