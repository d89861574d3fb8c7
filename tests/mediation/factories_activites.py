"""Activity records (CRA): a médiateur at their single lieu, a colleague, a person's file."""

import datetime

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


def cheque_encaisse():
    """A chèque of a named carnet cashed today at a qualified lieu by a médiateur who also
    follows the person's structure (to link a record to it)."""
    from django.utils import timezone

    from pass_numerique.services import issuance
    from pass_numerique.services.redemption import PeriodeService, redeem_own_cheque
    from tests.inclusion.factories import BeneficiaireFactory, MembershipFactory
    from tests.pass_numerique.factories import issued, setup_pass

    pass_ctx = setup_pass()
    personne = BeneficiaireFactory(structure=pass_ctx["enveloppe"].structure)
    MembershipFactory(
        user=pass_ctx["mediateur"], structure=pass_ctx["enveloppe"].structure, role=Role.MEDIATEUR
    )
    issued(pass_ctx, personne)
    now = timezone.now()
    encaissement = redeem_own_cheque(
        acteur=pass_ctx["mediateur"],
        lieu=pass_ctx["lieu"],
        beneficiaire=personne,
        prestation="accompagnement",
        demande_id=issuance.new_request_id(),
        periode=PeriodeService(debut=now - datetime.timedelta(hours=1), fin=now),
        now=now,
    )
    return {**pass_ctx, "personne": personne, "encaissement": encaissement}


def atelier_enregistre(ctx, *, presents, anonymes, heures=1, **session):
    """A closed session at ctx's lieu that ended an hour ago and lasted `heures` hours,
    recorded by ctx's médiateur with `presents` files and `anonymes` anonymous people (women
    over 70, retired); `session`: more of the session's fields (its theme…)."""
    from django.utils import timezone

    from ateliers.services import attendance
    from tests.ateliers.factories import SessionFactory

    now = timezone.now()
    seance = SessionFactory(
        lieu=ctx["lieu"],
        debut=now - datetime.timedelta(hours=heures + 1),
        fin=now - datetime.timedelta(hours=1),
        **session,
    )
    for personne in presents:
        attendance.add_walk_in(acteur=ctx["mediateur"], session=seance, beneficiaire=personne)
    attendance.close_session(acteur=ctx["mediateur"], session=seance)
    seance.refresh_from_db()
    return activites.record_collective_from_session(
        acteur=ctx["mediateur"],
        session=seance,
        anonymes=[(Genre.FEMININ, TrancheAge.PLUS_70, Statut.RETRAITE, anonymes)]
        if anonymes
        else [],
    )
