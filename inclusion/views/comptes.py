"""Account pages open to people not signed in: forgotten password (request, link, new
password). Thin: parse → call the service (inclusion.services.comptes) → render."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from inclusion import registry
from inclusion.client_ip import client_ip
from inclusion.forms_comptes import DemandeReinitialisationForm, NouveauMotDePasseForm
from inclusion.services import comptes


@login_not_required
def mot_de_passe_oublie(request):
    form = DemandeReinitialisationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            demande = comptes.request_password_reset(
                email=form.cleaned_data["email"], ip=client_ip(request)
            )
            if demande.accepted:
                return redirect("comptes:demande_envoyee")
            form.add_error(None, demande.message(registry.habillage(request).telephone_aide))
            status = 429
        else:
            status = 422
    return render(
        request, "inclusion/comptes/mot_de_passe_oublie.html", {"form": form}, status=status
    )


@login_not_required
def demande_envoyee(request):
    return render(request, "inclusion/comptes/demande_envoyee.html")


@method_decorator(login_not_required, name="dispatch")
class NouveauMotDePasseView(auth_views.PasswordResetConfirmView):
    """Django's checks of the link (token in the session, never in a Referer), then our
    service; the person is not signed in: they sign in with the new password."""

    template_name = "inclusion/comptes/nouveau_mot_de_passe.html"
    form_class = NouveauMotDePasseForm
    reset_url_token = "nouveau"
    success_url = reverse_lazy("comptes:mot_de_passe_change")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 404  # a token that opens nothing (the page says why)
        return response

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # A link to an account deactivated since it was sent no longer works.
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        try:
            comptes.set_new_password(user=self.user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:  # the form ran the same validators: a safety net
            form.add_error("new_password1", error)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


@login_not_required
def mot_de_passe_change(request):
    return render(request, "inclusion/comptes/mot_de_passe_change.html")
