"""Demo orientations (register with register_demo_builder after the ateliers' demo, which
makes the sessions): the CCAS's prescripteur orients its people to the médiathèque, France
Services and the centre social, over five weeks, so that every status shows — sent and not
read, taken into account, accepted with an appointment, accepted with a workshop session,
refused with reasons, ended, expired, cancelled — with two still waiting after 12 and 22 days
(reminded by the sweep) and a theme orientation sent to two places.

Built through the services, each step at its own past instant counted back from now (the
services take `now=`), in one transaction. Idempotent: once the demo prescripteur has sent
orientations, nothing is done.
"""

import datetime
import itertools

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ateliers.enums import StatutSession
from ateliers.models import Inscription, Session, Theme
from inclusion.models import Beneficiaire
from mediation import perms
from mediation.enums_orientations import MotifRefus, TypeOrientation
from mediation.models import Orientation, Participant
from mediation.services import orientations
from mediation.services import orientations_decision as decision
from mediation.services.orientations_relances import sweep
from mediation.vocabulaire import Thematique

PRESCRIPTEUR = "prescripteur@demo.example"
MEDIATEURS = (
    "mediateur@demo.example",
    "france-services@demo.example",
    "centre-social@demo.example",
)
MEDIATHEQUE = "Médiathèque Jules-Verne"
ANNEXE = "Annexe de la médiathèque — Les Tilleuls"
FRANCE_SERVICES = "France Services de Montclair"
CENTRE_SOCIAL = "Centre social Les Prés"
MOULIN = "Point numérique du Moulin"

# What the CCAS asks for, in a few words (never anything about health or social situation).
BESOINS = [
    ([Thematique.EMAIL], "Créer une adresse e-mail et la consulter seule"),
    ([Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES], "Déclarer ses revenus en ligne"),
    ([Thematique.PRENDRE_EN_MAIN_DU_MATERIEL], "Prendre en main le téléphone qu'on lui a donné"),
    ([Thematique.SANTE], "Prendre rendez-vous chez le médecin par internet"),
    ([Thematique.NAVIGATION_SUR_INTERNET], ""),
    ([Thematique.SECURITE_NUMERIQUE], "Reconnaître les messages frauduleux"),
]


def _at(days_ago, hour, minute=0):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _people(structure, n):
    """People of the structure with no record and no registration yet: the sweep must not
    find a service given to an accepted one and end it."""
    busy_records = Participant.objects.filter(beneficiaire=OuterRef("pk"))
    busy_sessions = Inscription.objects.filter(beneficiaire=OuterRef("pk"))
    return list(
        Beneficiaire.objects.filter(structure=structure)
        .filter(~Exists(busy_records), ~Exists(busy_sessions))
        .order_by("-pk")[:n]
    )


class _Demo:
    def __init__(self, context):
        users = context["users"]
        self.prescripteur = users[PRESCRIPTEUR]
        self.lieux = context["lieux"]
        # The same person may be oriented twice when the CCAS has few people free.
        self.people = itertools.cycle(_people(context["structures"]["ccas"], 16))
        self.besoins = 0
        self.mediateurs = {}  # structure pk -> a médiateur of it
        for email in MEDIATEURS:
            user = users.get(email)
            if user is not None:
                for structure_id in perms.structure_ids_reception(user):
                    self.mediateurs.setdefault(structure_id, user)

    def send(self, days_ago, hour, **destination):
        thematiques, besoin = BESOINS[self.besoins % len(BESOINS)]
        self.besoins += 1
        return orientations.orient(
            acteur=self.prescripteur,
            beneficiaire=next(self.people),
            thematiques=thematiques,
            besoin=besoin,
            now=_at(days_ago, hour),
            **destination,
        )

    def to_place(self, nom, days_ago, hour=9):
        return self.send(days_ago, hour, type=TypeOrientation.LIEU, lieu=self.lieux[nom])

    def acces(self, orientation, lieu):
        destinataire = orientation.destinataires.select_related("lieu", "orientation").get(
            lieu=lieu
        )
        return orientations.acces_pro(self.mediateurs[lieu.structure_id], destinataire)

    def open(self, orientation, days_ago, hour):
        decision.take_into_account(
            acces=self.acces(orientation, orientation.lieu), now=_at(days_ago, hour)
        )

    def theme_for_two_places(self, days_ago, avoid=None):
        """A theme with upcoming sessions at two places or more with a médiateur of the demo,
        and a session after today at one of them: (theme, that session)."""
        sent = _at(days_ago, 9)
        for theme in Theme.objects.exclude(pk=getattr(avoid, "pk", None)).order_by("pk"):
            lieux = [
                lieu
                for lieu in orientations.lieux_pour_theme(theme, sent)
                if lieu.structure_id in self.mediateurs
            ]
            session = (
                Session.objects.filter(
                    theme=theme,
                    lieu__in=lieux,
                    statut=StatutSession.PLANIFIEE,
                    debut__gt=timezone.now() + datetime.timedelta(days=1),
                )
                .order_by("debut")
                .first()
            )
            if len(lieux) >= 2 and session is not None:
                return theme, session
        return None, None


def build(context):
    prescripteur = context["users"].get(PRESCRIPTEUR)
    if prescripteur is None or Orientation.objects.filter(prescripteur=prescripteur).exists():
        return 0
    if not all(nom in context["lieux"] for nom in (MEDIATHEQUE, CENTRE_SOCIAL, FRANCE_SERVICES)):
        return 0
    if not _people(context["structures"]["ccas"], 1):
        return 0
    with transaction.atomic():
        return _build(_Demo(context))


def _build(demo):
    lieux = demo.lieux
    created = 0

    # Expired: sent five weeks ago to a place that never answered (the sweep of four days ago;
    # only this one exists yet).
    demo.to_place(MOULIN, 35)
    sweep(now=_at(4, 10))
    created += 1

    # Waiting for 22 days: reminded twice.
    demo.to_place(FRANCE_SERVICES, 22)
    created += 1

    # Ended: accepted with an appointment, then the médiatrice said the help was given.
    terminee = demo.to_place(MEDIATHEQUE, 20)
    demo.open(terminee, 20, 11)
    acces = demo.acces(terminee, lieux[MEDIATHEQUE])
    decision.accept(acces=acces, rdv_le=_at(16, 14), now=_at(19, 10))
    decision.finish_pro(acces=demo.acces(terminee, lieux[MEDIATHEQUE]), now=_at(16, 16))
    created += 1

    # Refused: the person could not be reached.
    refusee = demo.to_place(CENTRE_SOCIAL, 15)
    demo.open(refusee, 14, 10)
    decision.decline(
        acces=demo.acces(refusee, lieux[CENTRE_SOCIAL]),
        motifs=[MotifRefus.NON_JOIGNABLE],
        now=_at(13, 15),
    )
    created += 1

    # Waiting for 12 days, taken into account: reminded once.
    if ANNEXE in lieux:
        attente = demo.to_place(ANNEXE, 12)
        demo.open(attente, 11, 14)
        created += 1

    # Refused with two reasons and a message.
    refusee = demo.to_place(FRANCE_SERVICES, 10)
    decision.decline(
        acces=demo.acces(refusee, lieux[FRANCE_SERVICES]),
        motifs=[MotifRefus.NON_ELIGIBLE, MotifRefus.AUTRE],
        message="Notre accompagnement est réservé aux habitants de Montclair : le centre "
        "social des Prés la recevra plus près de chez elle.",
        now=_at(9, 11),
    )
    created += 1

    # Cancelled by the prescripteur.
    annulee = demo.to_place(MEDIATHEQUE, 8)
    orientations.cancel(
        acteur=demo.prescripteur,
        orientation=annulee,
        motif="La personne a trouvé de l'aide auprès de sa fille.",
        now=_at(7, 16),
    )
    created += 1

    # Taken into account, no answer yet.
    prise = demo.to_place(CENTRE_SOCIAL, 6)
    demo.open(prise, 5, 9)
    created += 1

    # Accepted with an appointment in three days.
    acceptee = demo.to_place(MEDIATHEQUE, 5)
    demo.open(acceptee, 5, 10)
    decision.accept(
        acces=demo.acces(acceptee, lieux[MEDIATHEQUE]),
        rdv_le=_at(-3, 14),
        a_apporter="Son téléphone et son chargeur",
        now=_at(4, 10),
    )
    created += 1

    # A theme sent to two places, accepted by one with a session of its place.
    theme, session = demo.theme_for_two_places(4)
    if theme is not None:
        atelier = demo.send(4, 9, type=TypeOrientation.THEME, theme=theme)
        decision.accept(
            acces=demo.acces(atelier, session.lieu),
            session=session,
            liste_attente=session.nb_inscrits >= session.capacite,
            now=_at(3, 10),
        )
        created += 1
    # And another theme, still waiting at both places.
    theme, _ = demo.theme_for_two_places(3, avoid=theme)
    if theme is not None:
        demo.send(3, 9, type=TypeOrientation.THEME, theme=theme)
        created += 1

    # Sent yesterday, not read yet.
    demo.to_place(MEDIATHEQUE, 1)
    created += 1

    # Today's sweep: the reminders of those waiting for 12 and 22 days.
    sweep(now=timezone.now())
    return created
