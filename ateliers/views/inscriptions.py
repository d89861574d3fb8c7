"""Registering a person: from a session (find the person) or from a person's file (find the
session); confirm; see the result; cancel a registration."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from ateliers import perms
from ateliers.enums import Canal, StatutInscription
from ateliers.filters import ChoixSessionFilter
from ateliers.forms import InscriptionForm
from ateliers.models import Session
from ateliers.services import registrations
from ateliers.services.notifications import sms_outcome
from ateliers.tables import cartes_choix
from ateliers.templatetags.ateliers_mots import nom_court
from ateliers.views.guards import get_inscription, get_session, require_ateliers
from inclusion.filters import with_fast_selects
from inclusion.forms import RecherchePersonneForm, apply_service_errors
from inclusion.models import Beneficiaire

PAGE_SIZE = 20
SESSION_FERMEE = "On ne peut plus s'inscrire à cette session : elle est passée ou annulée."


def _ouverte(session):
    return session.statut == "planifiee" and session.debut > timezone.now()


def register_to_session(request, pk):
    """From a session: find the person among those the user follows."""
    session = get_session(request, pk)
    if not _ouverte(session):
        messages.warning(request, SESSION_FERMEE)
        return redirect("ateliers:session_detail", pk=session.pk)
    form = RecherchePersonneForm(request.GET if "q" in request.GET else None, autofocus=True)
    return render(
        request,
        "ateliers/pro/inscrire_session.html",
        {"session": session, "form": form, "resultats": form.search(request.user)},
        status=422 if form.errors else 200,
    )


def _get_beneficiaire(request, uuid, champs=None):
    """The person, in the user's scope (404 otherwise); `champs`: only what the page shows."""
    require_ateliers(request.user)
    qs = Beneficiaire.objects.for_user(request.user)
    qs = qs.only(*champs) if champs else qs.select_related("commune", "quartier")
    return get_object_or_404(qs, uuid=uuid)


def register_personne(request, uuid):
    """From a person's file: choose among the upcoming planned sessions of the territory."""
    # The page shows the name and links the file: not the whole file.
    beneficiaire = _get_beneficiaire(request, uuid, champs=("uuid", "prenom", "nom"))
    base = Session.objects.a_venir()
    filtre = ChoixSessionFilter(request.GET, queryset=base)
    qs = filtre.qs if filtre.is_valid() else base.none()
    with_fast_selects(filtre.form)
    # Rows read with whether the person is already there (one query, no instances).
    page = Paginator(qs.for_choice(beneficiaire), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ateliers/pro/inscrire_personne.html",
        {
            "b": beneficiaire,
            "filter": filtre,
            "page": page,
            "cartes": cartes_choix(page.object_list, beneficiaire),
            "query": query.urlencode(),
        },
        status=422 if filtre.form.errors else 200,
    )


def confirm_inscription(request, pk, uuid):
    user = request.user
    session = get_session(request, pk)
    beneficiaire = _get_beneficiaire(request, uuid)
    depuis_dossier = request.GET.get("depuis") == "dossier"
    if not _ouverte(session):
        messages.warning(request, SESSION_FERMEE)
        return redirect("ateliers:session_detail", pk=session.pk)
    complet = session.nb_inscrits >= session.capacite
    can_manage = perms.can_manage_session(user, session)
    form = InscriptionForm(
        request.POST if request.method == "POST" else None,
        surbooking_possible=complet and can_manage,
    )
    if request.method == "POST" and form.is_valid():
        try:
            inscription = registrations.register(
                session=session,
                beneficiaire=beneficiaire,
                canal=Canal.PRO,
                acteur=user,
                surbooking=bool(form.cleaned_data.get("surbooking")),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            url = reverse("ateliers:inscription_resultat", args=[inscription.pk])
            return redirect(url + ("?depuis=dossier" if depuis_dossier else ""))
    return render(
        request,
        "ateliers/pro/inscrire_confirmer.html",
        {
            "session": session,
            "b": beneficiaire,
            "form": form,
            "complet": complet,
            "depuis_dossier": depuis_dossier,
        },
        status=422 if form.errors else 200,
    )


def inscription_resultat(request, pk):
    inscription = get_inscription(request, pk)
    sms_envoye, sms_texte = sms_outcome(inscription)
    return render(
        request,
        "ateliers/pro/inscription_resultat.html",
        {
            "inscription": inscription,
            "session": inscription.session,
            "b": inscription.beneficiaire,
            "position": registrations.position(inscription),
            "sms_envoye": sms_envoye,
            "sms_texte": sms_texte,
            "depuis_dossier": request.GET.get("depuis") == "dossier",
        },
    )


def inscription_annuler(request, pk):
    user = request.user
    inscription = get_inscription(request, pk)
    session = inscription.session
    if inscription.statut not in (StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE):
        messages.warning(request, "Cette inscription n'est plus en cours.")
        return redirect("ateliers:session_detail", pk=session.pk)
    erreur = None
    if request.method == "POST":
        try:
            promues = registrations.cancel_registration(inscription=inscription, acteur=user)
        except ValidationError as error:
            erreur = " ".join(error.messages)
        else:
            text = f"L'inscription de {inscription.beneficiaire.prenom} est annulée."
            for p in promues:
                # The person promoted may be followed by another structure: named only to
                # those who may see their name (perms.can_see_name).
                qui = (
                    nom_court(p.beneficiaire)
                    if perms.can_see_name(user, session, p.beneficiaire)
                    else "Une personne"
                )
                text += (
                    f" {qui} sort de la liste d'attente "
                    "et prend la place (prévenue par SMS si elle l'accepte)."
                )
            messages.success(request, text)
            return redirect("ateliers:session_detail", pk=session.pk)
    return render(
        request,
        "ateliers/pro/inscription_annuler.html",
        {"inscription": inscription, "session": session, "erreur": erreur},
        status=422 if erreur else 200,
    )
