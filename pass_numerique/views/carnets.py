"""Carnets of the user's structures: list, detail, hand over, block and replace, cancel."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, redirect, render

from inclusion import perms as socle
from inclusion.filters import with_fast_selects
from inclusion.forms import apply_service_errors
from inclusion.queries import count_of
from pass_numerique import perms
from pass_numerique.enums import CARNET_UTILISABLE, StatutCarnet, StatutCheque
from pass_numerique.filters import CarnetFilter
from pass_numerique.forms import MotifForm
from pass_numerique.models import Carnet, Cheque, Enveloppe
from pass_numerique.services import issuance
from pass_numerique.tables import CarnetTable
from pass_numerique.views.common import (
    can_list_carnets,
    render_booklet_page,
    require,
)
from pass_numerique.views.delivrer import enveloppes_for_issuing

PAGE_SIZE = 25
RESERVED = "Les carnets sont réservés aux prescripteurs, médiateurs et coordinateurs."


def _programmes_of(enveloppes):
    """The envelopes' programmes, once each, in the programmes' own order (Programme.Meta:
    newest end of validity first, then by name): the envelopes come sorted by programme
    name, and sorted() keeps that order among equal dates."""
    programmes = {e.programme_id: e.programme for e in enveloppes}
    return sorted(programmes.values(), key=lambda p: p.fin_validite, reverse=True)


def carnet_list(request):
    user = request.user
    require(can_list_carnets(user), RESERVED)
    enveloppes = list(
        Enveloppe.objects.for_user(user)
        .select_related("programme", "structure")
        # What the cards, enveloppes_for_issuing and the programme filter read.
        .only(
            "nb_cheques",
            "nb_cheques_emis",
            "programme__nom",
            "programme__statut",
            "programme__fin_validite",
            "structure__nom",
        )
        .order_by("programme__nom", "structure__nom")
    )
    base = Carnet.objects.for_user(user).annotate(
        # A subquery: a Count over the join would drop the newest-first order (GROUP BY).
        restants=count_of(
            Cheque.objects.filter(carnet=OuterRef("pk"), statut=StatutCheque.VALIDE), "carnet"
        )
    )
    # A coordinator filters on every programme; the others on their envelopes' ones.
    programmes = None if socle.is_coordinateur(user) else _programmes_of(enveloppes)
    filtre = CarnetFilter(request.GET or None, queryset=base, programmes=programmes)
    structures = perms.structure_ids_pass(user)
    table = CarnetTable(
        filtre.qs,
        request,
        per_page=PAGE_SIZE,
        masquees=("structure",) if structures is not None and len(structures) < 2 else (),
    )
    with_fast_selects(filtre.form)
    return render(
        request,
        "pass_numerique/pro/carnet_list.html",
        {
            "filter": filtre,
            "table": table,
            "enveloppes": enveloppes,
            "can_issue": bool(enveloppes_for_issuing(user, enveloppes)),
        },
        status=422 if filtre.form.errors else 200,
    )


def _get_carnet(request, pk):
    require(can_list_carnets(request.user), RESERVED)
    # Another structure's carnet answers 404, not 403: its existence stays hidden.
    return get_object_or_404(
        Carnet.objects.for_user(request.user).select_related(
            "programme", "beneficiaire", "structure", "emis_par", "remplace"
        ),
        pk=pk,
    )


def carnet_detail(request, pk):
    carnet = _get_carnet(request, pk)
    cheques = list(carnet.cheques.select_related("encaissement__lieu").order_by("rang"))
    remplacant = Carnet.objects.filter(remplace=carnet).first()
    can_manage = perms.can_manage_carnet(request.user, carnet)
    return render(
        request,
        "pass_numerique/pro/carnet_detail.html",
        {
            "carnet": carnet,
            "cheques": cheques,
            "restants": sum(c.statut == StatutCheque.VALIDE for c in cheques),
            "remplacant": remplacant,
            "can_see_file": carnet.beneficiaire_id is not None
            and socle.can_view_beneficiaire(request.user, carnet.beneficiaire),
            "can_hand_over": can_manage and carnet.statut == StatutCarnet.EMIS,
            "can_close": can_manage and carnet.statut in CARNET_UTILISABLE,
        },
    )


ACTIONS = {
    "remettre": {
        "titre": "Marquer le carnet comme remis",
        "question": "Confirmez-vous que la personne a reçu son carnet en main propre ?",
        "bouton": "Oui, le carnet est remis",
        "motif": False,
    },
    "bloquer": {
        "titre": "Bloquer et remplacer le carnet",
        "question": (
            "Le carnet est perdu, ou il faut le réimprimer ? Ses chèques non utilisés seront "
            "annulés, et un nouveau carnet avec le même nombre de chèques sera créé, avec de "
            "nouveaux codes. Vous imprimerez le nouveau livret tout de suite."
        ),
        "bouton": "Bloquer et créer un nouveau carnet",
        "motif": True,
    },
    "annuler": {
        "titre": "Annuler le carnet",
        "question": (
            "Le carnet a été délivré par erreur ? Ses chèques non utilisés seront annulés et "
            "reviendront dans l'enveloppe. La personne ne pourra plus les utiliser."
        ),
        "bouton": "Annuler le carnet",
        "motif": True,
    },
}


def carnet_action(request, pk, action):
    carnet = _get_carnet(request, pk)
    require(perms.can_manage_carnet(request.user, carnet), "Vous ne pouvez pas modifier ce carnet.")
    spec = ACTIONS[action]
    data = request.POST if request.method == "POST" else None
    form = MotifForm(data) if spec["motif"] else None
    erreur = None
    if request.method == "POST" and (form is None or form.is_valid()):
        motif = form.cleaned_data["motif"] if form else ""
        try:
            if action == "remettre":
                issuance.hand_over(acteur=request.user, carnet=carnet)
                messages.success(request, f"Le carnet n° {carnet.numero} est marqué comme remis.")
            elif action == "annuler":
                rendus = issuance.cancel_carnet(acteur=request.user, carnet=carnet, motif=motif)
                messages.success(
                    request,
                    f"Le carnet n° {carnet.numero} est annulé. {rendus} chèque"
                    f"{'s' if rendus > 1 else ''} reviennent dans l'enveloppe.",
                )
            else:
                delivery = issuance.replace_carnet(acteur=request.user, carnet=carnet, motif=motif)
                if delivery.items:
                    return render_booklet_page(
                        request,
                        items=delivery.items,
                        pdf=delivery.pdf,
                        titre="Le carnet est remplacé",
                        remplace=carnet,
                    )
                messages.success(
                    request,
                    f"Le carnet n° {carnet.numero} est bloqué. Il ne lui restait aucun chèque : "
                    "aucun nouveau carnet n'a été créé.",
                )
        except ValidationError as error:
            if form is not None:
                apply_service_errors(form, error)
            else:
                erreur = " ".join(error.messages)
        else:
            return redirect("pass:carnet_detail", pk=carnet.pk)
    return render(
        request,
        "pass_numerique/pro/carnet_action.html",
        {"carnet": carnet, "spec": spec, "form": form, "erreur": erreur, "action": action},
        status=422 if (erreur or (form is not None and form.errors)) else 200,
    )
