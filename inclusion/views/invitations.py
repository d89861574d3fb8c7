"""The invitation link (open without being signed in): a new account chooses its name and
password, an existing account signs in and confirms. Thin: parse → service → render."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from inclusion.backends import BACKEND
from inclusion.forms import apply_service_errors
from inclusion.forms_invitations import AcceptationForm
from inclusion.services import invitations as services

TEMPLATES = "inclusion/invitations"
MODEL_BACKEND = BACKEND
# A link that opens nothing: gone for good (410) when it was real, unknown (404) otherwise.
STATUS = {"lien_invalide": 404, "expiree": 410, "deja_acceptee": 410, "annulee": 410}


def _dead_link(request, code):
    return render(
        request,
        f"{TEMPLATES}/lien_mort.html",
        {"code": code},
        status=STATUS.get(code, 404),
    )


@never_cache
@login_not_required
def accept_invitation(request, token):
    lien = services.invitation_for_token(token, timezone.now())
    if lien.code:
        return _dead_link(request, lien.code)
    invitation = lien.invitation
    compte = services.account_for(invitation)
    context = {"invitation": invitation, "roles": invitation.roles.select_related("structure")}
    if compte is not None:
        return _existing_account(request, token, invitation, compte, context)
    form = AcceptationForm(
        request.POST or None,
        email=invitation.email,
        initial={"prenom": invitation.prenom, "nom": invitation.nom},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_new_account(
                token=token,
                prenom=form.cleaned_data["prenom"],
                nom=form.cleaned_data["nom"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            codes = {e.code for e in error.error_list} if not hasattr(error, "error_dict") else ()
            if codes & set(STATUS):
                return _dead_link(request, next(iter(codes & set(STATUS))))
            apply_service_errors(form, error, renames={"password": "password1"})
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, "Bienvenue : votre compte est créé.")
            return redirect("pro:accueil")
    context["form"] = form
    return render(
        request, f"{TEMPLATES}/nouveau_compte.html", context, status=422 if form.errors else 200
    )


def _existing_account(request, token, invitation, compte, context):
    user = request.user
    if not user.is_authenticated:
        return render(request, f"{TEMPLATES}/se_connecter.html", context)
    if user.pk != compte.pk:
        return render(request, f"{TEMPLATES}/autre_compte.html", context, status=403)
    erreur = ""
    if request.method == "POST":
        try:
            services.accept_existing_account(token=token, user=user)
        except ValidationError as error:
            codes = {e.code for e in error.error_list}
            if codes & set(STATUS):
                return _dead_link(request, next(iter(codes & set(STATUS))))
            erreur = " ".join(error.messages)
        else:
            messages.success(request, "Vous avez rejoint les structures de l'invitation.")
            return redirect("pro:accueil")
    context["erreur"] = erreur
    return render(request, f"{TEMPLATES}/rejoindre.html", context, status=422 if erreur else 200)
