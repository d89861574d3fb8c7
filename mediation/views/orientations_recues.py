"""Orientations received by a place, in the espace pro: the list, one request (opening it
takes it into account), and the place's answers: accept (an appointment or a session of the
place), refuse, correct within 7 days, move the appointment, mark as done.

Thin views: parse → permission → service (services/orientations_decision.py) → redirect.
Another structure's request, and the sending side's, is 404 here; coordinators read every one
but answer none (403 on the answers)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from inclusion import perms as socle
from mediation import orientations_recues as lecture
from mediation import perms
from mediation.enums_orientations import EN_ATTENTE, StatutOrientation
from mediation.forms_orientations_decision import (
    AcceptanceForm,
    FinishForm,
    MoveForm,
    RefusalForm,
    apply_decision_errors,
    error_codes,
)
from mediation.services import orientations as orientations_services
from mediation.services import orientations_decision as decision

PAGE_SIZE = 25
RESERVE = (
    "Les orientations reçues sont réservées aux médiateurs des lieux qui les reçoivent et aux "
    "coordinateurs."
)
DEJA_DECIDEE = (
    "Cette orientation a déjà reçu une réponse entre-temps, peut-être d'un autre lieu : "
    "voici où elle en est."
)
TEMPLATES = "mediation/orientations/recues/"
# A service's refusals meaning the request changed meanwhile: back to its page, which shows
# where it stands, with the service's words (the others go next to their field).
CHANGEE = {"deja_refusee_ici", "correction_fermee", "pas_de_rdv", "rdv_session", "pas_acceptee"}


def _may_list(user):
    return socle.is_coordinateur(user) or bool(perms.structure_ids_reception(user))


def _destinataire(request, uuid):
    """One place's copy of a request, if the user may read it (else 404: the sending side
    follows it from its own pages)."""
    if not _may_list(request.user):
        raise Http404("Orientation introuvable.")
    qs = lecture.recues_pour(request.user).select_related(
        "lieu__structure",
        "lieu__commune",
        "orientation__structure",
        "orientation__prescripteur",
        "orientation__theme",
        "orientation__session__theme",
        "orientation__inscription",
        "orientation__lieu",
    )
    return get_object_or_404(qs, uuid=uuid)


def _acces(request, destinataire):
    """The espace pro door: only the place's médiateurs answer (coordinators read)."""
    try:
        return orientations_services.acces_pro(request.user, destinataire)
    except PermissionDenied as error:
        raise PermissionDenied(
            "Seuls les médiateurs du lieu qui reçoit l'orientation peuvent y répondre."
        ) from error


def _data(request):
    return request.POST if request.method == "POST" else None


def _to_detail(destinataire):
    return redirect("orientations:recue", uuid=destinataire.uuid)


def _context(destinataire, now, **extra):
    orientation = destinataire.orientation
    return {
        "destinataire": destinataire,
        "orientation": orientation,
        "prenom": destinataire.prenom,
        "etat": lecture.etat_pour_lieu(destinataire),
        "now": now,
        **extra,
    }


def orientations_received(request):
    """Every copy received by the user's places, newest first, filtered by state."""
    user = request.user
    if not _may_list(user):
        raise PermissionDenied(RESERVE)
    now = timezone.now()
    base = lecture.recues_pour(user)
    filtre = request.GET.get("etat", "")
    qs = base
    if filtre in lecture.FILTRES:
        qs = qs.filter(lecture.FILTRES[filtre][1])
    else:
        filtre = ""
    qs = qs.select_related(
        "lieu",
        "orientation__structure",
        "orientation__prescripteur",
        "orientation__theme",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    lignes = [
        {
            "destinataire": d,
            "etat": lecture.etat_pour_lieu(d),
            "thematiques": lecture.thematiques_labels(d.orientation.thematiques),
            "jours": lecture.jours_depuis(d.orientation.cree_le, now),
            "longue": lecture.is_waiting_long(d, now),
        }
        for d in page.object_list
    ]
    comptes = lecture.count_by_filter(base.order_by())
    onglets = [("", "Toutes", None)] + [
        (cle, libelle, comptes[cle]) for cle, (libelle, _) in lecture.FILTRES.items()
    ]
    return render(
        request,
        TEMPLATES + "liste.html",
        {
            "page": page,
            "lignes": lignes,
            "filtre": filtre,
            "query": f"etat={filtre}" if filtre else "",  # a key of lecture.FILTRES
            "onglets": onglets,
            "lecture_seule": not perms.structure_ids_reception(user),
        },
    )


def received_detail(request, uuid):
    """The request as the place may read it; a médiateur of the place opening it takes it
    into account."""
    destinataire = _destinataire(request, uuid)
    now = timezone.now()
    peut_agir = perms.can_decide_orientation(request.user, destinataire)
    if peut_agir:
        if decision.take_into_account(acces=_acces(request, destinataire), now=now):
            messages.info(request, "L'orientation est prise en compte : le prescripteur le voit.")
        destinataire.refresh_from_db(fields=["ouvert_le"])
    orientation = destinataire.orientation
    etat = lecture.etat_pour_lieu(destinataire)
    peut_corriger = peut_agir and decision.can_correct(orientation, destinataire, now)
    ici = orientation.lieu_id == destinataire.lieu_id
    acceptee_ici = orientation.statut == StatutOrientation.ACCEPTEE and ici
    return render(
        request,
        TEMPLATES + "detail.html",
        _context(
            destinataire,
            now,
            peut_agir=peut_agir,
            peut_decider=peut_agir and etat.cle in ("ouverte", "prise_en_compte"),
            peut_corriger=peut_corriger,
            correction_jusqu_au=(
                orientation.premiere_decision_le + orientations_services.FENETRE_CORRECTION
                if peut_corriger
                else None
            ),
            decision_definitive=(
                peut_agir and etat.cle in ("acceptee", "refusee") and not peut_corriger
            ),
            peut_deplacer=peut_agir and acceptee_ici and orientation.inscription_id is None,
            peut_terminer=peut_agir and acceptee_ici,
            autres_lieux=orientation.destinataires.exclude(pk=destinataire.pk).count(),
        ),
    )


def _pending(destinataire):
    o = destinataire.orientation
    return o.statut in EN_ATTENTE and destinataire.decline_le is None


def _handle(request, destinataire, form, action, ok):
    """Call the service with the valid form; PRG on success, the form with the service's
    errors otherwise (a request answered meanwhile: back to its page with a message)."""
    if not form.is_valid():
        return None
    try:
        result = action(**form.service_kwargs())
    except ValidationError as error:
        codes = error_codes(error)
        if "deja_decidee" in codes:
            messages.warning(request, DEJA_DECIDEE)
            return _to_detail(destinataire)
        if codes & CHANGEE:
            messages.warning(request, " ".join(error.messages))
            return _to_detail(destinataire)
        apply_decision_errors(form, error)
        return None
    messages.success(request, ok(result))
    return _to_detail(destinataire)


def _accepted_message(orientation):
    if orientation.inscription_id:
        suite = (
            "la personne est sur la liste d'attente de la session."
            if orientation.inscription.statut == "en_attente"
            else "la personne est inscrite à la session."
        )
    elif orientation.prevenir_sms:
        suite = "la personne recevra un SMS avec le rendez-vous."
    else:
        suite = "le prescripteur transmettra le rendez-vous à la personne."
    return f"Orientation acceptée. Le prescripteur est prévenu ; {suite}"


def _answer(request, uuid, form_class, service, message, template):
    """Accept or refuse a request still waiting: the form, the service, the message."""
    destinataire = _destinataire(request, uuid)
    acces = _acces(request, destinataire)
    now = timezone.now()
    if not _pending(destinataire):
        messages.warning(request, DEJA_DECIDEE)
        return _to_detail(destinataire)
    form = form_class(_data(request), destinataire=destinataire, now=now)
    if request.method == "POST":
        done = _handle(
            request,
            destinataire,
            form,
            lambda **kw: service(acces=acces, now=now, **kw),
            message,
        )
        if done:
            return done
    return render(
        request,
        TEMPLATES + template,
        _context(destinataire, now, form=form),
        status=422 if form.is_bound else 200,
    )


def accept_received(request, uuid):
    return _answer(
        request, uuid, AcceptanceForm, decision.accept, _accepted_message, "accepter.html"
    )


def _refused_message(orientation):
    if orientation.statut == StatutOrientation.REFUSEE:
        return "Votre refus est envoyé au prescripteur."
    return "Votre refus est noté : un autre lieu peut encore accepter cette orientation."


def refuse_received(request, uuid):
    return _answer(request, uuid, RefusalForm, decision.decline, _refused_message, "refuser.html")


def correct_received(request, uuid):
    """Within 7 days of the first decision: an acceptance becomes a refusal (or another
    appointment or session), a refusal an acceptance. After that the decision stands."""
    destinataire = _destinataire(request, uuid)
    acces = _acces(request, destinataire)
    now = timezone.now()
    orientation = destinataire.orientation
    if not decision.can_correct(orientation, destinataire, now):
        if request.method == "POST":
            messages.warning(request, "Cette décision ne peut plus être corrigée.")
            return _to_detail(destinataire)
        return render(request, TEMPLATES + "corriger.html", _context(destinataire, now))
    choix = request.POST.get("decision") if request.method == "POST" else None
    acceptation = AcceptanceForm(
        request.POST if choix == StatutOrientation.ACCEPTEE else None,
        destinataire=destinataire,
        now=now,
        prefix="accepter",
    )
    refus = None
    if orientation.statut == StatutOrientation.ACCEPTEE:
        refus = RefusalForm(
            request.POST if choix == StatutOrientation.REFUSEE else None,
            destinataire=destinataire,
            now=now,
            prefix="refuser",
        )
    bound = acceptation if choix == StatutOrientation.ACCEPTEE else refus
    if request.method == "POST" and bound is not None:
        done = _handle(
            request,
            destinataire,
            bound,
            lambda **kw: decision.correct(acces=acces, decision=choix, now=now, **kw),
            lambda o: "La décision est corrigée : le prescripteur est prévenu.",
        )
        if done:
            return done
    return render(
        request,
        TEMPLATES + "corriger.html",
        _context(
            destinataire,
            now,
            acceptation=acceptation,
            refus=refus,
            jusqu_au=orientation.premiere_decision_le + orientations_services.FENETRE_CORRECTION,
        ),
        status=422 if request.method == "POST" else 200,
    )


def move_received(request, uuid):
    """Another day, time or place for an accepted appointment."""
    destinataire = _destinataire(request, uuid)
    acces = _acces(request, destinataire)
    now = timezone.now()
    orientation = destinataire.orientation
    if not (
        orientation.statut == StatutOrientation.ACCEPTEE
        and orientation.lieu_id == destinataire.lieu_id
        and orientation.inscription_id is None
    ):
        messages.warning(request, "Seul un rendez-vous accepté par votre lieu peut être déplacé.")
        return _to_detail(destinataire)
    form = MoveForm(_data(request), destinataire=destinataire, now=now)
    if request.method == "POST":
        done = _handle(
            request,
            destinataire,
            form,
            lambda **kw: decision.move_appointment(acces=acces, now=now, **kw),
            lambda o: (
                "Le rendez-vous est déplacé : le prescripteur le voit"
                + (", la personne reçoit un SMS." if o.prevenir_sms else ".")
            ),
        )
        if done:
            return done
    return render(
        request,
        TEMPLATES + "deplacer.html",
        _context(destinataire, now, form=form),
        status=422 if form.is_bound else 200,
    )


def finish_received(request, uuid):
    """The service was given: the orientation ends, with the activity record if any."""
    destinataire = _destinataire(request, uuid)
    acces = _acces(request, destinataire)
    now = timezone.now()
    orientation = destinataire.orientation
    if not (
        orientation.statut == StatutOrientation.ACCEPTEE
        and orientation.lieu_id == destinataire.lieu_id
    ):
        messages.warning(request, "Seule une orientation acceptée par votre lieu se termine.")
        return _to_detail(destinataire)
    form = FinishForm(_data(request), destinataire=destinataire, now=now)
    if request.method == "POST":
        done = _handle(
            request,
            destinataire,
            form,
            lambda **kw: decision.finish_pro(acces=acces, now=now, **kw),
            lambda _: "L'orientation est terminée : merci, le prescripteur le voit.",
        )
        if done:
            return done
    return render(
        request,
        TEMPLATES + "terminer.html",
        _context(destinataire, now, form=form),
        status=422 if form.is_bound else 200,
    )
