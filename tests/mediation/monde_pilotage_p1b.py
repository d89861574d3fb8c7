"""A small fixed world for the accompagnements, publics and SMS sections of the dashboards,
every figure of which the tests count by hand. Period: October 2026 (the previous one:
2026-08-31 to 2026-09-30). Rows are written directly at past dates (the sections only read).

Communes: Bordeaux (quartiers Les Aubiers, priority, and Chartrons), Cenon (Palmer, priority,
where nobody is reached in October). Structures: SA (place LA at Les Aubiers), SB (place LB
in Cenon), SP (a prescribing structure: most people's files).

People:  b1 Bordeaux/Aubiers F 60-69 (SP)   b2 Bordeaux/Chartrons M 25-39 (SP)
         b3 Cenon F 70+ (SB)                b4 no commune (SP)
         b5 Cenon/Palmer M 18-24 (SB)       b6 Bordeaux/Aubiers F 40-59 (SP)

Records (date, structure, place or canal, minutes, thématiques, participants):
  a1 10-05 SA LA        60 email+sante   b1
  a2 10-10 SA domicile  30 email         b2           (commune Bordeaux)
  a3 10-12 SB LB       120 navigation    b1, b3, 2 anonymous   (collectif)
  a4 09-15 SA LA        45 email         b1           (previous period)
  a5 10-20 SA distance  15 sante         1 anonymous
  a6 10-21 SA LA        30 email         b4           (deleted)
  a7 11-02 SB LB        30 email         b4           (after the period)
Registrations: b4 at LB made 10-03; b5 at LB made 09-10; b1 at LA made 08-01.
Carnets (issued by SP): b2 10-07, b6 10-15.
SMS (written): s1 10-02 b1 rappel_48h 1 seg delivered (about b1's LA registration);
  s2 10-03 b4 atelier_inscription 2 seg failed (about b4's LB registration);
  s3 10-07 b2 pass_lien 1 seg delivered; s4 10-08 b2 unknown kind, expired (not sent);
  s7 10-31 23:30 Paris b3 rappel_matin 1 seg delivered; s8 11-01 00:30 Paris (after);
  s6 09-20 b1 pass_lien 3 seg non delivered (previous period).
"""

import datetime
import types
import zoneinfo

from django.utils import timezone

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription
from inclusion.enums import Genre, Role, TrancheAge, TypeTelephone
from inclusion.models import SmsMessage, StatutSms
from mediation.models import Activite, Participant
from mediation.pilotage.filtres import Filtres
from mediation.vocabulaire import Thematique, TypeActivite, TypeLieu
from pass_numerique.services.issuance import issue_carnets
from tests.ateliers.factories import SessionFactory
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
OCTOBRE = Filtres(du=datetime.date(2026, 10, 1), au=datetime.date(2026, 10, 31))


def at(month, day, hour=12, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=PARIS)


def _record(monde, type, structure, date, minutes, thematiques, people=(), anonymes=0, **kw):
    kw.setdefault("lieu", None)
    kw.setdefault("type_lieu", TypeLieu.LIEU_ACTIVITE if kw["lieu"] else TypeLieu.DOMICILE)
    activite = Activite.objects.create(
        type=type,
        mediateur=monde.mediateurs[structure.pk],
        structure=structure,
        date=date,
        duree_minutes=minutes,
        thematiques=thematiques,
        participants_anonymes=anonymes,
        **kw,
    )
    Participant.objects.bulk_create(
        [Participant(activite=activite, beneficiaire=b, genre=b.genre) for b in people]
        + [Participant(activite=activite) for _ in range(anonymes)]
    )
    return activite


def _inscription(session, beneficiaire, quand):
    return Inscription.objects.create(
        session=session,
        beneficiaire=beneficiaire,
        statut=StatutInscription.INSCRIT,
        canal=Canal.PRO,
        inscrit_le=quand,
    )


def _sms(beneficiaire, kind, segments, statut, quand, about="", envoye=True):
    sms = SmsMessage.objects.create(
        beneficiaire=beneficiaire,
        telephone="+33600000000",
        corps="Texte",
        kind=kind,
        about=about,
        encodage="gsm",
        segments=segments,
        statut=statut,
        pas_avant=quand,
        envoye_le=quand if envoye else None,
    )
    SmsMessage.objects.filter(pk=sms.pk).update(cree_le=quand)
    return sms


def _about(inscription):
    return f"ateliers.inscription#{inscription.pk}"


def add_records(monde, n):
    """`n` more October records at LA with a new person each (to show the query count does
    not grow), and as many registrations and SMS."""
    for i in range(n):
        b = BeneficiaireFactory(structure=monde.SP, commune=monde.bordeaux)
        _record(
            monde,
            TypeActivite.INDIVIDUEL,
            monde.SA,
            datetime.date(2026, 10, 1 + i % 28),
            20,
            [Thematique.EMAIL],
            [b],
            lieu=monde.LA,
        )
        inscription = _inscription(monde.session_la, b, at(10, 2))
        _sms(b, "rappel_48h", 1, StatutSms.DELIVRE, at(10, 2), about=_about(inscription))


def build_monde_p1b():
    m = types.SimpleNamespace()
    m.bordeaux = CommuneFactory(nom="Bordeaux", code_insee="33063")
    m.cenon = CommuneFactory(nom="Cenon", code_insee="33119")
    m.aubiers = QuartierFactory(
        commune=m.bordeaux, nom="Les Aubiers", prioritaire=True, code_qpv="QN03301M"
    )
    m.chartrons = QuartierFactory(commune=m.bordeaux, nom="Chartrons")
    m.palmer = QuartierFactory(commune=m.cenon, nom="Palmer", prioritaire=True, code_qpv="QN03302M")
    m.SA = StructureFactory(nom="Espace numérique A", commune=m.bordeaux)
    m.SB = StructureFactory(nom="Médiathèque B", commune=m.cenon)
    m.SP = StructureFactory(nom="CCAS P", commune=m.bordeaux)
    m.LA = LieuFactory(structure=m.SA, commune=m.bordeaux, quartier=m.aubiers, qualifie=True)
    m.LB = LieuFactory(structure=m.SB, commune=m.cenon, qualifie=True)
    m.mediateur_a = member(Role.MEDIATEUR, m.SA)
    m.mediateur_b = member(Role.MEDIATEUR, m.SB)
    m.prescripteur = member(Role.PRESCRIPTEUR, m.SP)
    m.coordinateur = member(Role.COORDINATEUR)
    m.mediateurs = {m.SA.pk: m.mediateur_a, m.SB.pk: m.mediateur_b}

    def person(structure, commune=None, quartier=None, genre=None, age=None):
        return BeneficiaireFactory(
            structure=structure,
            commune=commune,
            quartier=quartier,
            genre=genre or Genre.NON_COMMUNIQUE,
            tranche_age=age or TrancheAge.NON_COMMUNIQUE,
            type_telephone=TypeTelephone.AUCUN,
        )

    m.b1 = person(m.SP, m.bordeaux, m.aubiers, Genre.FEMININ, TrancheAge.DE_60_A_69)
    m.b2 = person(m.SP, m.bordeaux, m.chartrons, Genre.MASCULIN, TrancheAge.DE_25_A_39)
    m.b3 = person(m.SB, m.cenon, None, Genre.FEMININ, TrancheAge.PLUS_70)
    m.b4 = person(m.SP)
    m.b5 = person(m.SB, m.cenon, m.palmer, Genre.MASCULIN, TrancheAge.DE_18_A_24)
    m.b6 = person(m.SP, m.bordeaux, m.aubiers, Genre.FEMININ, TrancheAge.DE_40_A_59)

    d = datetime.date
    individuel, collectif = TypeActivite.INDIVIDUEL, TypeActivite.COLLECTIF
    email, sante = Thematique.EMAIL, Thematique.SANTE
    m.a1 = _record(m, individuel, m.SA, d(2026, 10, 5), 60, [email, sante], [m.b1], lieu=m.LA)
    m.a2 = _record(m, individuel, m.SA, d(2026, 10, 10), 30, [email], [m.b2], commune=m.bordeaux)
    m.a3 = _record(
        m,
        collectif,
        m.SB,
        d(2026, 10, 12),
        120,
        [Thematique.NAVIGATION_SUR_INTERNET],
        [m.b1, m.b3],
        anonymes=2,
        lieu=m.LB,
    )
    m.a4 = _record(m, individuel, m.SA, d(2026, 9, 15), 45, [email], [m.b1], lieu=m.LA)
    m.a5 = _record(
        m, individuel, m.SA, d(2026, 10, 20), 15, [sante], anonymes=1, type_lieu=TypeLieu.A_DISTANCE
    )
    m.a6 = _record(m, individuel, m.SA, d(2026, 10, 21), 30, [email], [m.b4], lieu=m.LA)
    Activite.objects.filter(pk=m.a6.pk).update(supprime_le=timezone.now())
    m.a7 = _record(m, individuel, m.SB, d(2026, 11, 2), 30, [email], [m.b4], lieu=m.LB)

    m.session_la = SessionFactory(lieu=m.LA, debut=at(8, 20, 14))
    session_lb = SessionFactory(lieu=m.LB, debut=at(10, 20, 14))
    i4 = _inscription(session_lb, m.b4, at(10, 3))
    _inscription(session_lb, m.b5, at(9, 10))
    i1 = _inscription(m.session_la, m.b1, at(8, 1))

    programme = ProgrammeFactory()
    enveloppe = EnveloppeFactory(programme=programme, structure=m.SP, nb_cheques=100)
    issue_carnets(acteur=m.prescripteur, enveloppe=enveloppe, beneficiaire=m.b2, now=at(10, 7))
    issue_carnets(acteur=m.prescripteur, enveloppe=enveloppe, beneficiaire=m.b6, now=at(10, 15))

    _sms(m.b1, "rappel_48h", 1, StatutSms.DELIVRE, at(10, 2), about=_about(i1))
    _sms(m.b4, "atelier_inscription", 2, StatutSms.ECHEC, at(10, 3), about=_about(i4))
    _sms(m.b2, "pass_lien", 1, StatutSms.DELIVRE, at(10, 7))
    _sms(m.b2, "sondage_inconnu", 1, StatutSms.EXPIRE, at(10, 8), envoye=False)
    _sms(m.b3, "rappel_matin", 1, StatutSms.DELIVRE, at(10, 31, 23, 30))
    _sms(m.b3, "rappel_matin", 1, StatutSms.DELIVRE, at(11, 1, 0, 30))
    _sms(m.b1, "pass_lien", 3, StatutSms.NON_DELIVRE, at(9, 20))
    return m
