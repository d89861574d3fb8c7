"""The receiving place acts without an account, through the signed link e-mailed to its contact
address (services.orientations.link_url / check_link): read the request, accept (an
appointment or a session), refuse (reasons), correct a decision within 7 days, move the
appointment; an expired link offers a new one, sent only to the place's contact address.

No session and no login: the signature is the key. It is in the page's URL (?h=) and goes
with every form, checked again at every POST (in constant time, by the service). The token
must never leave the page: the origin at most as referrer, never stored by a cache, never
indexed, never in a log line (Django logs the path of 4xx answers, not the query string, and
the form's field is in the body). The page shows the person's first name and nothing else
of their file; a place that has no part in the request any more, not even that.

Thin views: check the link → form → decision service (orientations_decision) → PRG.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from mediation import orientations_recues as lecture
from mediation.enums_orientations import StatutOrientation
from mediation.forms_orientations_decision import (
    AcceptanceForm,
    MoveForm,
    RefusalForm,
    apply_decision_errors,
    error_codes,
)
from mediation.models import Destinataire
from mediation.services import orientations as services
from mediation.services import orientations_avis as avis
from mediation.services import orientations_decision as decisions
from mediation.services.orientations import DELAI_EXPIRATION, LienRefuse

TEMPLATES = "mediation/orientations/lien/"
SIGNATURE = "h"  # the query parameter of the link and the hidden field of the forms
# Not "no-referrer": with it, a browser sends "Origin: null" with the page's forms and
# Django's CSRF check refuses them. "strict-origin" sends the site's origin, never the path
# or the query, so the token goes nowhere either.
REFERRER_POLICY = "strict-origin"

# A decision service's refusals that mean the request changed under the visitor: back to the
# page, which shows where it stands (the others go next to their field).
DEJA = {"deja_decidee", "deja_refusee_ici", "correction_fermee", "pas_de_rdv", "rdv_session"}


def _private(response):
    """The token is in the URL: never kept by a cache, never indexed, never a referrer."""
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _render(request, template, context=None, status=200, *, uuid=None, signature=""):
    context = dict(context or {})
    if uuid is not None:
        # The text-size link comes back to the page (not to the POST that rendered it).
        page = reverse("orientation_lien:page", args=[uuid])
        context["chemin_suite"] = f"{page}?{urlencode({SIGNATURE: signature})}"
    return _private(render(request, TEMPLATES + template, context, status=status))


def _refused(request, refus, uuid, signature):
    """403: a tampered or unknown link changes nothing; an expired one offers a new link."""
    if refus.code == "expire":
        return _render(
            request,
            "expire.html",
            {"uuid": uuid, "signature": signature, "lieu": refus.destinataire.lieu},
            status=403,
            uuid=uuid,
            signature=signature,
        )
    return _render(request, "altere.html", {"chemin_suite": "/"}, status=403)


def _posted_signature(request):
    """The forms' hidden field."""
    return request.POST.get(SIGNATURE, "")


def _open(request, uuid, signature):
    """(Acces, None) for a valid link, (None, the 403 answer) otherwise."""
    try:
        return services.check_link(uuid=uuid, signature=signature), None
    except LienRefuse as refus:
        return None, _refused(request, refus, uuid, signature)


# --- What the page shows -----------------------------------------------------------------------

A_DECIDER = ("ouverte", "prise_en_compte")
# A place with no part in the request any more reads nothing of the person.
SANS_DEMANDE = ("ailleurs", "annulee", "expiree")


def _forms(acces, etat, now):
    """The action forms of this state (lecture.etat_pour_lieu), unbound, by action name; and
    whether the decision can still be corrected."""
    destinataire, orientation = acces.destinataire, acces.orientation
    peut_corriger = decisions.can_correct(orientation, destinataire, now)
    names = []
    if etat.cle in A_DECIDER:
        names = ["accepter", "refuser"]
    elif etat.cle == "acceptee":
        if orientation.inscription_id is None:
            names.append("deplacer")
        if peut_corriger:
            names.append("corriger_refus")
            if orientation.inscription_id is not None:
                names.append("corriger_session")
    elif etat.cle == "refusee" and peut_corriger:
        names = ["corriger_acceptation"]
    forms = {}
    for name in names:
        action = ACTIONS[name]
        forms[name] = action.form_class(
            destinataire=destinataire, now=now, auto_id=f"{action.auto_id}_%s"
        )
    return forms, peut_corriger


def _page(request, acces, signature, now, *, bound=None, form=None, status=200):
    orientation, destinataire = acces.orientation, acces.destinataire
    etat = lecture.etat_pour_lieu(destinataire)
    forms, peut_corriger = _forms(acces, etat, now)
    if form is not None:
        forms[bound] = form
    montre_demande = etat.cle not in SANS_DEMANDE
    context = {
        "orientation": orientation,
        "destinataire": destinataire,
        "uuid": destinataire.uuid,
        "signature": signature,
        "etat": etat,
        "montre_demande": montre_demande,
        "prenom": orientation.beneficiaire.prenom if montre_demande else "",
        "repondre_avant": orientation.cree_le + DELAI_EXPIRATION,
        "forms": forms,
        "corrections": [(n, f) for n, f in forms.items() if n in CORRECTIONS],
        "bound": bound,
        "peut_corriger": peut_corriger,
        "fin_correction": (orientation.premiere_decision_le or now) + decisions.FENETRE_CORRECTION,
    }
    return _render(
        request, "page.html", context, status=status, uuid=destinataire.uuid, signature=signature
    )


# --- Views -------------------------------------------------------------------------------------


@login_not_required
@require_GET
def link_page(request, uuid):
    """The request and what the place can do now. Opening it takes the request into account
    (once: the prescripteur sees it was read)."""
    signature = request.GET.get(SIGNATURE, "")
    acces, refus = _open(request, uuid, signature)
    if refus:
        return refus
    now = timezone.now()
    decisions.take_into_account(acces=acces, now=now)
    return _page(request, acces, signature, now)


@dataclass(frozen=True)
class Action:
    form_class: type
    auto_id: str  # ids of the fields ("acceptation_date"): several forms share one page
    run: Callable  # (acces, form, now) → the decision service's result
    success: Callable  # (orientation) → the message shown back on the page


def _accepted(orientation):
    if orientation.inscription_id:
        return "C'est fait : la personne est inscrite à la session. Le prescripteur est prévenu."
    return "C'est fait : le rendez-vous est noté. Le prescripteur est prévenu."


def _declined(orientation):
    if orientation.statut == StatutOrientation.REFUSEE:
        return "C'est fait : vous avez dit non. Le prescripteur est prévenu."
    return "C'est fait : vous avez dit non. D'autres lieux peuvent encore accueillir la personne."


def _corrected(orientation):
    if orientation.statut == StatutOrientation.REFUSEE:
        return "C'est corrigé : vous avez dit non. Le prescripteur est prévenu."
    return "C'est corrigé. " + _accepted(orientation)


def _correct_to(decision):
    def run(acces, form, now):
        return decisions.correct(acces=acces, decision=decision, now=now, **form.service_kwargs())

    return run


ACTIONS = {
    "accepter": Action(
        AcceptanceForm,
        "acceptation",
        lambda acces, form, now: decisions.accept(acces=acces, now=now, **form.service_kwargs()),
        _accepted,
    ),
    "refuser": Action(
        RefusalForm,
        "refus",
        lambda acces, form, now: decisions.decline(acces=acces, now=now, **form.service_kwargs()),
        _declined,
    ),
    "deplacer": Action(
        MoveForm,
        "deplacement",
        lambda acces, form, now: decisions.move_appointment(
            acces=acces, now=now, **form.service_kwargs()
        ),
        lambda orientation: "C'est fait : le rendez-vous a changé. Le prescripteur le voit.",
    ),
    # Within the correction window: a refusal instead of the acceptance, an acceptance instead
    # of the refusal, or another session.
    "corriger_refus": Action(
        RefusalForm, "correction_refus", _correct_to(StatutOrientation.REFUSEE), _corrected
    ),
    "corriger_acceptation": Action(
        AcceptanceForm,
        "correction_acceptation",
        _correct_to(StatutOrientation.ACCEPTEE),
        _corrected,
    ),
    "corriger_session": Action(
        AcceptanceForm,
        "correction_session",
        _correct_to(StatutOrientation.ACCEPTEE),
        _corrected,
    ),
}


CORRECTIONS = ("corriger_refus", "corriger_acceptation", "corriger_session")


def _changed(request, acces, now, code=None):
    """The request changed under the visitor (another place answered, another tab): back to
    the page, which shows where it stands, with a clear word."""
    acces.orientation.refresh_from_db()
    acces.destinataire.refresh_from_db()
    if lecture.etat_pour_lieu(acces.destinataire).cle == "ailleurs":
        messages.info(
            request,
            "Un autre lieu a déjà accepté cette demande. Vous n'avez rien à faire. Merci !",
        )
    elif code == "correction_fermee":
        messages.error(request, "Plus de 7 jours ont passé : cette réponse ne peut plus changer.")
    else:
        messages.info(request, "Cette demande a changé entre-temps. Voici où elle en est.")
    return redirect(services.link_url(acces.destinataire))


def _act(request, uuid, choose):
    """One POSTed action: the link checked again, the form of the action `choose(acces)`
    names, the service, then back to the page (PRG). Bad input: the page again, the message
    next to the field."""
    signature = _posted_signature(request)
    acces, refus = _open(request, uuid, signature)
    if refus:
        return refus
    now = timezone.now()
    name = choose(acces)
    forms, _ = _forms(acces, lecture.etat_pour_lieu(acces.destinataire), now)
    if name not in forms:
        fermee = name in CORRECTIONS and not decisions.can_correct(
            acces.orientation, acces.destinataire, now
        )
        return _changed(request, acces, now, code="correction_fermee" if fermee else None)
    action = ACTIONS[name]
    form = action.form_class(
        request.POST, destinataire=acces.destinataire, now=now, auto_id=f"{action.auto_id}_%s"
    )
    if form.is_valid():
        try:
            orientation = action.run(acces, form, now)
        except ValidationError as error:
            codes = error_codes(error)
            if codes & DEJA:
                return _changed(request, acces, now, code=next(iter(codes & DEJA)))
            apply_decision_errors(form, error)
        else:
            messages.success(request, action.success(orientation))
            return redirect(services.link_url(acces.destinataire))
    return _page(request, acces, signature, now, bound=name, form=form, status=422)


@login_not_required
@require_POST
def accept(request, uuid):
    return _act(request, uuid, lambda acces: "accepter")


@login_not_required
@require_POST
def refuse(request, uuid):
    return _act(request, uuid, lambda acces: "refuser")


@login_not_required
@require_POST
def move(request, uuid):
    return _act(request, uuid, lambda acces: "deplacer")


@login_not_required
@require_POST
def correct(request, uuid):
    """`decision`: "refusee" (a refusal instead of the acceptance) or "acceptee" (an
    acceptance instead of the refusal, or another session of the place)."""

    def choose(acces):
        decision = request.POST.get("decision")
        if decision == StatutOrientation.REFUSEE:
            return "corriger_refus"
        if decision == StatutOrientation.ACCEPTEE:
            if acces.orientation.statut == StatutOrientation.ACCEPTEE:
                return "corriger_session"
            return "corriger_acceptation"
        return None

    return _act(request, uuid, choose)


def _just_sent(uuid):
    """A new link left for this place a moment ago (the one that sent it may be this one)."""
    recent = timezone.now() - services.INTERVALLE_NOUVEAU_LIEN + services.VALIDITE_LIEN
    return Destinataire.objects.filter(
        uuid=uuid, generation__gt=0, lien_expire_le__gt=recent
    ).exists()


@login_not_required
@require_POST
def send_new_link(request, uuid):
    """From the expired-link page: a new link to the place's contact address (never to an
    address typed here), at most once an hour. Older links stop working."""
    signature = _posted_signature(request)
    try:
        acces = services.check_link(uuid=uuid, signature=signature)
    except LienRefuse as refus:
        if refus.code == "expire":
            destinataire = refus.destinataire
        elif _just_sent(uuid):
            # A second click on the button: the first one already replaced this link.
            return _render(request, "nouveau_lien.html", {"envoye": False}, status=403)
        else:
            return _refused(request, refus, uuid, signature)
    else:
        # Still valid (sent twice, or another tab): the page itself.
        return redirect(services.link_url(acces.destinataire))
    envoye = services.send_new_link(destinataire=destinataire)
    return _render(
        request,
        "nouveau_lien.html",
        {
            "envoye": envoye,
            "lieu": destinataire.lieu,
            "sans_adresse": not avis.adresse_du_lieu(destinataire.lieu),
        },
    )
