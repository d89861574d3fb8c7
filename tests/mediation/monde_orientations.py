"""A small fixed set of orientations in every state, built through the services at past
instants (frozen time): the figures' and the exports' tests count on it by hand."""

import datetime

from django.utils import timezone

from inclusion.enums import Role
from mediation.enums_orientations import MotifRefus
from mediation.services import orientations
from mediation.services import orientations_decision as decision
from mediation.services.orientations_relances import sweep
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member
from tests.mediation.factories_orientations import (
    acces_of,
    orient_to_place,
    orient_to_theme,
    setup_orientations,
)

H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


def _accept_rdv(orientation, mediateur, quand):
    return decision.accept(
        acces=acces_of(orientation, mediateur), rdv_le=quand + 3 * D, rdv_lieu="", now=quand
    )


def _open(orientation, mediateur, quand):
    decision.take_into_account(acces=acces_of(orientation, mediateur), now=quand)


def _decline(orientation, mediateur, motifs, quand, message=""):
    decision.decline(
        acces=acces_of(orientation, mediateur), motifs=motifs, message=message, now=quand
    )


def build_monde():
    """Nine orientations (T = the frozen instant; L1, L2 the two places, M1, M2 their
    médiateurs; all from the CCAS but H):

    F  L1     sent T-40d, expired at T-10d
    A  L1     sent T-10d, opened +2h, accepted +1d (appointment)
    B  L1     sent T-8d, opened +4h, refused +3d (non joignable)
    C  L2     sent T-6d, opened +6h, accepted +1d, ended T-1d
    D  theme  sent T-5d; L1 opened +1h, refused +1d (session complète, non mobile);
              L2 accepted a session +2d (without opening first)
    H  L1     sent T-4d by another structure, opened +8h, refused +3d (non joignable, autre)
    G  L1     sent T-3d, cancelled T-2d
    E  L2     sent T-2d, still open
    I  theme  sent T-1d, L2 accepted +12h (L1 did nothing: taken elsewhere)
    """
    ctx = setup_orientations()
    T = timezone.now()
    M1, M2 = ctx.mediateurs
    L1, L2 = ctx.lieux
    o = {}
    o["F"] = orient_to_place(ctx, lieu=L1, now=T - 40 * D)
    sweep(now=T - 10 * D)
    o["A"] = orient_to_place(ctx, lieu=L1, now=T - 10 * D)
    _open(o["A"], M1, T - 10 * D + 2 * H)
    _accept_rdv(o["A"], M1, T - 9 * D)
    o["B"] = orient_to_place(ctx, lieu=L1, now=T - 8 * D)
    _open(o["B"], M1, T - 8 * D + 4 * H)
    _decline(o["B"], M1, [MotifRefus.NON_JOIGNABLE], T - 5 * D)
    o["C"] = orient_to_place(ctx, lieu=L2, now=T - 6 * D)
    _open(o["C"], M2, T - 6 * D + 6 * H)
    _accept_rdv(o["C"], M2, T - 5 * D)
    decision.finish(orientation=o["C"], now=T - D)
    o["D"] = orient_to_theme(ctx, now=T - 5 * D)
    _open(o["D"], M1, T - 5 * D + H)
    _decline(o["D"], M1, [MotifRefus.SESSION_COMPLETE, MotifRefus.NON_MOBILE], T - 4 * D)
    decision.accept(acces=acces_of(o["D"], M2), session=ctx.sessions[1], now=T - 3 * D)
    autre = StructureFactory(nom="Mission locale")
    p2 = member(Role.PRESCRIPTEUR, autre)
    personne2 = BeneficiaireFactory(structure=autre)
    o["H"] = orientations.orient(
        acteur=p2, beneficiaire=personne2, type="lieu", lieu=L1, besoin="E-mail", now=T - 4 * D
    )
    _open(o["H"], M1, T - 4 * D + 8 * H)
    _decline(o["H"], M1, [MotifRefus.NON_JOIGNABLE, MotifRefus.AUTRE], T - D, message="Parti")
    o["G"] = orient_to_place(ctx, lieu=L1, now=T - 3 * D)
    orientations.cancel(acteur=ctx.prescripteur, orientation=o["G"], motif="Erreur", now=T - 2 * D)
    o["E"] = orient_to_place(ctx, lieu=L2, now=T - 2 * D)
    o["I"] = orient_to_theme(ctx, now=T - D)
    _accept_rdv(o["I"], M2, T - D + 12 * H)
    ctx.autre, ctx.p2, ctx.o = autre, p2, o
    ctx.coordinateur = member(Role.COORDINATEUR)
    return ctx
