"""Issue 18: this layer's part of the person's access document (inclusion.services.acces):
their carnets, each chèque's value and state, and where it was used. Two queries."""

from django.db.models import Prefetch

from inclusion import perms as socle
from inclusion.registry import Element, Rubrique, register_access_section
from inclusion.services.acces import date_fr
from pass_numerique.models import Carnet, Cheque
from pass_numerique.perms import structure_ids_pass


def _euros(valeur):
    texte = f"{valeur:.2f}".replace(".", ",").removesuffix(",00")
    return f"{texte} €"


def _cheque(cheque):
    etat = cheque.get_statut_display().lower()
    encaissement = getattr(cheque, "encaissement", None)
    if encaissement is not None:
        etat += (
            f", utilisé le {date_fr(encaissement.encaisse_le)} à {encaissement.lieu.nom} "
            f"({encaissement.get_prestation_display().lower()})"
        )
    return (f"Chèque {cheque.rang}", f"{_euros(cheque.valeur)}, {etat}")


def rubriques(user, beneficiaire):
    """The person's carnets the user sees (their structures', as on "Carnets"; all for
    coordinators), as in the timeline; never a code."""
    if not socle.can_view_beneficiaire(user, beneficiaire):
        return []
    carnets = (
        Carnet.objects.filter(beneficiaire=beneficiaire)
        .select_related("programme", "structure")
        .prefetch_related(
            # The redemption (reverse one-to-one) joined: one query for every chèque.
            Prefetch(
                "cheques",
                queryset=Cheque.objects.select_related("encaissement__lieu").order_by("rang"),
            )
        )
        .order_by("emis_le", "pk")
    )
    ids = structure_ids_pass(user)
    if ids is not None:
        carnets = carnets.filter(structure_id__in=ids)
    elements = []
    for carnet in carnets:
        lignes = [
            ("Programme", carnet.programme.nom),
            ("État", carnet.get_statut_display()),
            ("Délivré le", date_fr(carnet.emis_le)),
            ("Par", carnet.structure.nom),
            ("Remis à la personne le", date_fr(carnet.remis_le) if carnet.remis_le else "Non"),
            ("Valable jusqu'au", date_fr(carnet.fin_validite)),
        ]
        lignes += [_cheque(c) for c in carnet.cheques.all()]
        elements.append(Element(titre=f"Carnet n° {carnet.numero}", lignes=tuple(lignes)))
    return [
        Rubrique(
            cle="carnets",
            titre="Les pass numériques (carnets et chèques)",
            elements=tuple(elements),
            explication=(
                "Pour payer des ateliers et des accompagnements, et rembourser les lieux "
                "qui les ont rendus."
            ),
            ordre=200,
        )
    ]


register_access_section("pass_numerique", rubriques)
