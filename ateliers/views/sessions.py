""" "Mes sessions" (week and list), create, change, cancel, detail, attendance sheet."""

import datetime
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from ateliers import feuille, perms
from ateliers.enums import ACTIVE, StatutInscription, StatutSession
from ateliers.filters import SessionFilter
from ateliers.forms import AnnulationSessionForm, SessionForm, lieux_for_mediateur
from ateliers.models import Session
from ateliers.services import sessions as services
from ateliers.tables import SessionTable
from ateliers.templatetags.ateliers_mots import quand_en_mots
from ateliers.views.guards import (
    get_managed_session,
    get_session,
    require,
    require_ateliers,
)
from inclusion import perms as socle
from inclusion.enums import Role
from inclusion.filters import with_fast_selects
from inclusion.forms import apply_service_errors
from inclusion.jours import debut_du_jour
from inclusion.models import Lieu

PAGE_SIZE = 25
PORTEES = {"mes_lieux": "De mes lieux", "territoire": "De tout le territoire"}
# Each scope's query string, written once per process.
REQUETES_PORTEE = {k: urlencode({"portee": k}) for k in PORTEES}


def _portee(request):
    """Médiateurs start with their lieux; prescripteurs with the whole territory."""
    portee = request.GET.get("portee")
    if portee not in PORTEES:
        portee = "mes_lieux" if perms.is_mediateur(request.user) else "territoire"
    return portee


def _base(request, portee, now):
    user = request.user
    if portee == "mes_lieux":
        return Session.objects.for_user(user)
    return Session.objects.visible_to(user, now)


def _lundi(request):
    try:
        day = datetime.date.fromisoformat(request.GET.get("semaine", ""))
    except ValueError:
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


def _common_context(request, portee, vue, *, can_create=None):
    """`can_create`: when the caller already knows the answer, the query is not run."""
    if can_create is None:
        can_create = lieux_for_mediateur(request.user).exists()
    return {
        "portee": portee,
        "portees": [
            {"valeur": k, "label": v, "actuelle": k == portee, "query": REQUETES_PORTEE[k]}
            for k, v in PORTEES.items()
        ],
        "vue": vue,
        "can_create": can_create,
    }


def _lieux_choisis(user, lieux):
    """The filter's lieux as (pk, nom, commune, actif, structure_id) rows, in the lieux' order,
    and whether the user may create a session when these rows already say so (None: they do
    not know). An active lieu of a structure where the user is an active médiateur is one of
    lieux_for_mediateur(user): the list then needs no query to show "Créer une session"."""
    lignes = list(lieux.values_list("pk", "nom", "commune__nom", "actif", "structure_id"))
    mediateur_de = {sid for sid, role in socle.roles_of(user) if role == Role.MEDIATEUR}
    peut = any(actif and sid in mediateur_de for _, _, _, actif, sid in lignes) or None
    return lignes, peut


def emargement_url(session):
    """The attendance page (another part of the project); None until it is mounted."""
    try:
        return reverse("emargement:session", args=[session.pk])
    except NoReverseMatch:
        return None


def listes_de_session(user, session, *, can_manage):
    """A session's registered people and waiting list as `user` may see them: by name only
    those of perms.can_see_name; the others are counted (registered, waiting, present).
    Waiting ranks count everyone. Two queries at most, whatever the number of people."""
    actives = session.inscriptions.filter(statut__in=ACTIVE)
    tous_les_noms = perms.can_see_all_names(user, session)
    inscriptions = list(
        perms.inscriptions_nommees(user, session, actives)
        .select_related("beneficiaire")
        .order_by("beneficiaire__prenom", "beneficiaire__nom")
    )
    if tous_les_noms:
        toutes = [(i.pk, i.statut, i.rang_attente) for i in inscriptions]
    else:
        toutes = list(actives.values_list("pk", "statut", "rang_attente"))
    rangs = sorted(
        (rang, pk) for pk, statut, rang in toutes if statut == StatutInscription.EN_ATTENTE
    )
    positions = {pk: n for n, (_, pk) in enumerate(rangs, start=1)}
    for i in inscriptions:
        i.position = positions.get(i.pk)
        i.peut_annuler = (
            can_manage or socle.can_view_beneficiaire(user, i.beneficiaire)
        ) and i.statut in (StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE)
    inscrits = [i for i in inscriptions if i.statut != StatutInscription.EN_ATTENTE]
    attente = sorted(
        (i for i in inscriptions if i.statut == StatutInscription.EN_ATTENTE),
        key=lambda i: i.position,
    )
    compte = {
        "inscrits": sum(1 for _, statut, _ in toutes if statut != StatutInscription.EN_ATTENTE),
        "attente": len(rangs),
        "presents": sum(1 for _, statut, _ in toutes if statut == StatutInscription.PRESENT),
    }
    compte["inscrits_caches"] = compte["inscrits"] - len(inscrits)
    compte["attente_caches"] = compte["attente"] - len(attente)
    return SimpleNamespace(
        tous_les_noms=tous_les_noms,
        inscriptions=inscriptions,
        inscrits=inscrits,
        attente=attente,
        compte=compte,
    )


def mes_sessions(request):
    """The week, Monday to Sunday, one list per day."""
    require_ateliers(request.user)
    now = timezone.now()
    portee = _portee(request)
    lundi = _lundi(request)
    start = debut_du_jour(lundi)
    end = debut_du_jour(lundi + datetime.timedelta(days=7))
    sessions = list(
        _base(request, portee, now).for_display().filter(debut__gte=start, debut__lt=end)
    )
    today = timezone.localdate()
    jours = []
    for offset in range(7):
        day = lundi + datetime.timedelta(days=offset)
        jours.append(
            {
                "date": day,
                "aujourdhui": day == today,
                "sessions": [s for s in sessions if timezone.localtime(s.debut).date() == day],
            }
        )

    def week_url(day):
        return "?" + urlencode({"semaine": day.isoformat(), "portee": portee})

    dimanche = lundi + datetime.timedelta(days=6)
    context = _common_context(request, portee, "semaine") | {
        "jours": jours,
        "lundi": lundi,
        "dimanche": dimanche,
        "nb_sessions": len(sessions),
        "precedente": week_url(lundi - datetime.timedelta(days=7)),
        "suivante": week_url(lundi + datetime.timedelta(days=7)),
        "cette_semaine": week_url(today) if not lundi <= today <= dimanche else None,
    }
    return render(request, "ateliers/pro/mes_sessions.html", context)


def session_list(request):
    user = request.user
    require_ateliers(user)
    now = timezone.now()
    portee = _portee(request)
    base = _base(request, portee, now)
    # The filter's lieux: those of the sessions in scope, shown from plain rows; the same
    # queryset checks a lieu asked for. A semi-join (IN), not a join of every session in
    # scope to its lieu then DISTINCT: a territory has 200,000 sessions and 4,800 lieux.
    lieux = Lieu.objects.filter(pk__in=base.values("lieu"))
    lignes, can_create = _lieux_choisis(user, lieux)
    data = request.GET.copy()
    if "du" not in data and "statut" not in data:
        data["du"] = timezone.localdate().isoformat()
    filtre = SessionFilter(
        data, queryset=base, lieux=lieux, choix_lieux=[(pk, nom, c) for pk, nom, c, _, _ in lignes]
    )
    table = SessionTable(
        (filtre.qs if filtre.is_valid() else base.none()).for_table(), request, per_page=PAGE_SIZE
    )
    with_fast_selects(filtre.form)
    context = _common_context(request, portee, "liste", can_create=can_create) | {
        "filter": filtre,
        "table": table,
    }
    return render(
        request,
        "ateliers/pro/session_list.html",
        context,
        status=422 if filtre.form.errors else 200,
    )


def session_create(request):
    user = request.user
    require_ateliers(user)
    require(
        lieux_for_mediateur(user).exists(),
        "Seuls les médiateurs d'un lieu actif planifient des sessions.",
    )
    form = SessionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("repeter"):
                created = services.create_recurring(
                    acteur=user,
                    premier_debut=data["debut"],
                    duree=data["fin"] - data["debut"],
                    nb_semaines=data["nb_semaines"],
                    **form.service_kwargs(),
                )
            else:
                created = [
                    services.create_session(
                        acteur=user, debut=data["debut"], fin=data["fin"], **form.service_kwargs()
                    )
                ]
        except ValidationError as error:
            apply_service_errors(form, error, SessionForm.SERVICE_FIELDS)
        else:
            premiere = created[0]
            if len(created) > 1:
                messages.success(
                    request,
                    f"{len(created)} sessions sont créées, chaque semaine à partir du "
                    f"{quand_en_mots(premiere)}.",
                )
            else:
                messages.success(request, f"La session est créée : {quand_en_mots(premiere)}.")
            return redirect("ateliers:session_detail", pk=premiere.pk)
    return render(
        request,
        "ateliers/pro/session_form.html",
        {"form": form, "titre": "Créer une session", "bouton": "Créer la session"},
        status=422 if form.errors else 200,
    )


def _back_unless_planned(request, session, message):
    """Back to the session's page with `message` when it is no longer planned (it can then be
    neither changed nor cancelled); None while it is planned."""
    if session.statut == StatutSession.PLANIFIEE:
        return None
    messages.warning(request, message)
    return redirect("ateliers:session_detail", pk=session.pk)


def session_update(request, pk):
    user = request.user
    session = get_managed_session(request, pk)
    message = "Cette session n'est plus planifiée : elle ne peut plus changer."
    if retour := _back_unless_planned(request, session, message):
        return retour
    debut, fin = timezone.localtime(session.debut), timezone.localtime(session.fin)
    initial = {
        "lieu": session.lieu,
        "theme": session.theme,
        "date": debut.date(),
        "heure_debut": f"{debut:%H:%M}",
        "heure_fin": f"{fin:%H:%M}",
        "capacite": session.capacite,
        "animateurs": list(session.animateurs.all()),
        "public": session.public,
        "notes_accessibilite": session.notes_accessibilite,
    }
    form = SessionForm(request.POST or None, user=user, initial=initial, avec_repetition=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.update_session(
                acteur=user,
                session=session,
                debut=data["debut"],
                fin=data["fin"],
                **form.service_kwargs(),
            )
        except ValidationError as error:
            apply_service_errors(form, error, SessionForm.SERVICE_FIELDS)
        else:
            moved = (updated.debut, updated.fin, updated.lieu_id) != (
                session.debut,
                session.fin,
                session.lieu_id,
            )
            text = "Les modifications sont enregistrées."
            if moved:
                n = updated.inscriptions.filter(
                    statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE)
                ).count()
                if n:
                    text += (
                        f" La date ou le lieu a changé : {n} personne{'s' if n > 1 else ''} "
                        f"{'sont prévenues' if n > 1 else 'est prévenue'} par SMS "
                        "(celles qui ont accepté les SMS)."
                    )
            messages.success(request, text)
            return redirect("ateliers:session_detail", pk=session.pk)
    return render(
        request,
        "ateliers/pro/session_form.html",
        {
            "form": form,
            "session": session,
            "titre": "Modifier la session",
            "bouton": "Enregistrer",
        },
        status=422 if form.errors else 200,
    )


def session_cancel(request, pk):
    user = request.user
    session = get_managed_session(request, pk)
    if retour := _back_unless_planned(request, session, "Cette session n'est plus planifiée."):
        return retour
    form = AnnulationSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.cancel_session(
                acteur=user, session=session, motif=form.cleaned_data["motif"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if n:
                text = (
                    f"La session est annulée. {n} personne{'s' if n > 1 else ''} "
                    f"{'ont' if n > 1 else 'a'} été prévenue{'s' if n > 1 else ''} "
                    "(par SMS pour celles qui l'acceptent)."
                )
            else:
                text = "La session est annulée. Personne n'était inscrit."
            messages.success(request, text)
            return redirect("ateliers:session_detail", pk=session.pk)
    concernees = session.inscriptions.filter(
        statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE)
    ).count()
    return render(
        request,
        "ateliers/pro/session_annuler.html",
        {"form": form, "session": session, "concernees": concernees},
        status=422 if form.errors else 200,
    )


def session_detail(request, pk):
    user = request.user
    session = get_session(request, pk)
    prefetch_related_objects([session], "animateurs")
    can_manage = perms.can_manage_session(user, session)
    listes = listes_de_session(user, session, can_manage=can_manage)
    ouverte = session.statut == StatutSession.PLANIFIEE and session.debut > timezone.now()
    return render(
        request,
        "ateliers/pro/session_detail.html",
        {
            "session": session,
            "can_manage": can_manage,
            "tous_les_noms": listes.tous_les_noms,
            "inscrits": listes.inscrits,
            "attente": listes.attente,
            "compte": listes.compte,
            "animateurs": list(session.animateurs.all()),
            "can_register": ouverte and perms.can_register_people(user),
            "modifiable": can_manage and session.statut == StatutSession.PLANIFIEE,
            "emargement_url": emargement_url(session) if can_manage else None,
            "feuille_url": reverse("ateliers:feuille", args=[session.pk]) if can_manage else None,
            "sms": _sms_of(session, listes.inscriptions) if can_manage else None,
        },
    )


def feuille_view(request, pk):
    session = get_managed_session(request, pk)
    pdf = feuille.render_feuille(session)
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localtime(session.debut)
    response["Content-Disposition"] = f'inline; filename="emargement-{day:%Y-%m-%d}-{pk}.pdf"'
    response["Cache-Control"] = "no-store, private"
    return response


def _sms_of(session, inscriptions):
    """The SMS about this session's registrations (one query): for the lieu's médiateurs."""
    from inclusion.models import SmsMessage
    from inclusion.views.sms import type_en_mots

    abouts = [f"ateliers.inscription#{i.pk}" for i in inscriptions]
    lignes = []
    for m in SmsMessage.objects.filter(about__in=abouts).select_related("beneficiaire")[:100]:
        lignes.append(
            {
                "date": m.envoye_le or m.pas_avant,
                "personne": m.beneficiaire.prenom if m.beneficiaire else "",
                "type": type_en_mots(m.kind),
                "statut": m.get_statut_display(),
                "erreur": m.erreur,
            }
        )
    return lignes
