"""Pages of the second factor (under /pro/double-facteur/): set it up, the sign-in's second
step, "Je n'ai plus mon téléphone", manage it, and a coordinator's reset. Thin: parse →
check permission → call inclusion.services.double_facteur → render.

These pages stay open to a session that has not passed the second factor yet
(inclusion.double_facteur.DoubleFacteurMiddleware lets its namespace through)."""

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from inclusion import perms, registry
from inclusion.double_facteur import (
    has_confirmed_device,
    note_device,
    requires_second_factor,
    safe_next,
    second_factor_passed,
    url_with_next,
)
from inclusion.forms import apply_service_errors
from inclusion.forms_double_facteur import (
    CodeApplicationForm,
    CodeForm,
    CodeSecoursForm,
    CodesNotesForm,
)
from inclusion.services import double_facteur as service

# Session key: recovery codes just made, shown until the person says they kept them.
CLE_CODES = "_double_facteur_codes"
TEMPLATES = "inclusion/double_facteur/"


def _suivant(request):
    return request.POST.get("suivant") or request.GET.get("suivant") or ""


def _next_url(request):
    return safe_next(request, _suivant(request))


def _status_for(form):
    """422 for a code refused, 429 when too many were tried."""
    codes = {e.code for errors in form.errors.as_data().values() for e in errors}
    return 429 if "trop_d_essais" in codes else 422


def _qr_svg(device):
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", omitsize=False
    )
    label = "QR code à scanner avec votre application d'authentification"
    # segno's own markup; the only outside text (the e-mail in the URL) is not in the SVG.
    return mark_safe(
        svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', label), 1)
    )


def _sign_in_second_step(request, device):
    """The session passed the second factor: a new session key for the stronger session."""
    request.session.cycle_key()
    otp_login(request, device)
    note_device(request, True)


def _recovery_message(request, device):
    if device.name != service.NOM_SECOURS:
        return
    restants = device.token_set.count()
    if restants == 0:
        messages.warning(
            request,
            "Vous avez utilisé votre dernier code de secours. Créez-en de nouveaux "
            "dans « Double authentification ».",
        )
    elif restants <= 3:
        messages.warning(
            request,
            f"Il vous reste {restants} code{'s' if restants > 1 else ''} de secours. "
            "Pensez à en créer de nouveaux.",
        )
    else:
        messages.info(request, f"Code de secours accepté. Il vous en reste {restants}.")


@never_cache
def activation(request):
    """Set up the authenticator app: QR code (or key), then a first code."""
    user = request.user
    if has_confirmed_device(user):
        if user.is_verified():
            return redirect("double_facteur:gerer")
        return redirect(url_with_next("double_facteur:verifier", _suivant(request) or None))
    device = service.enrolment_device(user)
    form = CodeApplicationForm(request.POST or None)
    status = 200
    if request.method == "POST" and device is not None:
        if form.is_valid():
            try:
                codes = service.confirm_enrolment(user, device, form.cleaned_data["code"])
            except ValidationError as error:
                apply_service_errors(form, error)
                status = _status_for(form)
            else:
                device.refresh_from_db()
                otp_login(request, device)
                # Enrolling ended every other session; this one goes on.
                update_session_auth_hash(request, user)
                note_device(request, True)
                request.session[CLE_CODES] = codes
                return redirect(url_with_next("double_facteur:codes", _suivant(request) or None))
        else:
            status = 422
    if device is None:
        device = service.start_enrolment(user)
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "cle": service.secret_groups(device),
        "suivant": _suivant(request),
        "requis": requires_second_factor(user),
    }
    return render(request, f"{TEMPLATES}activer.html", context, status=status)


@never_cache
@second_factor_passed
def codes(request):
    """The recovery codes just made, shown once; "J'ai noté mes codes" then go on."""
    liste = request.session.get(CLE_CODES)
    if not liste:
        return redirect("double_facteur:gerer")
    form = CodesNotesForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            del request.session[CLE_CODES]
            return redirect(_next_url(request))
        status = 422
    context = {"form": form, "codes": liste, "suivant": _suivant(request)}
    return render(request, f"{TEMPLATES}codes.html", context, status=status)


@never_cache
@second_factor_passed
def codes_texte(request):
    """The same codes as a text file to keep (no JavaScript needed)."""
    liste = request.session.get(CLE_CODES)
    if not liste:
        return redirect("double_facteur:gerer")
    habillage = registry.habillage(request)
    lignes = [
        f"Codes de secours – {habillage.nom}",
        f"Compte : {request.user.email}",
        "",
        *liste,
        "",
        "Chaque code ne sert qu'une fois, quand vous n'avez pas votre téléphone.",
    ]
    response = HttpResponse("\n".join(lignes) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="codes-de-secours.txt"'
    return response


@never_cache
def verification(request):
    """Second step of the sign-in: a code from the app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not has_confirmed_device(user):
        note_device(request, False)
        if requires_second_factor(user):
            return redirect(url_with_next("double_facteur:activer", _suivant(request) or None))
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    status = _check_code(request, form)
    if status is None:
        return redirect(_next_url(request))
    context = {"form": form, "suivant": _suivant(request)}
    return render(request, f"{TEMPLATES}verifier.html", context, status=status)


def _check_code(request, form):
    """A POSTed code (app or recovery) passes the second step: None. Otherwise the status of
    the page that shows the form again (200 on a GET)."""
    if request.method != "POST":
        return 200
    if not form.is_valid():
        return 422
    try:
        device = service.verify(request.user, form.cleaned_data["code"])
    except ValidationError as error:
        apply_service_errors(form, error)
        return _status_for(form)
    _sign_in_second_step(request, device)
    _recovery_message(request, device)
    return None


@never_cache
def telephone_perdu(request):
    """ "Je n'ai plus mon téléphone": a recovery code, or the coordinator resets it."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    form = CodeSecoursForm(request.POST or None)
    status = _check_code(request, form)
    if status is None:
        return redirect(_next_url(request))
    context = {
        "form": form,
        "suivant": _suivant(request),
        "telephone_aide": registry.habillage(request).telephone_aide,
    }
    return render(request, f"{TEMPLATES}perdu.html", context, status=status)


def _gerer_page(request, *, form_codes=None, form_arret=None, status=200):
    statut = service.status(request.user)
    context = {
        "statut": statut,
        "form_codes": form_codes or CodeForm(autofocus=False, prefix="codes"),
        "form_arret": form_arret or CodeForm(autofocus=False, prefix="arret"),
    }
    return render(request, f"{TEMPLATES}gerer.html", context, status=status)


@never_cache
@second_factor_passed
def gestion(request):
    """The signed-in person's second factor: status, new recovery codes, turn it off."""
    return _gerer_page(request)


@require_POST
@second_factor_passed
def regenerate_codes(request):
    form = CodeForm(request.POST, prefix="codes")
    if form.is_valid():
        try:
            service.verify(request.user, form.cleaned_data["code"])
            liste = service.regenerate_recovery_codes(request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            request.session[CLE_CODES] = liste
            return redirect(url_with_next("double_facteur:codes", reverse("double_facteur:gerer")))
    return _gerer_page(request, form_codes=form, status=_status_for(form))


@require_POST
@second_factor_passed
def remove(request):
    form = CodeForm(request.POST, prefix="arret")
    if form.is_valid():
        try:
            service.verify(request.user, form.cleaned_data["code"])
            service.remove_second_factor(acteur=request.user, user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            note_device(request, False)
            messages.success(request, "La double authentification est arrêtée sur votre compte.")
            return redirect("double_facteur:gerer")
    return _gerer_page(request, form_arret=form, status=_status_for(form))


@never_cache
@second_factor_passed
def reinitialisation(request, pk):
    """A coordinator resets someone's second factor (confirmation page, then POST)."""
    if not perms.can_manage_accounts(request.user):
        raise PermissionDenied("Réservé aux coordinateurs.")
    personne = get_object_or_404(get_user_model(), pk=pk)
    if not perms.can_manage_account(request.user, personne):
        raise PermissionDenied("Vous ne pouvez pas réinitialiser ce compte.")
    if request.method == "POST":
        service.reset_second_factor(acteur=request.user, user=personne)
        messages.success(
            request,
            f"Double authentification réinitialisée pour {personne}. Un e-mail le lui dit ; "
            "à sa prochaine connexion, la personne installera de nouveau l'application.",
        )
        return redirect("double_facteur:reinitialiser", pk=personne.pk)
    context = {"personne": personne, "statut": service.status(personne)}
    return render(request, f"{TEMPLATES}reinitialiser.html", context)
