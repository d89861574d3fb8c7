"""Demo activity records (called by mediation/demo.py), built through the services: four
weeks of varied individual accompaniments for each demo médiateur (canaux, thématiques,
autonomie, matériel, some réorientés, some anonymous, most with a demo person's file), the
workshop records of the past sessions whose émargement is closed, and two likely duplicate
files for the duplicates' page.

Dates are counted back from the demo's clock (today), like the ateliers' demo sessions.
Idempotent: a médiateur who already has individual records (other than a diagnostic's) gets
none; a session already recorded is skipped; a duplicate file that exists is not made again.
"""

import datetime
import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from ateliers.enums import StatutSession
from ateliers.models import Session
from inclusion.enums import Genre, ModeConsentement, Statut, TrancheAge
from inclusion.models import Beneficiaire
from inclusion.services import beneficiaires as benef_services
from mediation.models import Activite
from mediation.services import activites
from mediation.vocabulaire import (
    Autonomie,
    Materiel,
    StructureRedirection,
    Thematique,
    TypeActivite,
    TypeLieu,
)

MEDIATEURS = (
    "mediateur@demo.example",
    "france-services@demo.example",
    "centre-social@demo.example",
)
JOURS = 28  # four weeks back from today
PAR_JOUR = (0, 1, 1, 2, 2, 3)  # records a working day, drawn

# (thématiques, procedure's name or "") — what people come with, the common ones repeated.
MOTIFS = [
    ([Thematique.EMAIL], ""),
    ([Thematique.EMAIL], ""),
    ([Thematique.PRENDRE_EN_MAIN_DU_MATERIEL], ""),
    ([Thematique.PRENDRE_EN_MAIN_DU_MATERIEL, Thematique.GERE_SES_CONTENUS_NUMERIQUES], ""),
    ([Thematique.NAVIGATION_SUR_INTERNET], ""),
    ([Thematique.SECURITE_NUMERIQUE], ""),
    ([Thematique.RESEAUX_SOCIAUX], ""),
    ([Thematique.BUREAUTIQUE, Thematique.INSERTION_PROFESSIONNELLE], ""),
    (
        [Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, Thematique.SOCIAL_SANTE],
        "Créer son compte ameli",
    ),
    (
        [Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, Thematique.ARGENT_IMPOTS],
        "Déclaration de revenus en ligne",
    ),
    (
        [Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, Thematique.FAMILLE_SCOLARITE],
        "Attestation CAF",
    ),
    (
        [Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, Thematique.TRAVAIL_FORMATION],
        "Actualisation France Travail",
    ),
    (
        [Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, Thematique.PAPIERS_ELECTIONS_CITOYENNETE],
        "Pré-demande de carte d'identité",
    ),
    ([Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, Thematique.LOGEMENT], "Demande de logement"),
    ([Thematique.BANQUE_ET_ACHATS_EN_LIGNE, Thematique.SECURITE_NUMERIQUE], ""),
    ([Thematique.SANTE], "Prendre rendez-vous sur internet"),
]
CANAUX = (
    [TypeLieu.LIEU_ACTIVITE] * 7 + [TypeLieu.A_DISTANCE] * 2 + [TypeLieu.DOMICILE, TypeLieu.AUTRE]
)
DUREES = (15, 30, 30, 30, 45, 45, 60, 90)
MATERIELS = (
    [Materiel.TELEPHONE],
    [Materiel.TELEPHONE],
    [Materiel.ORDINATEUR],
    [Materiel.ORDINATEUR, Materiel.TELEPHONE],
    [Materiel.TABLETTE],
    [],
)
AUTONOMIES = (*Autonomie.values, Autonomie.ENTIEREMENT_ACCOMPAGNE, "")
NOTES = (
    "",
    "",
    "",
    "Revenir avec le courrier reçu.",
    "À revoir la semaine prochaine pour la suite.",
    "A oublié son mot de passe : recréé ensemble.",
)

# Two likely duplicates, each a pair of files: (structure key, prénom, nom, mobile, birth year).
DOUBLONS = (
    # Same mobile, same first name but for an accent.
    (
        ("ccas", "Hélène", "Dumas", "+33600990001", None),
        ("ccas", "Helene", "", "+33600990001", None),
    ),
    # Same name and birth year, one letter apart.
    (("media", "Marcel", "Lefebvre", "", 1947), ("media", "Marcel", "Lefebre", "", 1947)),
)
CREATEURS = {"ccas": "prescripteur@demo.example", "media": "mediateur@demo.example"}


def _jours_ouvres(today):
    """The working days (Monday to Friday, and some Saturdays) of the last four weeks."""
    for n in range(JOURS, -1, -1):
        day = today - datetime.timedelta(days=n)
        if day.weekday() < 5 or (day.weekday() == 5 and day.isocalendar().week % 2 == 0):
            yield day


def _personne_anonyme(rng, communes):
    return {
        "genre": rng.choice(Genre.values),
        "tranche_age": rng.choice(TrancheAge.values),
        "statut_social": rng.choice(Statut.values),
        "commune": rng.choice(communes),
    }


def _individuelles(rng, mediateur, lieux, personnes, communes, today):
    created = 0
    for day in _jours_ouvres(today):
        for _ in range(rng.choice(PAR_JOUR)):
            thematiques, demarche = rng.choice(MOTIFS)
            canal = rng.choice(CANAUX)
            reoriente = rng.random() < 0.15
            champs = {
                "date": day,
                "duree_minutes": rng.choice(DUREES),
                "type_lieu": canal,
                "thematiques": list(thematiques),
                "materiel": list(rng.choice(MATERIELS)),
                "autonomie": rng.choice(AUTONOMIES),
                "nom_demarche": demarche,
                "reoriente": reoriente,
                "structure_redirection": rng.choice(StructureRedirection.values)
                if reoriente
                else "",
                "notes": rng.choice(NOTES),
            }
            if canal == TypeLieu.LIEU_ACTIVITE:
                champs["lieu"] = rng.choice(lieux)
            else:
                champs["commune"] = rng.choice(communes)
            if personnes and rng.random() < 0.7:
                personne = {"beneficiaire": rng.choice(personnes)}
            else:
                personne = {"anonyme": _personne_anonyme(rng, communes)}
            activites.record_individuelle(acteur=mediateur, **personne, **champs)
            created += 1
    return created


def _ateliers(rng, mediateurs):
    """The record of each past session of the demo médiateurs' lieux whose émargement is
    closed, by its creator, with a few anonymous participants now and then."""
    created = 0
    sessions = (
        Session.objects.filter(statut=StatutSession.TERMINEE, cree_par__in=mediateurs)
        .filter(~Exists(Activite.objects.vivantes().filter(session=OuterRef("pk"))))
        .select_related("theme", "lieu__structure", "cree_par")
        .order_by("debut", "pk")
    )
    for session in sessions:
        anonymes = ()
        if rng.random() < 0.4:
            anonymes = (
                (
                    rng.choice(Genre.values),
                    rng.choice(TrancheAge.values),
                    rng.choice(Statut.values),
                    rng.randint(1, 3),
                ),
            )
        activites.record_collective_from_session(
            acteur=session.cree_par, session=session, anonymes=anonymes
        )
        created += 1
    return created


def _doublons(context):
    created = 0
    structures, users = context["structures"], context["users"]
    for paire in DOUBLONS:
        for cle, prenom, nom, mobile, annee in paire:
            structure = structures[cle]
            if Beneficiaire.objects.filter(structure=structure, prenom=prenom, nom=nom).exists():
                continue
            extra = {"annee_naissance": annee} if annee else {}
            if mobile:
                extra.update(
                    telephone=mobile,
                    consentement_sms=True,
                    consentement_sms_mode=ModeConsentement.ORAL,
                )
            else:
                extra["sans_telephone"] = True
            benef_services.create_beneficiaire(
                acteur=users[CREATEURS[cle]], structure=structure, prenom=prenom, nom=nom, **extra
            )
            created += 1
    return created


def build(context):
    """Returns how many objects it created (0 on a second run)."""
    users = context["users"]
    mediateurs = [users[email] for email in MEDIATEURS if email in users]
    if not mediateurs:
        return 0
    created = _doublons(context)
    communes = sorted(context["communes"].values(), key=lambda c: c.code_insee)
    today = timezone.localdate()
    for n, mediateur in enumerate(mediateurs):
        # A diagnostic's record does not count: the diagnostics' demo runs after this one.
        deja = Activite.objects.filter(
            mediateur=mediateur, type=TypeActivite.INDIVIDUEL, diagnostic__isnull=True
        ).exists()
        if deja:
            continue
        rng = random.Random(2030 + n)  # the same records for the same médiateur on every build
        lieux = list(activites.lieux_du_mediateur(mediateur))
        personnes = list(
            Beneficiaire.objects.for_user(mediateur).order_by("pk").select_related("commune")
        )
        created += _individuelles(rng, mediateur, lieux, personnes, communes, today)
    created += _ateliers(random.Random(2031), mediateurs)
    return created
