"""A small fixed territory for the dashboards' figures (issue 17), built through the services
at past instants: the tests of every section count on it by hand. Call it under the frozen
clock (tests.clock.FROZEN_AT, Tuesday 17 November 2026, 10 h in Paris).

Territory
  communes  C1 "Ville-Haute" (QPV quartier Q1 "Les Aubiers", normal quartier Q2 "Chartrons"),
            C2 "Ville-Basse" (no quartier)
  structures  ccas (prescripteur P), s1 (médiateur M1, and prescripteur P1), s2 (médiateur M2),
              financeur (the programmes' funder); coordinateur: a coordinator
  lieux     L1 of s1 in C1/Q1 (qualified), L2 of s2 in C2 (qualified)
  people    B1 ccas C1/Q1 F 60-69 (SMS consent)   B2 ccas C1/Q2 M 25-39
            B3 ccas C2 F 70+ (SMS consent)        B4 s1   C1/Q1 M 18-24
            B5 ccas C2 F 40-59                    B6 ccas no commune, genre/age unknown

Pass numérique (PROG: 10 € × 4 chèques, ends T+25 d = 12/12/2026; PROG2: 20 € × 3 chèques,
ends T+50 d = 06/01/2027)
  envelopes  E1 PROG→ccas 40, E2 PROG→s1 20, E3 PROG2→ccas 10
  K7 E1 B2  issued 03/08 handed 03/08; ch1 cashed L2 10/08 (statement August paid 15/09)
  K1 E1 B1  issued 20/08 handed 25/08; ch1 L1 10/09 (statement September paid 08/10),
            ch2 L1 05/10, ch3 L2 03/11; ch4 valid
  K5 E2 B4  issued 15/09 (by P1) handed 01/10; ch1 L1 10/10
  K2 E1 B2  issued 02/10 handed 02/10; ch1 L2 20/10
  K6 E3 B1  issued 05/10 handed 05/10; ch1 (20 €) L1 12/10
  K3 E1 B3  issued 15/10, not handed
  K4 E1 B5  issued 02/11, cancelled (its 4 chèques back to E1)
  October statements: L1/PROG (K1ch2, K5ch1) paid 10/11; L1/PROG2 and L2/PROG à payer.

Ateliers (themes TH1 "Smartphone", TH2 "Démarches en ligne")
  Sa TH1 L1 15/09 14 h cap 3: B1 present, B2 absent; closed (terminée)
  Sb TH1 L1 06/10 14 h cap 2: B1 present, B2 absent, B3 waiting (rang 1), B4 walk-in present
  Sc TH2 L2 20/10 10 h cap 4: B3 present, B5 excusé, B6 not marked (inscrit)
  Sd TH2 L2 05/11 10 h cap 4: B1 registered, session cancelled 01/11
  Se TH1 L1 24/11 14 h cap 1: B2 inscrit, B4 and B5 waiting
  Sf TH2 L2 10/12 10 h cap 1: B1 inscrit, B3 waiting

Activity records: B4 by M1 on 07/10 (e-mail), an anonymous person by M2 on 03/11.
SMS (m.sms, SmsMessage rows, statut envoyé): to B1 on 06/10 10 h, to B3 on 20/10 9 h (kind
"pilotage_test"; cree_le and envoye_le set to those instants).

FILTRES: 01/10/2026–30/11/2026; its previous period is 01/08/2026–30/09/2026.
"""

import datetime
import zoneinfo
from types import SimpleNamespace

import time_machine
from django.db import transaction

from ateliers.enums import Canal, StatutInscription
from ateliers.services import attendance, registrations, sessions
from inclusion.enums import Genre, Role, TrancheAge
from inclusion.models import SmsMessage
from inclusion.sms import send_sms
from mediation.pilotage.filtres import Filtres, Portee
from mediation.services import activites
from mediation.vocabulaire import Thematique
from pass_numerique.enums import Prestation
from pass_numerique.services import issuance, redemption, reimbursement
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.clock import FROZEN_AT
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    LieuFactory,
    QuartierFactory,
    StructureFactory,
    member,
)
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
FILTRES = Filtres(du=datetime.date(2026, 10, 1), au=datetime.date(2026, 11, 30))


def at(day, month, year=2026, hour=10, minute=0):
    """An instant in Paris."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def _issue(acteur, enveloppe, beneficiaire, quand):
    item = issuance.issue_carnets(
        acteur=acteur, enveloppe=enveloppe, beneficiaire=beneficiaire, now=quand
    )[0]
    item.codes = [code for _cheque, code in item.cheque_codes]
    return item


def _cash(mediateur, lieu, item, rang, quand):
    return redemption.redeem_cheque(
        acteur=mediateur,
        lieu=lieu,
        code=item.codes[rang - 1],
        prestation=Prestation.ATELIER,
        demande_id=issuance.new_request_id(),
        now=quand,
    )


def _register(session, beneficiaire, quand):
    return registrations.register(
        session=session, beneficiaire=beneficiaire, canal=Canal.PUBLIC, now=quand
    )


def _mark(mediateur, inscription, statut, quand):
    return attendance.set_presence(
        acteur=mediateur, inscription=inscription, statut=statut, now=quand
    )


def figures_of(section):
    """{libellé: (valeur, précédent)} of a Section's key figures."""
    return {c.libelle: (c.valeur, c.precedent) for c in section.chiffres}


def table_of(section, cle):
    """[(libellé, valeurs)] of a Section's table `cle`."""
    (tableau,) = [t for t in section.tableaux if t.cle == cle]
    return [(ligne.libelle, ligne.valeurs) for ligne in tableau.lignes]


def portees(m):
    """The three kinds of viewer: the territory, M1's places (s1), the CCAS's prescripteurs."""
    return {
        "territoire": Portee(),
        "mediateur": Portee(structures=frozenset({m.s1.pk}), role=Role.MEDIATEUR),
        "prescripteur": Portee(structures=frozenset({m.ccas.pk}), role=Role.PRESCRIPTEUR),
    }


def monde_for_module(django_db_blocker):
    """A module fixture's body: the world built once under the frozen clock, inside a
    transaction rolled back at the module's end (each test runs in a savepoint of it):

        @pytest.fixture(scope="module")
        def monde(django_db_setup, django_db_blocker):
            yield from monde_for_module(django_db_blocker)
    """
    with django_db_blocker.unblock():
        traveller = time_machine.travel(FROZEN_AT, tick=False)
        traveller.start()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_monde_pilotage()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            traveller.stop()


def build_monde_pilotage():
    m = SimpleNamespace(filtres=FILTRES)
    # Territory
    m.c1 = CommuneFactory(nom="Ville-Haute", code_insee="33901", codes_postaux="33100")
    m.c2 = CommuneFactory(nom="Ville-Basse", code_insee="33902", codes_postaux="33150")
    m.q1 = QuartierFactory(commune=m.c1, nom="Les Aubiers", prioritaire_qpv=True)
    m.q2 = QuartierFactory(commune=m.c1, nom="Chartrons")
    m.ccas = StructureFactory(nom="CCAS de Ville-Haute", commune=m.c1)
    m.s1 = StructureFactory(nom="Espace numérique Nord", commune=m.c1)
    m.s2 = StructureFactory(nom="Tiers-lieu Ville-Basse", commune=m.c2)
    m.financeur = StructureFactory(nom="Département", commune=m.c1)
    m.l1 = LieuFactory(structure=m.s1, nom="Médiathèque des Aubiers", quartier=m.q1, qualifie=True)
    m.l2 = LieuFactory(structure=m.s2, nom="Tiers-lieu du port", commune=m.c2, qualifie=True)
    m.p = member(Role.PRESCRIPTEUR, m.ccas)
    m.p1 = member(Role.PRESCRIPTEUR, m.s1)
    m.m1 = member(Role.MEDIATEUR, m.s1)
    m.m2 = member(Role.MEDIATEUR, m.s2)
    m.coordinateur = member(Role.COORDINATEUR)
    personne = BeneficiaireFactory
    m.b1 = personne(
        structure=m.ccas,
        commune=m.c1,
        quartier=m.q1,
        genre=Genre.FEMININ,
        tranche_age=TrancheAge.DE_60_A_69,
        consentant=True,
    )
    m.b2 = personne(
        structure=m.ccas,
        commune=m.c1,
        quartier=m.q2,
        genre=Genre.MASCULIN,
        tranche_age=TrancheAge.DE_25_A_39,
    )
    m.b3 = personne(
        structure=m.ccas,
        commune=m.c2,
        genre=Genre.FEMININ,
        tranche_age=TrancheAge.PLUS_70,
        consentant=True,
    )
    m.b4 = personne(
        structure=m.s1,
        commune=m.c1,
        quartier=m.q1,
        genre=Genre.MASCULIN,
        tranche_age=TrancheAge.DE_18_A_24,
    )
    m.b5 = personne(
        structure=m.ccas, commune=m.c2, genre=Genre.FEMININ, tranche_age=TrancheAge.DE_40_A_59
    )
    m.b6 = personne(structure=m.ccas)
    _build_pass(m)
    _build_ateliers(m)
    _build_activites_sms(m)
    return m


def _build_pass(m):
    m.prog = ProgrammeFactory(
        nom="Pass numérique 2026",
        financeur=m.financeur,
        valeur_cheque=10,
        cheques_par_carnet=4,
        fin_validite=datetime.date(2026, 12, 12),
    )
    m.prog2 = ProgrammeFactory(
        nom="Pass seniors",
        financeur=m.financeur,
        valeur_cheque=20,
        cheques_par_carnet=3,
        fin_validite=datetime.date(2027, 1, 6),
    )
    m.e1 = EnveloppeFactory(programme=m.prog, structure=m.ccas, nb_cheques=40)
    m.e2 = EnveloppeFactory(programme=m.prog, structure=m.s1, nb_cheques=20)
    m.e3 = EnveloppeFactory(programme=m.prog2, structure=m.ccas, nb_cheques=10)
    k = m.k = {}
    k[7] = _issue(m.p, m.e1, m.b2, at(3, 8))
    issuance.hand_over(acteur=m.p, carnet=k[7].carnet, now=at(3, 8, hour=11))
    _cash(m.m2, m.l2, k[7], 1, at(10, 8))
    k[1] = _issue(m.p, m.e1, m.b1, at(20, 8))
    issuance.hand_over(acteur=m.p, carnet=k[1].carnet, now=at(25, 8))
    _cash(m.m1, m.l1, k[1], 1, at(10, 9))
    k[5] = _issue(m.p1, m.e2, m.b4, at(15, 9))
    issuance.hand_over(acteur=m.p1, carnet=k[5].carnet, now=at(1, 10, hour=9))
    k[2] = _issue(m.p, m.e1, m.b2, at(2, 10))
    issuance.hand_over(acteur=m.p, carnet=k[2].carnet, now=at(2, 10, hour=11))
    k[6] = _issue(m.p, m.e3, m.b1, at(5, 10))
    issuance.hand_over(acteur=m.p, carnet=k[6].carnet, now=at(5, 10, hour=11))
    _cash(m.m1, m.l1, k[1], 2, at(5, 10, hour=15))
    _cash(m.m1, m.l1, k[5], 1, at(10, 10))
    _cash(m.m1, m.l1, k[6], 1, at(12, 10))
    k[3] = _issue(m.p, m.e1, m.b3, at(15, 10))
    _cash(m.m2, m.l2, k[2], 1, at(20, 10))
    k[4] = _issue(m.p, m.e1, m.b5, at(2, 11))
    issuance.cancel_carnet(acteur=m.p, carnet=k[4].carnet, motif="erreur")
    _cash(m.m2, m.l2, k[1], 3, at(3, 11))
    # Statements: August and September paid, October's L1/PROG paid, the others to pay.
    (aout,) = reimbursement.build_statements(acteur=m.coordinateur, mois=datetime.date(2026, 8, 1))
    reimbursement.mark_paid(
        acteur=m.coordinateur, releve=aout.releve, paye_le=datetime.date(2026, 9, 15)
    )
    (septembre,) = reimbursement.build_statements(
        acteur=m.coordinateur, mois=datetime.date(2026, 9, 1)
    )
    reimbursement.mark_paid(
        acteur=m.coordinateur, releve=septembre.releve, paye_le=datetime.date(2026, 10, 8)
    )
    octobre = reimbursement.build_statements(acteur=m.coordinateur, mois=datetime.date(2026, 10, 1))
    m.releves_octobre = {(r.releve.lieu_id, r.releve.programme_id): r.releve for r in octobre}
    reimbursement.mark_paid(
        acteur=m.coordinateur,
        releve=m.releves_octobre[(m.l1.pk, m.prog.pk)],
        paye_le=datetime.date(2026, 11, 10),
    )
    for item in k.values():
        item.carnet.refresh_from_db()


def _session(m, theme, lieu, debut, capacite):
    session = SessionFactory(
        theme=theme,
        lieu=lieu,
        debut=debut,
        fin=debut + datetime.timedelta(hours=2),
        capacite=capacite,
    )
    session.animateurs.add(m.m1 if lieu == m.l1 else m.m2)
    return session


def _build_ateliers(m):
    m.th1 = ThemeFactory(titre="Smartphone")
    m.th2 = ThemeFactory(
        titre="Démarches en ligne", thematiques=["aide_aux_demarches_administratives"]
    )
    P, A, E = StatutInscription.PRESENT, StatutInscription.ABSENT, StatutInscription.EXCUSE
    s = m.sessions = {}
    i = m.inscriptions = {}
    s["a"] = _session(m, m.th1, m.l1, at(15, 9, hour=14), 3)
    i["a1"] = _register(s["a"], m.b1, at(1, 9))
    i["a2"] = _register(s["a"], m.b2, at(2, 9))
    _mark(m.m1, i["a1"], P, at(15, 9, hour=14, minute=10))
    _mark(m.m1, i["a2"], A, at(15, 9, hour=14, minute=10))
    attendance.close_session(acteur=m.m1, session=s["a"], now=at(15, 9, hour=17))

    s["b"] = _session(m, m.th1, m.l1, at(6, 10, hour=14), 2)
    i["b1"] = _register(s["b"], m.b1, at(1, 10))
    i["b2"] = _register(s["b"], m.b2, at(1, 10, hour=11))
    i["b3"] = _register(s["b"], m.b3, at(2, 10))  # waiting list, rang 1
    _mark(m.m1, i["b1"], P, at(6, 10, hour=14, minute=5))
    _mark(m.m1, i["b2"], A, at(6, 10, hour=14, minute=5))
    i["b4"] = attendance.add_walk_in(
        acteur=m.m1, session=s["b"], beneficiaire=m.b4, now=at(6, 10, hour=14, minute=15)
    )

    s["c"] = _session(m, m.th2, m.l2, at(20, 10), 4)
    i["c3"] = _register(s["c"], m.b3, at(10, 10))
    i["c5"] = _register(s["c"], m.b5, at(11, 10))
    i["c6"] = _register(s["c"], m.b6, at(12, 10))
    _mark(m.m2, i["c3"], P, at(20, 10, minute=10))
    _mark(m.m2, i["c5"], E, at(20, 10, minute=10))

    s["d"] = _session(m, m.th2, m.l2, at(5, 11), 4)
    i["d1"] = _register(s["d"], m.b1, at(20, 10, hour=12))
    sessions.cancel_session(acteur=m.m2, session=s["d"], motif="Salle indisponible", now=at(1, 11))

    s["e"] = _session(m, m.th1, m.l1, at(24, 11, hour=14), 1)
    i["e2"] = _register(s["e"], m.b2, at(10, 11))
    i["e4"] = _register(s["e"], m.b4, at(11, 11))
    i["e5"] = _register(s["e"], m.b5, at(12, 11))

    s["f"] = _session(m, m.th2, m.l2, at(10, 12), 1)
    i["f1"] = _register(s["f"], m.b1, at(12, 11))
    i["f3"] = _register(s["f"], m.b3, at(13, 11))
    for session in s.values():
        session.refresh_from_db()
    for inscription in i.values():
        inscription.refresh_from_db()


def _build_activites_sms(m):
    m.activites = [
        activites.record_individuelle(
            acteur=m.m1,
            beneficiaire=m.b4,
            date=datetime.date(2026, 10, 7),
            thematiques=[Thematique.EMAIL],
        ),
        activites.record_individuelle(
            acteur=m.m2,
            anonyme={
                "genre": Genre.MASCULIN,
                "tranche_age": TrancheAge.PLUS_70,
                "commune": m.c2,
            },
            date=datetime.date(2026, 11, 3),
            thematiques=[Thematique.NAVIGATION_SUR_INTERNET],
        ),
    ]
    m.sms = []
    for beneficiaire, body, quand in (
        (m.b1, "Bonjour, votre atelier a lieu demain.", at(6, 10)),
        (m.b3, "Bonjour, une place s'est libérée.", at(20, 10, hour=9)),
    ):
        result = send_sms(beneficiaire=beneficiaire, body=body, kind="pilotage_test", now=quand)
        # cree_le is auto_now_add and delivery stamps the real clock: date them as sent.
        SmsMessage.objects.filter(pk=result.message.pk).update(cree_le=quand, envoye_le=quand)
        result.message.refresh_from_db()
        m.sms.append(result.message)
