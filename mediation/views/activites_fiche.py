"""One activity record: detail, edit (its author only), delete (a tombstone), link a
redeemed chèque of the same person."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inclusion.forms import apply_service_errors
from inclusion.models import Lieu
from mediation import perms
from mediation.forms_activites import (
    ActiviteAtelierForm,
    ActiviteIndividuelleForm,
    LienEncaissementForm,
)
from mediation.models import Activite
from mediation.services import activites as services
from mediation.views.activites import initial_from, pictos, require_recording
from mediation.vocabulaire import Thematique, TypeActivite
from pass_numerique.enums import Prestation
from pass_numerique.models import Encaissement

JOURS_ENCAISSEMENTS = 60  # how far back the chèques offered for a link go


def _activite(request, uuid):
    """A live record the user may see; 404 otherwise (another structure's)."""
    activite = get_object_or_404(
        Activite.objects.visible_to(request.user)
        .vivantes()
        .select_related(
            "mediateur",
            "structure",
            "lieu__commune",
            "commune",
            "session__theme",
            "encaissement__lieu",
        ),
        uuid=uuid,
    )
    return activite


def _own(request, uuid):
    """A record the user may edit (its author); 404 for the others, who cannot know it."""
    activite = _activite(request, uuid)
    if not perms.can_edit_activite(request.user, activite):
        raise Http404("Activité introuvable.")
    return activite


def _encaissements(activite, personnes):
    """Redeemed chèques that may be linked: not for a workshop, not linked yet, recent; of the
    person's carnets when the record names a file, else of the record's place and day."""
    qs = Encaissement.objects.filter(activite__isnull=True).exclude(prestation=Prestation.ATELIER)
    if personnes:
        depuis = timezone.now() - datetime.timedelta(days=JOURS_ENCAISSEMENTS)
        qs = qs.filter(cheque__carnet__beneficiaire__in=personnes, encaisse_le__gte=depuis)
    else:
        qs = qs.filter(lieu_id=activite.lieu_id, encaisse_le__date=activite.date)
    # Not sliced: the form's field looks the chosen one up in this queryset.
    return qs.select_related("lieu").order_by("-encaisse_le")


def _detail(request, activite, *, lien_form=None, status=200):
    participants = list(activite.participants.select_related("beneficiaire", "commune"))
    personnes = [p.beneficiaire for p in participants if p.beneficiaire_id]
    peut_modifier = perms.can_edit_activite(request.user, activite)
    if (
        lien_form is None
        and peut_modifier
        and activite.type == TypeActivite.INDIVIDUEL
        and activite.encaissement_id is None
    ):
        lien_form = LienEncaissementForm(encaissements=_encaissements(activite, personnes))
    return render(
        request,
        "mediation/activites/detail.html",
        {
            "activite": activite,
            "participants": participants,
            "personnes": personnes,
            "anonymes": [p for p in participants if not p.beneficiaire_id],
            "thematiques": [Thematique(t).label for t in activite.thematiques],
            "materiel": activite.materiel,
            "voit_notes": perms.can_see_notes(request.user, activite),
            "peut_modifier": peut_modifier,
            "lien_form": lien_form,
        },
        status=status,
    )


def activity_detail(request, uuid):
    return _detail(request, _activite(request, uuid))


def edit_activity(request, uuid):
    require_recording(request.user)
    activite = _own(request, uuid)
    individuel = activite.type == TypeActivite.INDIVIDUEL
    participants = list(activite.participants.select_related("beneficiaire"))
    nomme = next((p.beneficiaire for p in participants if p.beneficiaire_id), None)
    valeurs = {champ: getattr(activite, champ) for champ in services.CHAMPS[activite.type]}
    status = 200
    if individuel:
        # The record's own place stays choosable even if it is no longer one of theirs.
        lieux = (
            Lieu.objects.filter(
                Q(pk__in=services.lieux_du_mediateur(request.user)) | Q(pk=activite.lieu_id)
            )
            .select_related("commune")
            .order_by("nom")
        )

        def make(data=None, initial=None):
            return ActiviteIndividuelleForm(
                data, initial=initial, lieux=lieux, anonyme=nomme is None
            )
    else:

        def make(data=None, initial=None):
            return ActiviteAtelierForm(data, initial=initial, lignes=0)

    if request.method == "POST":
        form = make(request.POST)
        if form.is_valid():
            kwargs = form.service_kwargs()
            if individuel and nomme is None:
                kwargs["anonyme"] = form.anonyme()
            try:
                services.update_activite(acteur=request.user, activite=activite, **kwargs)
            except ValidationError as error:
                apply_service_errors(
                    form, error, renames={"duree_minutes": "duree", "anonyme": "genre"}
                )
            else:
                messages.success(request, "Les modifications sont enregistrées.")
                return redirect("activites:detail", uuid=activite.uuid)
        status = 422
    else:
        initial = initial_from(valeurs)
        if individuel and nomme is None and participants:
            p = participants[0]
            initial.update(genre=p.genre, tranche_age=p.tranche_age, statut_social=p.statut_social)
        form = make(initial=initial)
        form.set_duree(activite.duree_minutes)
    return render(
        request,
        "mediation/activites/modifier.html",
        {"form": form, "activite": activite, "beneficiaire": nomme, **pictos()},
        status=status,
    )


def delete_activity(request, uuid):
    """Confirmation, then delete: a tombstone stays for La Coop's sync and the exports."""
    require_recording(request.user)
    activite = _own(request, uuid)
    if request.method == "POST":
        services.delete_activite(acteur=request.user, activite=activite)
        messages.success(request, "L'activité est supprimée.")
        return redirect("activites:liste")
    return render(request, "mediation/activites/supprimer.html", {"activite": activite})


@require_POST
def link_cheque(request, uuid):
    require_recording(request.user)
    activite = _own(request, uuid)
    personnes = list(
        activite.participants.filter(beneficiaire__isnull=False).values_list(
            "beneficiaire_id", flat=True
        )
    )
    form = LienEncaissementForm(request.POST, encaissements=_encaissements(activite, personnes))
    if form.is_valid():
        try:
            services.link_encaissement(
                acteur=request.user,
                activite=activite,
                encaissement=form.cleaned_data["encaissement"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Le chèque est lié à cette activité.")
            return redirect("activites:detail", uuid=activite.uuid)
    return _detail(request, activite, lien_form=form, status=422)
