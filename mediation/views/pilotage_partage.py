"""The dashboards' share links. In the espace pro (/pro/pilotage/partages/): the list of
one's links (all of them for a coordinator), the form that creates one from the dashboard's
current filters, and withdrawal (POST, PRG). Public (/pilotage/partage/<signed key>/): the
dashboard of the link, aggregates only ("< 5" rule), without an account; a tampered or
unknown link is a 404, a withdrawn or ended one a 410, each with a page saying so."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from inclusion import perms as socle
from inclusion import registry
from inclusion.forms import apply_service_errors
from mediation.forms_pilotage import PartageForm
from mediation.pilotage import pdf, presentation
from mediation.pilotage.filtres import PARAMETRES, parse_filtres, portee_for
from mediation.pilotage.page import page_context
from mediation.services import partages

RESERVE = (
    "Le partage du pilotage est réservé aux prescripteurs, aux médiateurs et aux coordinateurs."
)
STATUTS = {"actif": "Actif", "retire": "Retiré", "expire": "Terminé"}


def _require_share(user):
    if not partages.can_share(user):
        raise PermissionDenied(RESERVE)


def _public_url(request, lien):
    return request.build_absolute_uri(
        reverse("partage:tableau", kwargs={"jeton": partages.jeton(lien)})
    )


def _rows(request, today):
    return [
        {
            "lien": lien,
            "url": _public_url(request, lien),
            "statut": partages.statut(lien, today),
            "statut_libelle": STATUTS[partages.statut(lien, today)],
            "peut_retirer": partages.can_withdraw(request.user, lien),
            "periode": presentation.periode(parse_filtres(lien.filtres)),
        }
        for lien in partages.visible_partages(request.user)
    ]


def share_links(request):
    """GET: the list and the form (the dashboard's filters come in the query); POST: create."""
    _require_share(request.user)
    params = request.POST if request.method == "POST" else request.GET
    filtres_params = {key: params.get(key, "") for key in PARAMETRES if params.get(key)}
    form = PartageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lien = partages.create_partage(
                acteur=request.user,
                titre=form.cleaned_data["titre"],
                params=filtres_params,
                expire_le=form.cleaned_data["expire_le"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Le lien « {lien.titre} » est créé : copiez son adresse ci-dessous pour le "
                "partager.",
            )
            # Back to the list with the same filters: another link of them is one click.
            query = urlencode(filtres_params)
            return redirect(f"{reverse('pilotage:partages')}?{query}#lien-{lien.pk}")
    apercu = page_context(filtres_params, portee_for(request.user))
    context = {
        "form": form,
        "filtres_params": filtres_params,
        "periode": apercu["periode"],
        "filtres_choisis": apercu["filtres_choisis"],
        "query_string": apercu["query_string"],
        "liens": _rows(request, timezone.localdate()),
        "coordinateur": socle.is_coordinateur(request.user),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "mediation/pilotage/partages.html", context, status=status)


@require_POST
def withdraw_link(request, pk):
    _require_share(request.user)
    lien = get_object_or_404(partages.visible_partages(request.user), pk=pk)
    try:
        partages.withdraw_partage(acteur=request.user, lien=lien)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Le lien « {lien.titre} » est retiré : il n'ouvre plus rien.")
    return redirect("pilotage:partages")


def _private(response):
    """The link is the only key: never cached, never sent on as a referrer, never indexed."""
    patch_cache_control(response, private=True, no_store=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _shared_context(request, jeton):
    lien = partages.open_partage(jeton)
    context = page_context(lien.filtres, partages.portee_of(lien))
    context.update(lien=lien, jeton=jeton, partage=True)
    return context


def _refused(request, refus):
    status = 404 if refus.code == "invalide" else 410
    response = render(
        request,
        "mediation/pilotage/partage_refuse.html",
        {"refus": refus},
        status=status,
    )
    return _private(response)


def _shared(view):
    """A public view of a share link: the link opened (or its refusal page), then the view
    with the dashboard's context; never cached, never referred."""

    @login_not_required
    @require_safe
    @wraps(view)
    def wrapper(request, jeton):
        try:
            context = _shared_context(request, jeton)
        except partages.PartageRefuse as refus:
            return _refused(request, refus)
        return _private(view(request, context))

    return wrapper


@_shared
def shared_dashboard(request, context):
    return render(request, "mediation/pilotage/partage.html", context)


@_shared
def shared_dashboard_pdf(request, context):
    context["habillage"] = registry.habillage(request)
    context["imprime_le"] = timezone.localtime()
    response = HttpResponse(pdf.render_pdf(context, request), content_type="application/pdf")
    filtres = context["filtres"]
    nom = f"chiffres_{filtres.du:%Y-%m-%d}_{filtres.au:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{nom}"'
    return response
