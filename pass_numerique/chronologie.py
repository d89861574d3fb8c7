"""This layer's lines of a person's timeline (inclusion.registry.register_timeline_provider):
carnets issued and handed over, chèques redeemed and where. Two queries."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from inclusion import perms as socle
from inclusion.registry import Evenement, register_timeline_provider
from pass_numerique.enums import StatutCarnet
from pass_numerique.models import Carnet, Encaissement
from pass_numerique.perms import structure_ids_pass

# States worth saying next to an issued carnet (the others read from the lines below it).
ETATS_A_DIRE = (StatutCarnet.EXPIRE, StatutCarnet.BLOQUE, StatutCarnet.ANNULE, StatutCarnet.EPUISE)


def _pluriel(n, mot):
    return f"{n} {mot}{'s' if n > 1 else ''}"


def evenements(user, beneficiaire):
    """The person's carnets the user sees (those of their structures, as on "Carnets"; all
    for coordinators), and the redemptions of the person's chèques made from those carnets or
    at the user's structures' places."""
    if not socle.can_view_beneficiaire(user, beneficiaire):
        return []
    ids = structure_ids_pass(user)
    carnets = Carnet.objects.filter(beneficiaire=beneficiaire).select_related(
        "programme", "structure"
    )
    encaissements = Encaissement.objects.filter(
        cheque__carnet__beneficiaire=beneficiaire
    ).select_related("lieu", "cheque__carnet")
    if ids is not None:
        carnets = carnets.filter(structure_id__in=ids)
        encaissements = encaissements.filter(
            Q(cheque__carnet__structure_id__in=ids) | Q(lieu__structure_id__in=ids)
        )

    def url(carnet):
        if ids is None or carnet.structure_id in ids:
            return reverse("pass:carnet_detail", args=[carnet.pk])
        return ""

    events = []
    for carnet in carnets:
        etat = (
            f" Aujourd'hui : {carnet.get_statut_display().lower()}."
            if (carnet.statut in ETATS_A_DIRE)
            else ""
        )
        events.append(
            Evenement(
                quand=timezone.localtime(carnet.emis_le),
                nature="carnet",
                titre=f"Carnet n° {carnet.numero} délivré",
                detail=(
                    f"{_pluriel(carnet.nb_cheques, 'chèque')}, {carnet.programme.nom}, "
                    f"par {carnet.structure.nom}.{etat}"
                ),
                url=url(carnet),
            )
        )
        if carnet.remis_le:
            events.append(
                Evenement(
                    quand=timezone.localtime(carnet.remis_le),
                    nature="carnet",
                    titre=f"Carnet n° {carnet.numero} remis à la personne",
                    url=url(carnet),
                )
            )
    for encaissement in encaissements:
        carnet = encaissement.cheque.carnet
        sans_papier = " Sans le chèque papier." if encaissement.sans_cheque_papier else ""
        events.append(
            Evenement(
                quand=timezone.localtime(encaissement.encaisse_le),
                nature="cheque",
                titre=f"Chèque encaissé à {encaissement.lieu.nom}",
                detail=(
                    f"{encaissement.get_prestation_display()}, chèque {encaissement.cheque.rang} "
                    f"du carnet n° {carnet.numero}.{sans_papier}"
                ),
                url=url(carnet),
            )
        )
    return events


register_timeline_provider("pass_numerique", evenements)
