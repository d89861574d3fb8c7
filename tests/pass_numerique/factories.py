import datetime

import factory
from django.utils import timezone

from inclusion.enums import Role
from pass_numerique.enums import StatutProgramme
from pass_numerique.models import Enveloppe, Programme
from pass_numerique.services.issuance import issue_carnets
from tests.inclusion.factories import LieuFactory, StructureFactory, member


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    nom = factory.Sequence(lambda n: f"Pass numérique {n}")
    financeur = factory.SubFactory(StructureFactory)
    valeur_cheque = 10
    cheques_par_carnet = 10
    fin_validite = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))
    statut = StatutProgramme.ACTIF

    class Params:
        brouillon = factory.Trait(statut=StatutProgramme.BROUILLON)
        clos = factory.Trait(statut=StatutProgramme.CLOS)
        anonyme = factory.Trait(anonyme_autorise=True)


class EnveloppeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enveloppe

    programme = factory.SubFactory(ProgrammeFactory)
    structure = factory.SubFactory(StructureFactory)
    nb_cheques = 100


def setup_pass(nb_cheques=100, **programme_kwargs):
    """An active programme, an envelope for a structure, its prescripteur, and a qualified lieu
    of another structure with its médiateur."""
    programme = ProgrammeFactory(anonyme_autorise=True, **programme_kwargs)
    enveloppe = EnveloppeFactory(programme=programme, nb_cheques=nb_cheques)
    prescripteur = member(Role.PRESCRIPTEUR, structure=enveloppe.structure)
    lieu = LieuFactory(qualifie=True)
    mediateur = member(Role.MEDIATEUR, structure=lieu.structure)
    return {
        "programme": programme,
        "enveloppe": enveloppe,
        "prescripteur": prescripteur,
        "lieu": lieu,
        "mediateur": mediateur,
    }


def issued(ctx, beneficiaire=None, nombre=1):
    return issue_carnets(
        acteur=ctx["prescripteur"],
        enveloppe=ctx["enveloppe"],
        beneficiaire=beneficiaire,
        nombre=nombre,
    )
