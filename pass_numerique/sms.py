"""SMS keyword of the pass numérique (registered in PassNumeriqueConfig.ready): SOLDE."""

from django.db.models import Count, Q

from inclusion.mots_du_temps import date_et_annee_en_mots
from pass_numerique.enums import CARNET_UTILISABLE, StatutCheque
from pass_numerique.models import Carnet


def handle_solde(inbound):
    carnets = (
        Carnet.objects.filter(beneficiaire__in=inbound.beneficiaires, statut__in=CARNET_UTILISABLE)
        .annotate(restants=Count("cheques", filter=Q(cheques__statut=StatutCheque.VALIDE)))
        .order_by("fin_validite")
    )
    total = sum(c.restants for c in carnets)
    if not total:
        return "Vous n'avez plus de chèque pass numérique valable."
    fin = min(c.fin_validite for c in carnets if c.restants)
    jusquau = date_et_annee_en_mots(fin)
    return f"Il vous reste {total} chèque(s) pass numérique, valables jusqu'au {jusquau}."
