"""The sending side of orientations in the espace pro: orient a person ("Orienter", from the
file or a diagnostic's result), "Mes orientations", one orientation's story with its actions
(cancel, remind the places).

Thin views: parse → check permission → call mediation.services.orientations → render. The
volontaire gets a 403 that says why; another structure's person or orientation is 404. The
actions are POST only and redirect (PRG) with a message."""

import uuid as uuid_lib
from uuid import uuid4

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from inclusion import perms as socle
from inclusion.forms import apply_service_errors
from inclusion.models import Beneficiaire
from mediation import orientations_envoi_choix as choix_data
from mediation import orientations_envoi_mots as mots
from mediation import perms
from mediation.enums_orientations import EN_ATTENTE, ContactPrefere, StatutOrientation
from mediation.filters_orientations import (
    ETATS,
    counts_by_etat,
    filter_orientations,
    parametres_valides,
)
from mediation.forms_orientations import AnnulationForm, BesoinForm, ChoixForm
from mediation.models import Diagnostic, Orientation
from mediation.services import orientations as services
from mediation.services.diagnostics import resultat_de

TEMPLATES = "mediation/orientations/envoi/"
PAGE_SIZE = 25
RESERVE = "Les orientations sont réservées aux prescripteurs, médiateurs et coordinateurs."
CHAMPS_DESTINATION = ("type", "lieu", "theme", "session")
A_CHOISIR = {
    "lieu": "Choisissez un lieu dans la liste.",
    "theme": "Choisissez un atelier dans la liste.",
    "session": "Choisissez une session dans la liste.",
}


def _require_pro(user):
    if not socle.can_list_beneficiaires(user):
        raise PermissionDenied(RESERVE)


def _personne(request, uuid):
    """A file the user may orient, or 404 (another structure's file stays hidden)."""
    _require_pro(request.user)
    beneficiaire = get_object_or_404(
        Beneficiaire.objects.for_user(request.user).select_related("commune", "structure"),
        uuid=uuid,
    )
    if not perms.can_orient(request.user, beneficiaire):
        raise Http404("Dossier inconnu.")
    return beneficiaire


def _diagnostic(beneficiaire, valeur):
    """The person's diagnostic named by ?diagnostic= (another person's: 404)."""
    if not valeur:
        return None
    try:
        valeur = uuid_lib.UUID(str(valeur))
    except ValueError:
        raise Http404("Diagnostic inconnu.") from None
    return get_object_or_404(Diagnostic, uuid=valeur, beneficiaire=beneficiaire)


def sms_possible(beneficiaire):
    """The service's rule (orientations._check_request): a mobile, and consent in the file."""
    return bool(
        beneficiaire.consentement_sms
        and beneficiaire.telephone
        and beneficiaire.type_telephone == "mobile"
    )


def _apply_errors(error, form, choix, type_choisi, erreurs_destination):
    """The service's refusals next to their fields: the need's on the form, the
    destination's in the destination's box (its choice stays, with a link to change it)."""
    if not hasattr(error, "error_dict"):
        # register()'s refusals (already registered, same time…) are about the session.
        if type_choisi == "session":
            erreurs_destination.extend(error.messages)
        else:
            form.add_error(None, error)
        return
    besoin = {}
    for champ, erreurs in error.error_dict.items():
        if champ in CHAMPS_DESTINATION:
            erreurs_destination.extend(m for e in erreurs for m in e.messages)
        else:
            besoin[champ] = erreurs
    if "prevenir_sms" in besoin and form.cleaned_data.get("contact_prefere") == ContactPrefere.SMS:
        if not form.cleaned_data.get("prevenir_sms"):
            besoin["contact_prefere"] = besoin.pop("prevenir_sms")
    if besoin:
        apply_service_errors(form, ValidationError(besoin))


DOUBLE_ENVOI_SECONDES = 600


def _cle_envoi(user, jeton):
    return f"orientations:envoi:{user.pk}:{jeton}"


def _already_sent(user, jeton):
    """The orientation a form with this token already sent (a double tap), "en_cours" while
    the first sending runs, or None: the first sending claims the token. Cache-based (as the
    activity records'): across gunicorn workers only with Redis."""
    if jeton is None:
        return None
    cle = _cle_envoi(user, jeton)
    if cache.add(cle, "", DOUBLE_ENVOI_SECONDES):
        return None
    return cache.get(cle) or "en_cours"


def _urls(beneficiaire, diagnostic, type_choisi):
    base = reverse("orientations:nouvelle", args=[beneficiaire.uuid])
    garde = {"diagnostic": str(diagnostic.uuid)} if diagnostic else {}
    return {
        "changer_type": base + ("?" + urlencode(garde) if garde else ""),
        "changer_destination": base + "?" + urlencode({**garde, "type": type_choisi or ""}),
    }


@require_http_methods(["GET", "POST"])
def orientation_create(request, uuid):
    """One page in three sections, each shown once the previous is chosen (GET forms, no
    script): the kind, the place / theme / session, then the need (the POST)."""
    user = request.user
    beneficiaire = _personne(request, uuid)
    source = request.POST if request.method == "POST" else request.GET
    diagnostic = _diagnostic(beneficiaire, source.get("diagnostic"))
    resultat = resultat_de(diagnostic) if diagnostic else None
    now = timezone.now()
    choix = ChoixForm(source, now=now)
    type_choisi = choix.type_choisi
    destination = choix.destination
    sms = sms_possible(beneficiaire)
    erreurs_destination = []
    status = 200
    if request.method == "POST":
        form = BesoinForm(request.POST, sms_possible=sms)
        if destination is None and not choix.errors:
            erreurs_destination.append("Choisissez d'abord vers quoi orienter la personne.")
        jeton = form.cleaned_data.get("jeton") if form.is_valid() else None
        deja = _already_sent(user, jeton) if destination is not None else None
        if deja == "en_cours":
            messages.info(request, "L'orientation est en cours d'envoi : la voici bientôt ici.")
            return redirect("orientations:envoyees")
        if deja:
            return redirect("orientations:detail", uuid=deja)
        if form.is_valid() and destination is not None:
            try:
                orientation = services.orient(
                    acteur=user,
                    beneficiaire=beneficiaire,
                    type=type_choisi,
                    **{type_choisi: destination},
                    diagnostic=diagnostic,
                    now=now,
                    **form.service_kwargs(),
                )
            except ValidationError as error:
                if jeton:
                    cache.delete(_cle_envoi(user, jeton))  # may be sent again, corrected
                _apply_errors(error, form, choix, type_choisi, erreurs_destination)
            except Exception:
                if jeton:
                    cache.delete(_cle_envoi(user, jeton))
                raise
            else:
                if jeton:
                    cache.set(_cle_envoi(user, jeton), str(orientation.uuid), DOUBLE_ENVOI_SECONDES)
                messages.success(request, _message_envoi(orientation))
                return redirect("orientations:detail", uuid=orientation.uuid)
        status = 422
    else:
        initial = {"thematiques": list(resultat.thematiques) if resultat else [], "jeton": uuid4()}
        form = BesoinForm(initial=initial, sms_possible=sms)
        if request.GET.get("choisir") and type_choisi and destination is None and not choix.errors:
            erreurs_destination.append(A_CHOISIR[type_choisi])

    if type_choisi == "session":
        choix.fields["q"].label = "Chercher par atelier, lieu ou commune"
    context = {
        "b": beneficiaire,
        "diagnostic": diagnostic,
        "resultat": resultat,
        "choix": choix,
        "type_choisi": type_choisi,
        "destination": destination,
        "form": form,
        "sms_possible": sms,
        "erreurs_destination": erreurs_destination,
        "recherche": choix.recherche,
        **_urls(beneficiaire, diagnostic, type_choisi),
    }
    context.update(_step_data(beneficiaire, type_choisi, destination, choix.recherche, now))
    return render(request, TEMPLATES + "nouvelle.html", context, status=status)


def _step_data(beneficiaire, type_choisi, destination, recherche, now):
    """What the second section shows: the list to choose from, or the chosen one."""
    if type_choisi is None:
        return {}
    if destination is not None:
        if type_choisi == "lieu":
            return {"carte": choix_data.carte_lieu(destination, now)}
        if type_choisi == "theme":
            return {"lieux_theme": choix_data.lieux_du_theme(destination, now)}
        return {"session_choisie": destination}
    if type_choisi == "lieu":
        cartes, tronque = choix_data.cartes_lieux(beneficiaire, recherche, now)
        return {"cartes": cartes, "tronque": tronque}
    if type_choisi == "theme":
        return {"themes": choix_data.themes_proposes(now)}
    sessions, tronque = choix_data.sessions_proposees(recherche, now)
    return {"sessions": sessions, "tronque": tronque}


def _message_envoi(orientation):
    prenom = orientation.beneficiaire.prenom
    if orientation.type == "theme":
        n = orientation.destinataires.count()
        return (
            f"L'orientation de {prenom} est envoyée aux {n} lieux qui proposent cet atelier."
            if n > 1
            else f"L'orientation de {prenom} est envoyée au lieu qui propose cet atelier."
        )
    if orientation.type == "session" and orientation.inscription_id:
        attente = orientation.inscription.statut == "en_attente"
        return (
            f"{prenom} est sur la liste d'attente de la session ; le lieu est prévenu."
            if attente
            else f"{prenom} a une place à la session ; le lieu est prévenu."
        )
    return f"L'orientation de {prenom} est envoyée à {orientation.lieu.nom}."


# --- "Mes orientations" -------------------------------------------------------------------


@require_safe
def orientations_sent(request):
    """What the user's structures sent (coordinators: all of them), newest first, 25 a page.
    The number of queries does not depend on the number of rows."""
    user = request.user
    _require_pro(user)
    params = parametres_valides(request.GET)
    base = Orientation.objects.envoyees_par(user)
    if "personne" in params:
        base = base.filter(beneficiaire__uuid=params["personne"])
    totaux = counts_by_etat(base)
    qs = filter_orientations(base, {k: v for k, v in params.items() if k != "personne"})
    qs = qs.select_related(
        "beneficiaire",
        "structure",
        "lieu",
        "theme",
        "session__theme",
        "inscription__session",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    lignes = [
        {
            "o": o,
            "destination": mots.destination_en_mots(o),
            "attente": mots.attente_en_mots(o, now),
            "etape": mots.prochaine_etape(o),
        }
        for o in page.object_list
    ]
    personne = None
    if "personne" in params:
        personne = Beneficiaire.objects.for_user(user).filter(uuid=params["personne"]).first()
    sans_etat = {k: v for k, v in params.items() if k != "etat"}
    return render(
        request,
        TEMPLATES + "liste.html",
        {
            "page": page,
            "lignes": lignes,
            "totaux": totaux,
            "etats": [(cle, label, totaux[cle]) for cle, (label, _) in ETATS.items()],
            "params": params,
            "query": urlencode(params),
            "query_sans_etat": urlencode(sans_etat),
            "personne": personne,
            "coordinateur": socle.is_coordinateur(user),
        },
    )


# --- One orientation -------------------------------------------------------------------------


def _suivie(request, uuid):
    """An orientation the user follows (sent by one of their structures; coordinators: any),
    or 404."""
    _require_pro(request.user)
    orientation = get_object_or_404(
        Orientation.objects.envoyees_par(request.user).select_related(
            "beneficiaire",
            "structure",
            "prescripteur",
            "lieu__commune",
            "theme",
            "session__theme",
            "session__lieu",
            "inscription__session",
            "diagnostic",
            "annule_par",
        ),
        uuid=uuid,
    )
    if not perms.can_follow_orientation(request.user, orientation):
        raise Http404("Orientation inconnue.")
    return orientation


def _render_detail(request, orientation, annulation, status=200):
    destinataires = list(orientation.destinataires.select_related("lieu__commune"))
    return render(
        request,
        TEMPLATES + "detail.html",
        {
            "o": orientation,
            "b": orientation.beneficiaire,
            "destination": mots.destination_en_mots(orientation),
            "attente": mots.attente_en_mots(orientation),
            "etape": mots.prochaine_etape(orientation),
            "besoins": mots.thematiques_en_mots(orientation.thematiques),
            "motifs": mots.motifs_en_mots(orientation.motifs_refus),
            "destinataires": mots.etats_des_lieux(orientation, destinataires),
            "histoire": mots.histoire(orientation, destinataires),
            "prochaine_relance": mots.prochaine_relance(orientation),
            "expire_le": mots.expire_le(orientation),
            "peut_relancer": orientation.statut in EN_ATTENTE,
            "peut_annuler": orientation.statut in (*EN_ATTENTE, StatutOrientation.ACCEPTEE),
            "annulation": annulation,
        },
        status=status,
    )


@require_safe
def orientation_detail(request, uuid):
    orientation = _suivie(request, uuid)
    return _render_detail(request, orientation, AnnulationForm())


@require_POST
def orientation_cancel(request, uuid):
    orientation = _suivie(request, uuid)
    form = AnnulationForm(request.POST)
    motif = form.cleaned_data.get("motif", "") if form.is_valid() else ""
    try:
        services.cancel(acteur=request.user, orientation=orientation, motif=motif)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            # "close": the state changed meanwhile; the page tells what it is now.
            for message in error.messages:
                messages.error(request, message)
            return redirect("orientations:detail", uuid=orientation.uuid)
        apply_service_errors(form, error)
        return _render_detail(request, orientation, form, status=422)
    messages.success(request, "L'orientation est annulée. Les lieux sont prévenus.")
    return redirect("orientations:detail", uuid=orientation.uuid)


@require_POST
def orientation_remind(request, uuid):
    orientation = _suivie(request, uuid)
    try:
        services.remind(acteur=request.user, orientation=orientation)
    except ValidationError as error:
        # relance_recente, pas_en_attente: the service's words, at the top of the page.
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            "La relance est envoyée"
            + (" aux lieux" if orientation.type == "theme" else " au lieu")
            + ", avec un nouveau lien.",
        )
    return redirect("orientations:detail", uuid=orientation.uuid)
