"""Activity records (CRA) in the espace pro: record an individual accompaniment, record a
workshop from its closed émargement, "Mes activités".

Thin views: parse → check permission → call mediation.services.activites → render. Another
structure's object is 404; who may not record gets a 403 page that says why."""

from uuid import uuid4

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode

from ateliers import perms as perms_ateliers
from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import Session
from inclusion.forms import RecherchePersonneForm, apply_service_errors
from inclusion.models import Beneficiaire
from inclusion.tables import lien_de_page, pagination_html
from inclusion.templatetags.liens import url_fixe
from mediation import perms
from mediation.activites_cartes import CHAMPS, cartes_html, totaux_html
from mediation.filters_activites import PORTEES, filter_activites, parametres_valides
from mediation.forms_activites import (
    PICTOS_CANAUX,
    PICTOS_MATERIEL,
    PICTOS_THEMATIQUES,
    ActiviteAtelierForm,
    ActiviteIndividuelleForm,
)
from mediation.forms_activites_filtres import filtres_html
from mediation.services import activites as services
from mediation.vocabulaire import TypeLieu

PAGE_SIZE = 25
NON_AUTORISE = (
    "L'enregistrement des activités est réservé aux médiateurs et aux coordinateurs. "
    "Si vous accompagnez des personnes au numérique, demandez le rôle de médiateur à votre "
    "structure."
)


def require_recording(user):
    if not perms.can_record_activite(user):
        raise PermissionDenied(NON_AUTORISE)


def pictos():
    return {
        "pictos_thematiques": PICTOS_THEMATIQUES,
        "pictos_canaux": PICTOS_CANAUX,
        "pictos_materiel": PICTOS_MATERIEL,
    }


def initial_from(valeurs):
    """A form's initial values from a service's defaults (or a record's fields)."""
    initial = {
        cle: valeurs.get(cle)
        for cle in (
            "date",
            "type_lieu",
            "thematiques",
            "materiel",
            "autonomie",
            "niveau",
            "titre_atelier",
            "nom_demarche",
            "reoriente",
            "structure_redirection",
            "notes",
        )
        if cle in valeurs
    }
    lieu = valeurs.get("lieu")
    initial["lieu"] = lieu.pk if lieu is not None else None
    return initial


def _personne(request, uuid):
    """A file the user may see, or 404 (another structure's file stays hidden)."""
    return get_object_or_404(
        Beneficiaire.objects.for_user(request.user).select_related("commune"), uuid=uuid
    )


def _structure_for(user, beneficiaire):
    """Away from a lieu, a médiateur of several structures records for the person's file's
    structure when it is one of theirs (the service asks otherwise)."""
    if beneficiaire is not None and beneficiaire.structure_id in perms.structure_ids_auteur(user):
        return beneficiaire.structure
    return None


DOUBLE_ENVOI_SECONDES = 600


def _cle_envoi(user, jeton):
    return f"activites:envoi:{user.pk}:{jeton}"


def _already_sent(user, jeton):
    """The record a form with this token already made (a double tap), or None; the first
    sending claims the token. Cache-based: across gunicorn workers only with Redis."""
    if jeton is None:
        return None
    cle = _cle_envoi(user, jeton)
    if cache.add(cle, "", DOUBLE_ENVOI_SECONDES):
        return None
    return cache.get(cle) or "en_cours"


def record_individual(request, uuid=None):
    """A new individual accompaniment: of a file (its uuid in the path or ?personne=), or
    ?q= to search one, or of an anonymous person."""
    user = request.user
    require_recording(user)
    uuid = request.POST.get("beneficiaire") or uuid or request.GET.get("personne")
    beneficiaire = None
    if uuid:
        try:
            beneficiaire = _personne(request, uuid)
        except ValidationError as error:  # not a uuid
            raise Http404("Personne introuvable.") from error
    lieux = services.lieux_du_mediateur(user)
    defaults = services.defaults_for(user, beneficiaire)
    recherche, resultats = RecherchePersonneForm(), None
    if beneficiaire is None and "q" in request.GET:
        recherche = RecherchePersonneForm(request.GET)
        resultats = recherche.search(user)
    status = 200
    if request.method == "POST":
        form = ActiviteIndividuelleForm(request.POST, lieux=lieux, anonyme=beneficiaire is None)
        deja = _already_sent(user, form.cleaned_data["jeton"]) if form.is_valid() else None
        if deja == "en_cours":
            # The first tap is still being recorded: its answer is the one that counts.
            return render(request, "mediation/activites/envoi_en_cours.html", status=409)
        if deja:
            return redirect("activites:detail", uuid=deja)
        if form.is_valid():
            kwargs = form.service_kwargs()
            commune = None
            if kwargs["type_lieu"] != TypeLieu.LIEU_ACTIVITE and beneficiaire is not None:
                commune = beneficiaire.commune
            try:
                activite = services.record_individuelle(
                    acteur=user,
                    beneficiaire=beneficiaire,
                    anonyme=form.anonyme() if beneficiaire is None else None,
                    structure=_structure_for(user, beneficiaire),
                    commune=commune,
                    **kwargs,
                )
            except ValidationError as error:
                cache.delete(_cle_envoi(user, form.cleaned_data["jeton"]))  # may be sent again
                apply_service_errors(
                    form,
                    error,
                    renames={"duree_minutes": "duree", "anonyme": "genre", "structure": "lieu"},
                )
            else:
                if form.cleaned_data["jeton"]:
                    cache.set(
                        _cle_envoi(user, form.cleaned_data["jeton"]),
                        str(activite.uuid),
                        DOUBLE_ENVOI_SECONDES,
                    )
                messages.success(request, "L'accompagnement est enregistré.")
                return redirect("activites:detail", uuid=activite.uuid)
        status = 422
    else:
        initial = initial_from(defaults)
        initial["jeton"] = uuid4()
        if beneficiaire is not None:
            initial["beneficiaire"] = beneficiaire.uuid
        form = ActiviteIndividuelleForm(initial=initial, lieux=lieux, anonyme=beneficiaire is None)
        form.set_duree(defaults["duree_minutes"])
    return render(
        request,
        "mediation/activites/nouvelle.html",
        {
            "form": form,
            "beneficiaire": beneficiaire,
            "comme_la_derniere_fois": defaults.get("comme_la_derniere_fois")
            and request.method == "GET",
            "recherche": recherche,
            "resultats": resultats,
            "sans_lieu": not form.fields["lieu"].queryset.exists(),
            **pictos(),
        },
        status=status,
    )


def _managed_session(request, pk):
    session = get_object_or_404(
        Session.objects.select_related("theme", "lieu__structure", "lieu__commune"), pk=pk
    )
    if not perms_ateliers.can_manage_session(request.user, session):
        raise Http404("Session introuvable.")
    return session


def record_workshop(request, pk):
    """A workshop's record, pre-filled from its closed émargement; if it exists, go to it."""
    user = request.user
    require_recording(user)
    session = _managed_session(request, pk)
    existante = services.activite_de_session(session)
    if existante is not None:
        return redirect("activites:detail", uuid=existante.uuid)
    presents = [
        i.beneficiaire
        for i in session.inscriptions.filter(statut=StatutInscription.PRESENT)
        .select_related("beneficiaire")
        .order_by("beneficiaire__prenom", "beneficiaire__nom", "pk")
    ]
    context = {"session": session, "presents": presents, **pictos()}
    if session.statut != StatutSession.TERMINEE:
        context["pas_cloturee"] = session.statut != StatutSession.ANNULEE
        context["annulee"] = session.statut == StatutSession.ANNULEE
        # The page says why and where to go; a post there is refused.
        status = 409 if request.method == "POST" else 200
        return render(request, "mediation/activites/atelier.html", context, status=status)
    defaults = services.defaults_for_session(session)
    status = 200
    if request.method == "POST":
        form = ActiviteAtelierForm(request.POST)
        if form.is_valid():
            try:
                activite = services.record_collective_from_session(
                    acteur=user, session=session, anonymes=form.anonymes(), **form.service_kwargs()
                )
            except ValidationError as error:
                codes = {e.code for e in getattr(error, "error_list", [])}
                if "deja_enregistree" in codes:
                    return redirect(
                        "activites:detail", uuid=services.activite_de_session(session).uuid
                    )
                apply_service_errors(form, error, renames={"duree_minutes": "duree"})
            else:
                messages.success(request, "Le compte rendu de l'atelier est enregistré.")
                return redirect("activites:detail", uuid=activite.uuid)
        status = 422
    else:
        form = ActiviteAtelierForm(initial=initial_from(defaults))
        form.set_duree(defaults["duree_minutes"])
    context["form"] = form
    return render(request, "mediation/activites/atelier.html", context, status=status)


def activity_list(request):
    """ "Mes activités": filters in the URL, counts at the top, 25 a page. The number of
    queries does not depend on the number of rows (Activite.objects.for_list)."""
    user = request.user
    require_recording(user)
    params = parametres_valides(request.GET)
    qs, lisibles = filter_activites(user, params)
    totaux = services.counts(qs)
    # A card shows a few fields of its record, author, place and people: plain rows (no model
    # instance), the people's names in one more query, the cards' HTML built in Python
    # (mediation.activites_cartes: the template loop cost ~33,000 calls a page).
    rows = qs.values_list(*CHAMPS, named=True)
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = totaux["activites"]  # already counted: one query less
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # The filter shows the lieux' names only: (pk, nom) rows, not Lieu and Commune instances.
    lieux = tuple(services.lieux_du_mediateur(user).values_list("pk", "nom"))
    personne_label = next((v for k, v in lisibles if k == "Personne"), None)
    sans_personne = {k: v for k, v in params.items() if k != "personne"}
    liste_url = url_fixe("activites:liste")
    query = urlencode(params)
    return render(
        request,
        "mediation/activites/liste.html",
        {
            "page": page,
            "activites": page.object_list,
            "cartes": cartes_html(page.object_list, user.pk),
            "totaux": totaux,
            "totaux_html": totaux_html(totaux),
            "filtres_lisibles": lisibles,
            "filtres": filtres_html(tuple(params.items()), lieux),
            "params": params,
            "pagination": pagination_html(page, lien_de_page(query)),
            "personne_label": personne_label,
            "liste_url": liste_url,
            "sans_personne_url": liste_url + "?" + urlencode(sans_personne),
            "portees": PORTEES,
            "user_id": user.pk,
        },
    )
