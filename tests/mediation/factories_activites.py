"""Activity records (CRA): a médiateur at their single lieu, a colleague, a person's file."""

from inclusion.enums import Genre, Role, Statut, TrancheAge
from mediation.services import activites
from mediation.vocabulaire import Thematique
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    LieuFactory,
    StructureFactory,
    member,
)


def setup_activites():
    """A structure with one lieu, its médiateur and a colleague médiateur, a prescripteur of
    the same structure, a médiateur of another structure, a coordinator, and a person's file
    of the structure (genre, age band, status and commune known)."""
    structure = StructureFactory()
    lieu = LieuFactory(structure=structure)
    autre_structure = StructureFactory()
    LieuFactory(structure=autre_structure)
    personne = BeneficiaireFactory(
        structure=structure,
        genre=Genre.FEMININ,
        tranche_age=TrancheAge.DE_60_A_69,
        statut=Statut.RETRAITE,
        commune=CommuneFactory(),
    )
    return {
        "structure": structure,
        "lieu": lieu,
        "mediateur": member(Role.MEDIATEUR, structure=structure),
        "collegue": member(Role.MEDIATEUR, structure=structure),
        "prescripteur": member(Role.PRESCRIPTEUR, structure=structure),
        "autre": member(Role.MEDIATEUR, structure=autre_structure),
        "coordinateur": member(Role.COORDINATEUR),
        "personne": personne,
    }


def individuelle(ctx, acteur=None, **champs):
    """A routine individual record of ctx's person by ctx's médiateur."""
    champs.setdefault("thematiques", [Thematique.EMAIL])
    if "anonyme" not in champs:
        champs.setdefault("beneficiaire", ctx["personne"])
    return activites.record_individuelle(acteur=acteur or ctx["mediateur"], **champs)
