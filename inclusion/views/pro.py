"""Espace pro views: parse → check permission → call a service → render."""

import datetime

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from inclusion import perms, registry
from inclusion.enums import Role
from inclusion.filters import BeneficiaireFilter, with_fast_selects
from inclusion.forms import BeneficiaireForm, ConnexionForm, apply_service_errors
from inclusion.models import Beneficiaire
from inclusion.services import beneficiaires as services
from inclusion.services import conservation_dossiers
from inclusion.services.telephones import mask_phone
from inclusion.tables import BeneficiaireTable
from inclusion.views import sms as sms_views
from inclusion.views.dossier import file_in_scope

PAGE_SIZE = 25


class ConnexionView(auth_views.LoginView):
    template_name = "inclusion/pro/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True


def _require(predicate, user, message):
    if not predicate(user):
        raise PermissionDenied(message)


def accueil(request):
    user = request.user
    memberships = list(user.memberships.actives().select_related("structure"))
    roles = {m.role for m in memberships}
    context = {
        "memberships": memberships,
        "is_coordinateur": perms.is_coordinateur(user),
        "is_prescripteur": Role.PRESCRIPTEUR in roles,
        "is_mediateur": Role.MEDIATEUR in roles,
        "volontaire_seulement": bool(roles) and roles == {Role.VOLONTAIRE},
        "can_beneficiaires": perms.can_list_beneficiaires(user),
    }
    if context["can_beneficiaires"]:
        qs = Beneficiaire.objects.for_user(user)
        context["nb_beneficiaires"] = qs.count()
        context["derniers"] = qs.select_related("commune").order_by("-cree_le")[:5]
    return render(request, "inclusion/pro/accueil.html", context)


def beneficiaire_list(request):
    _require(
        perms.can_list_beneficiaires,
        request.user,
        "Les dossiers des personnes sont réservés aux prescripteurs, médiateurs et coordinateurs.",
    )
    filtre = BeneficiaireFilter(
        request.GET or None, queryset=Beneficiaire.objects.for_user(request.user)
    )
    # Only what the table shows, as plain rows: a file has some twenty more columns, and 75
    # model instances (person, commune, quartier) were a fifth of the page's work.
    rows = filtre.qs.values_list(*BeneficiaireTable.champs, named=True)
    table = BeneficiaireTable(rows, request, per_page=PAGE_SIZE)
    with_fast_selects(filtre.form)
    return render(
        request,
        "inclusion/pro/beneficiaire_list.html",
        {
            "filter": filtre,
            "table": table,
            "can_create": perms.can_create_beneficiaire(request.user),
        },
    )


def _get_beneficiaire(request, uuid):
    return file_in_scope(request, uuid, "commune", "quartier", "consentement_sms_par")


def beneficiaire_create(request):
    user = request.user
    _require(
        perms.can_create_beneficiaire,
        user,
        "Seuls les prescripteurs, médiateurs et coordinateurs inscrivent des personnes.",
    )
    structures = perms.structures_for_creation(user)
    form = BeneficiaireForm(request.POST or None, structures=structures)
    doublons = []
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        doublons = list(
            services.find_duplicates(
                user=user,
                prenom=data["prenom"],
                nom=data.get("nom", ""),
                telephone=data.get("telephone", ""),
                annee_naissance=data.get("annee_naissance"),
            )[:10]
        )
        if not doublons or request.POST.get("confirmer_doublon") == "1":
            try:
                beneficiaire = services.create_beneficiaire(
                    acteur=user, structure=form.cleaned_data["structure"], **data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"{beneficiaire.prenom} est inscrit(e).")
                return redirect("pro:beneficiaire_detail", uuid=beneficiaire.uuid)
    return render(
        request,
        "inclusion/pro/beneficiaire_form.html",
        {
            "form": form,
            "doublons": doublons,
            "titre": "Inscrire une personne",
            "bouton": "Inscrire la personne",
        },
        status=200 if not form.errors else 422,
    )


# "Son parcours": the newest lines shown first; "Voir tout" shows the rest.
PARCOURS_COURT = 50
# Icon of each kind of line (inclusion.registry.Evenement.nature); others get the default.
ICONES_PARCOURS = {
    "dossier": "document-plus",
    "sms": "chat-bubble-left-ellipsis",
    "sms_refus": "no-symbol",
    "carnet": "ticket",
    "cheque": "banknotes",
    "inscription": "calendar-days",
    "attente": "clock",
    "presence": "check-circle",
    "absence": "x-circle",
    "annulation": "arrow-uturn-left",
    "activite": "user",
    "activite_collective": "user-group",
    "diagnostic": "clipboard-document-check",
}


def _parcours(user, beneficiaire, tout):
    """The person's timeline grouped by month, newest first: [(first day of the month,
    [{"e": Evenement, "icone", "heure": has a time of day}, …]), …], the total, and whether
    some lines were left out."""
    evenements = registry.timeline_for(user, beneficiaire)
    shown = evenements if tout else evenements[:PARCOURS_COURT]
    mois = []
    for evenement in shown:
        quand = evenement.quand
        debut_mois = datetime.date(quand.year, quand.month, 1)
        if not mois or mois[-1][0] != debut_mois:
            mois.append((debut_mois, []))
        mois[-1][1].append(
            {
                "e": evenement,
                "icone": ICONES_PARCOURS.get(evenement.nature, "information-circle"),
                "heure": isinstance(quand, datetime.datetime),
            }
        )
    return {
        "mois": mois,
        "total": len(evenements),
        "affiches": len(shown),
        "tronque": len(shown) < len(evenements),
    }


def beneficiaire_detail(request, uuid):
    beneficiaire = _get_beneficiaire(request, uuid)
    services.record_beneficiaire_read(acteur=request.user, beneficiaire=beneficiaire)
    return render(
        request,
        "inclusion/pro/beneficiaire_detail.html",
        {
            "b": beneficiaire,
            "telephone_masque": mask_phone(beneficiaire.telephone),
            "can_edit": perms.can_edit_beneficiaire(request.user, beneficiaire),
            "actions": registry.beneficiaire_actions_for(request.user, beneficiaire),
            "sms": sms_views.historique(beneficiaire, request.user),
            # Issue 18: "sera anonymisé le …" within the notice before anonymisation.
            "preavis": conservation_dossiers.notice_for(request.user, beneficiaire),
            "parcours": _parcours(
                request.user, beneficiaire, tout=request.GET.get("parcours") == "tout"
            ),
        },
    )


def beneficiaire_update(request, uuid):
    beneficiaire = _get_beneficiaire(request, uuid)
    _require(
        lambda u: perms.can_edit_beneficiaire(u, beneficiaire),
        request.user,
        "Vous ne pouvez pas modifier ce dossier.",
    )
    initial = {
        "prenom": beneficiaire.prenom,
        "nom": beneficiaire.nom,
        "telephone": beneficiaire.telephone.as_national if beneficiaire.telephone else "",
        "sans_telephone": not beneficiaire.telephone,
        "courriel": beneficiaire.courriel,
        "annee_naissance": beneficiaire.annee_naissance,
        "tranche_age": beneficiaire.tranche_age,
        "genre": beneficiaire.genre,
        "statut": beneficiaire.statut,
        "commune": beneficiaire.commune,
        "quartier": beneficiaire.quartier,
        "notes": beneficiaire.notes,
        "consentement_sms": beneficiaire.consentement_sms,
        "consentement_sms_mode": beneficiaire.consentement_sms_mode,
    }
    form = BeneficiaireForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_beneficiaire(
                acteur=request.user, beneficiaire=beneficiaire, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Les modifications sont enregistrées.")
            return redirect("pro:beneficiaire_detail", uuid=beneficiaire.uuid)
    return render(
        request,
        "inclusion/pro/beneficiaire_form.html",
        {
            "form": form,
            "b": beneficiaire,
            "titre": f"Modifier le dossier de {beneficiaire.nom_affiche}",
            "bouton": "Enregistrer",
        },
        status=200 if not form.errors else 422,
    )
