"""Attendance page (émargement), used on a tablet during the session.

Thin views: parse → check permission → call ateliers.services.attendance → render. Every
form works without JavaScript; each POST answers with a redirect to the person's row, or
re-renders the page with the error next to that person (the form's action carries the row
anchor, so the browser lands on it either way).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ateliers import perms, registry
from ateliers.enums import ACTIVE, StatutInscription, StatutSession
from ateliers.forms_emargement import (
    AjoutForm,
    ChequeForm,
    PersonneRapideForm,
    PresenceForm,
)
from ateliers.models import Inscription, Session
from ateliers.services import attendance
from inclusion import perms as socle_perms
from inclusion.forms import RecherchePersonneForm, apply_service_errors
from inclusion.models import Beneficiaire
from pass_numerique import perms as pass_perms
from pass_numerique.enums import CARNET_UTILISABLE, StatutCheque
from pass_numerique.models import Cheque
from pass_numerique.services import redemption

CHOIX_PRESENCE = [
    (StatutInscription.PRESENT.value, "Présent"),
    (StatutInscription.ABSENT.value, "Absent"),
    (StatutInscription.EXCUSE.value, "Excusé"),
]


def _session(request, pk):
    """The session, if the user takes attendance there; 404 otherwise (even for another
    structure's médiateur: the session's existence stays hidden)."""
    session = get_object_or_404(
        Session.objects.select_related("theme", "lieu__structure", "lieu__commune"), pk=pk
    )
    if not perms.can_manage_session(request.user, session):
        raise Http404("Session introuvable.")
    return session


def _inscription(session, pk):
    return get_object_or_404(
        Inscription.objects.select_related("beneficiaire", "encaissement").filter(
            session=session, statut__in=ACTIVE
        ),
        pk=pk,
    )


def _ancre(inscription_pk):
    return f"personne-{inscription_pk}"


def _url(session, inscription_pk=None, cheque=False):
    url = reverse("emargement:session", args=[session.pk])
    if inscription_pk is None:
        return url
    if cheque:
        # The code field of this person gets the focus (autofocus, which also scrolls to it):
        # the next scan goes there. Browsers skip autofocus when the URL targets an element,
        # and a redirect keeps the form's anchor unless it has its own: hence the empty one.
        return f"{url}?cheque={inscription_pk}#"
    return f"{url}#{_ancre(inscription_pk)}"


def _ouverte(session):
    if session.statut == StatutSession.ANNULEE:
        return "Cette session est annulée : l'émargement n'est plus possible."
    if session.statut == StatutSession.TERMINEE:
        return "Cette session est clôturée : l'émargement ne peut plus changer."
    return None


def _message(error):
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _cheque_form(inscription, data=None):
    form = ChequeForm(data, prefix=f"c{inscription.pk}")
    form.fields["code"].label = f"Code du chèque de {inscription.beneficiaire.nom_affiche}"
    return form


def _refused_form(inscription, form, message):
    """The row's form after a refusal: the same request id (nothing was written), an empty
    code field (the next scan must not be appended to the previous one), the reason."""
    prefix = form.prefix
    fresh = _cheque_form(
        inscription,
        {
            f"{prefix}-demande_id": form.data.get(f"{prefix}-demande_id", ""),
            f"{prefix}-mode": "sien",
        },
    )
    fresh.is_valid()
    fresh.refus = message
    return fresh


def _cheques_valables(session, inscriptions):
    """{beneficiaire_id: number of valid chèques in their pass}, in one query (the
    redemption service still checks each one: dates, lieu, programme)."""
    ids = [i.beneficiaire_id for i in inscriptions if i.encaissement_id is None]
    if not ids:
        return {}
    rows = (
        Cheque.objects.filter(
            carnet__beneficiaire_id__in=ids,
            carnet__statut__in=CARNET_UTILISABLE,
            statut=StatutCheque.VALIDE,
        )
        .values_list("carnet__beneficiaire_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def _totaux(inscriptions):
    compte = dict.fromkeys(StatutInscription.values, 0)
    cheques = 0
    for i in inscriptions:
        compte[i.statut] += 1
        cheques += bool(i.encaissement_id)
    return {
        "presents": compte[StatutInscription.PRESENT],
        "absents": compte[StatutInscription.ABSENT],
        "excuses": compte[StatutInscription.EXCUSE],
        "non_notes": compte[StatutInscription.INSCRIT],
        "attente": compte[StatutInscription.EN_ATTENTE],
        "cheques": cheques,
    }


def _page(request, session, *, status=200, erreur=None, forms_cheque=None, **context):
    """The attendance page. Its query count does not depend on the number of people."""
    user = request.user
    inscriptions = list(
        Inscription.objects.filter(session=session, statut__in=ACTIVE).select_related(
            "beneficiaire", "encaissement"
        )
    )
    places = sorted(
        (i for i in inscriptions if i.statut != StatutInscription.EN_ATTENTE),
        key=lambda i: (i.beneficiaire.prenom.lower(), i.beneficiaire.nom.lower(), i.pk),
    )
    attente = sorted(
        (i for i in inscriptions if i.statut == StatutInscription.EN_ATTENTE),
        key=lambda i: i.rang_attente or 0,
    )
    ouverte = _ouverte(session) is None
    avec_cheque = session.theme.avec_cheque
    peut_encaisser = avec_cheque and pass_perms.can_redeem(user, session.lieu)
    # The services refuse outside the session's window; the page says so before anyone taps.
    periode = attendance.periode(session)
    hors_periode = redemption.check_periode(periode, now=timezone.now())
    pas_commencee = hors_periode is not None and hors_periode.reason == "pas_commence"
    encaissement_ferme = hors_periode.message if hors_periode and avec_cheque else None
    forms_cheque = forms_cheque or {}
    focus = request.GET.get("cheque", "")
    valables = {}
    if ouverte and peut_encaisser and not hors_periode:
        valables = _cheques_valables(
            session, [i for i in places if i.statut == StatutInscription.PRESENT]
        )
    for i in inscriptions:
        i.ancre = _ancre(i.pk)
        i.cheque_form = None
        i.refus = getattr(forms_cheque.get(i.pk), "refus", None)
        if (
            ouverte
            and peut_encaisser
            and not hors_periode
            and i.statut == StatutInscription.PRESENT
            and not i.encaissement_id
        ):
            i.cheque_form = forms_cheque.get(i.pk) or _cheque_form(i)
            i.cheques_valables = valables.get(i.beneficiaire_id, 0)
            if i.pk in forms_cheque or focus == str(i.pk):
                i.cheque_form.fields["code"].widget.attrs["autofocus"] = True
    context.setdefault("recherche", RecherchePersonneForm())
    context.setdefault("rapide_form", PersonneRapideForm())
    return render(
        request,
        "ateliers/emargement/session.html",
        {
            "session": session,
            "places": places,
            "attente": attente,
            "totaux": _totaux(inscriptions),
            "ouverte": ouverte,
            "fermee": _ouverte(session),
            "avec_cheque": avec_cheque,
            "peut_encaisser": peut_encaisser,
            "pas_commencee": pas_commencee,
            "ouverture": periode.ouverture,
            "encaissement_ferme": encaissement_ferme,
            "choix_presence": CHOIX_PRESENCE,
            "erreur": erreur,
            "depasse": max(session.nb_inscrits - session.capacite, 0),
            # What higher layers offer once it is closed (ateliers/registry.py).
            "suites": registry.suites_emargement_for(user, session)
            if session.statut == StatutSession.TERMINEE
            else [],
            **context,
        },
        status=status,
    )


def session_emargement(request, pk):
    session = _session(request, pk)
    context = {}
    if "q" in request.GET and _ouverte(session) is None:
        recherche = RecherchePersonneForm(request.GET)
        resultats = recherche.search(request.user)
        context["recherche"] = recherche
        context["resultats"] = resultats
        if resultats is not None:
            deja = dict(
                Inscription.objects.filter(
                    session=session,
                    statut__in=ACTIVE,
                    beneficiaire__in=[p.pk for p in resultats.personnes],
                ).values_list("beneficiaire_id", "statut")
            )
            for p in resultats.personnes:
                p.deja = StatutInscription(deja[p.pk]).label if p.pk in deja else None
            q = recherche.cleaned_data["q"]
            if not any(ch.isdigit() for ch in q):
                context["rapide_form"] = PersonneRapideForm(initial={"prenom": q.strip()})
    return _page(request, session, **context)


@require_POST
def presence(request, pk, inscription_pk):
    session = _session(request, pk)
    inscription = _inscription(session, inscription_pk)
    form = PresenceForm(request.POST)
    if not form.is_valid():
        return _page(request, session, status=422, erreur="Choisissez présent, absent ou excusé.")
    if session.statut == StatutSession.TERMINEE:
        return _page(request, session, status=409, erreur=_ouverte(session))
    statut = form.cleaned_data["statut"]
    try:
        attendance.set_presence(acteur=request.user, inscription=inscription, statut=statut)
    except ValidationError as error:
        return _page(request, session, status=409, erreur=_message(error))
    focus = (
        statut == StatutInscription.PRESENT
        and session.theme.avec_cheque
        and not inscription.encaissement_id
    )
    return redirect(_url(session, inscription.pk, cheque=focus))


@require_POST
def cheque(request, pk, inscription_pk):
    session = _session(request, pk)
    inscription = _inscription(session, inscription_pk)
    form = _cheque_form(inscription, request.POST)
    if not form.is_valid():
        return _page(request, session, status=422, forms_cheque={inscription.pk: form})
    data = form.cleaned_data
    # The same form submitted twice (double tap, refresh): the first answer stands.
    if inscription.encaissement_id and inscription.encaissement.demande_id == data["demande_id"]:
        return redirect(_url(session, inscription.pk))
    if fermee := _ouverte(session):
        return _page(request, session, status=409, erreur=fermee)
    try:
        attendance.redeem_for_presence(
            acteur=request.user,
            inscription=inscription,
            demande_id=data["demande_id"],
            code=data["code"] if data["mode"] == ChequeForm.CODE else None,
        )
    except redemption.TooManyAttempts:
        refus, status = redemption.TooManyAttempts.message, 429
    except redemption.RedemptionRefused as error:
        refus, status = error.check.message, 409
    except ValidationError as error:
        refus, status = _message(error), 409
    except PermissionDenied as error:
        refus, status = str(error), 403
    else:
        return redirect(_url(session, inscription.pk))
    return _page(
        request,
        session,
        status=status,
        forms_cheque={inscription.pk: _refused_form(inscription, form, refus)},
    )


@require_POST
def add_walk_in(request, pk):
    """A person found by the search came without registering: a seat, present."""
    session = _session(request, pk)
    if fermee := _ouverte(session):
        return _page(request, session, status=409, erreur=fermee)
    form = AjoutForm(request.POST)
    if not form.is_valid():
        return _page(request, session, status=422, erreur_ajout=form.errors["beneficiaire"][0])
    beneficiaire = get_object_or_404(
        Beneficiaire.objects.for_user(request.user), uuid=form.cleaned_data["beneficiaire"]
    )
    return _add(request, session, beneficiaire)


def _add(request, session, beneficiaire):
    try:
        inscription = attendance.add_walk_in(
            acteur=request.user, session=session, beneficiaire=beneficiaire
        )
    except (ValidationError, PermissionDenied) as error:
        return _page(request, session, status=409, erreur_ajout=_message(error))
    return _present(request, session, inscription)


def _present(request, session, inscription):
    """Noted present: back to the list, on the person's chèque form when one is due."""
    messages.success(request, f"{inscription.beneficiaire.nom_affiche} est noté(e) présent(e).")
    return redirect(
        _url(
            session,
            inscription.pk,
            cheque=session.theme.avec_cheque and not inscription.encaissement_id,
        )
    )


def _structure_pour(user, session):
    """The structure the quick-created person is registered for: the session's structure
    when the user may register people there, else the user's first one."""
    structures = socle_perms.structures_for_creation(user)
    lieu_structure = session.lieu.structure
    if structures.filter(pk=lieu_structure.pk).exists():
        return lieu_structure
    return structures.order_by("nom").first()


@require_POST
def add_new_walk_in(request, pk):
    """Quick creation of a person who is not known yet, then added as present."""
    session = _session(request, pk)
    if fermee := _ouverte(session):
        return _page(request, session, status=409, erreur=fermee)
    form = PersonneRapideForm(request.POST)
    if not form.is_valid():
        return _page(request, session, status=422, rapide_form=form)
    structure = _structure_pour(request.user, session)
    if structure is None:
        form.add_error(None, "Vous ne pouvez pas inscrire de personne.")
        return _page(request, session, status=403, rapide_form=form)
    try:
        inscription = attendance.add_new_walk_in(
            acteur=request.user, session=session, structure=structure, **form.service_kwargs()
        )
    except (ValidationError, PermissionDenied) as error:
        if not hasattr(error, "error_dict"):
            # The presence was refused (session not started…): nothing was written.
            return _page(
                request, session, status=409, erreur_ajout=_message(error), rapide_form=form
            )
        apply_service_errors(form, error)
        return _page(request, session, status=422, rapide_form=form)
    return _present(request, session, inscription)


def close_session(request, pk):
    """Confirmation, then close: people still "inscrit" become absent."""
    session = _session(request, pk)
    if fermee := _ouverte(session):
        if request.method == "POST":
            return _page(request, session, status=409, erreur=fermee)
        return redirect(_url(session))
    erreur, status = None, 200
    if request.method == "POST":
        try:
            absents = attendance.close_session(acteur=request.user, session=session)
        except ValidationError as error:
            erreur, status = _message(error), 409
        else:
            texte = "La session est clôturée."
            if absents:
                pluriel = "s" if absents > 1 else ""
                texte += f" {absents} personne{pluriel} notée{pluriel} absente{pluriel}."
            messages.success(request, texte)
            return redirect(_url(session))
    totaux = _totaux(
        Inscription.objects.filter(session=session, statut__in=ACTIVE).only(
            "statut", "encaissement"
        )
    )
    return render(
        request,
        "ateliers/emargement/cloturer.html",
        {
            "session": session,
            "totaux": totaux,
            "erreur": erreur,
            "pas_commencee": session.debut > timezone.now(),
        },
        status=status,
    )
