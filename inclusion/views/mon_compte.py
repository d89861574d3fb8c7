""" "Mon compte": the signed-in professional's own account (name, e-mail address, password,
second factor, signing out everywhere). Thin: parse → call inclusion.services.comptes →
render; refusals are shown next to their field by their codes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from inclusion.forms import apply_service_errors
from inclusion.forms_mon_compte import EmailForm, MotDePasseForm, NomForm
from inclusion.services import comptes, double_facteur

TEMPLATES = "inclusion/mon_compte"


def accueil(request):
    user = request.user
    memberships = list(user.memberships.actives().select_related("structure"))
    return render(
        request,
        f"{TEMPLATES}/accueil.html",
        {
            "compte": user,
            "memberships": memberships,
            "double_facteur": double_facteur.status(user),
        },
    )


def _form_page(request, template, form, status=200, **context):
    return render(request, f"{TEMPLATES}/{template}", {"form": form, **context}, status=status)


@require_http_methods(["GET", "POST"])
def nom(request):
    user = request.user
    form = NomForm(request.POST or None, initial={"prenom": user.first_name, "nom": user.last_name})
    if request.method == "POST" and form.is_valid():
        try:
            comptes.update_profile(
                user=user, prenom=form.cleaned_data["prenom"], nom=form.cleaned_data["nom"]
            )
        except ValidationError as error:
            apply_service_errors(form, error, renames={"first_name": "prenom", "last_name": "nom"})
        else:
            messages.success(request, "Votre nom est enregistré.")
            return redirect("mon_compte:accueil")
    return _form_page(request, "nom.html", form, 422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def email(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comptes.request_email_change(
                user=request.user,
                nouvelle=form.cleaned_data["nouvelle"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Un lien est parti vers {comptes.normalize_email(form.cleaned_data['nouvelle'])}. "
                f"Ouvrez-le dans les {settings.INCLUSION_CHANGEMENT_EMAIL_HEURES} heures : votre "
                "adresse changera à ce moment-là.",
            )
            return redirect("mon_compte:accueil")
    return _form_page(
        request,
        "email.html",
        form,
        422 if form.errors else 200,
        heures=settings.INCLUSION_CHANGEMENT_EMAIL_HEURES,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm_email(request, token):
    """The link of the e-mail sent to the new address: it may be opened in another browser,
    signed in or not. GET only shows a button (mail scanners open links), POST confirms."""
    try:
        user, adresse = comptes.email_change_of(token)
        if request.method == "POST":
            user = comptes.confirm_email_change(token=token)
            return render(
                request,
                f"{TEMPLATES}/email_change.html",
                {"adresse": user.email, "meme_compte": request.user.pk == user.pk},
            )
    except ValidationError as error:
        return render(
            request,
            f"{TEMPLATES}/email_confirmer.html",
            {"refus": error.messages[0], "code": error.code},
            status=404 if error.code != "adresse_prise" else 409,
        )
    return render(request, f"{TEMPLATES}/email_confirmer.html", {"adresse": adresse})


@require_http_methods(["GET", "POST"])
def mot_de_passe(request):
    form = MotDePasseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = comptes.change_password(
                user=request.user,
                ancien=form.cleaned_data["ancien"],
                nouveau=form.cleaned_data["nouveau"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            update_session_auth_hash(request, user)  # this session stays, the others end
            messages.success(
                request,
                "Votre mot de passe est changé. Vos autres connexions (autres navigateurs, "
                "autres appareils) sont fermées.",
            )
            return redirect("mon_compte:accueil")
    return _form_page(request, "mot_de_passe.html", form, 422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def sign_out_everywhere(request):
    if request.method == "POST":
        comptes.sign_out_everywhere(user=request.user)
        logout(request)
        messages.success(
            request,
            "Votre compte est déconnecté partout, ici aussi. Connectez-vous de nouveau.",
        )
        return redirect(settings.LOGIN_URL)
    return render(request, f"{TEMPLATES}/deconnexion_partout.html")
