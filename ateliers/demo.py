"""Demo data of the ateliers, built through the services (registered in apps.py).

About fifteen themes mediators really run, two parcours, sessions over the next three weeks
(one full with a waiting list, one cancelled) and the last four weeks (attendance taken,
chèques redeemed for some people).
"""

import datetime
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from ateliers.enums import Canal, StatutInscription
from ateliers.models import EtapeParcours, Inscription, Parcours, Session, Theme
from ateliers.services import attendance, registrations, sessions
from inclusion.enums import ServiceMediation as S
from inclusion.models import Beneficiaire
from pass_numerique.enums import StatutCarnet
from pass_numerique.services import issuance
from pass_numerique.services.redemption import RedemptionRefused

# titre, titre FALC, description FALC, pictogramme, niveau, minutes, thématiques, service, chèque
THEMES = [
    (
        "Prendre en main son smartphone",
        "Utiliser son téléphone",
        "Vous apprenez à allumer le téléphone.\nVous apprenez à appeler et à écrire un message.",
        "device-phone-mobile",
        "debutant",
        120,
        ["prendre_en_main_du_materiel"],
        S.QUOTIDIEN,
        True,
    ),
    (
        "Découvrir l'ordinateur",
        "Utiliser un ordinateur",
        "Vous apprenez à utiliser la souris et le clavier.\nVous ouvrez vos premiers fichiers.",
        "computer-desktop",
        "debutant",
        120,
        ["prendre_en_main_du_materiel"],
        S.QUOTIDIEN,
        True,
    ),
    (
        "Créer son adresse e-mail",
        "Avoir une adresse e-mail",
        "Vous créez votre adresse e-mail.\nVous apprenez à lire et à envoyer un message.",
        "envelope",
        "debutant",
        120,
        ["email"],
        S.QUOTIDIEN,
        True,
    ),
    (
        "Naviguer sur internet",
        "Chercher sur internet",
        "Vous apprenez à chercher une information.\nVous reconnaissez un site officiel.",
        "globe-alt",
        "debutant",
        90,
        ["navigation_sur_internet"],
        S.QUOTIDIEN,
        True,
    ),
    (
        "ameli et Mon espace santé",
        "Mon compte santé",
        "Vous ouvrez votre compte ameli.\nVous trouvez vos remboursements.",
        "heart",
        "intermediaire",
        120,
        ["sante", "aide_aux_demarches_administratives"],
        S.DEMARCHES,
        True,
    ),
    (
        "France Travail : l'espace candidat",
        "Chercher un emploi en ligne",
        "Vous utilisez votre espace France Travail.\nVous répondez à une offre.",
        "briefcase",
        "intermediaire",
        120,
        ["insertion_professionnelle", "aide_aux_demarches_administratives"],
        S.INSERTION,
        True,
    ),
    (
        "La CAF en ligne",
        "Mon compte CAF",
        "Vous ouvrez votre compte CAF.\nVous faites votre déclaration.",
        "home",
        "intermediaire",
        120,
        ["aide_aux_demarches_administratives"],
        S.DEMARCHES,
        True,
    ),
    (
        "Les impôts en ligne",
        "Déclarer ses impôts",
        "Vous entrez dans votre espace impots.gouv.\nVous vérifiez votre déclaration.",
        "banknotes",
        "intermediaire",
        120,
        ["aide_aux_demarches_administratives", "banque_et_achats_en_ligne"],
        S.DEMARCHES,
        True,
    ),
    (
        "Éviter les arnaques",
        "Se protéger des arnaques",
        "Vous reconnaissez un faux message.\nVous savez quoi faire en cas de doute.",
        "shield-exclamation",
        "debutant",
        90,
        ["securite_numerique"],
        S.SECURITE,
        False,
    ),
    (
        "Visio avec la famille",
        "Voir sa famille en vidéo",
        "Vous appelez vos proches en vidéo.\nVous les voyez sur votre écran.",
        "video-camera",
        "debutant",
        90,
        ["reseaux_sociaux"],
        S.LOISIRS,
        True,
    ),
    (
        "Ranger ses photos",
        "Garder ses photos",
        "Vous rangez vos photos dans des dossiers.\nVous les envoyez à vos proches.",
        "photo",
        "intermediaire",
        120,
        ["gere_ses_contenus_numeriques"],
        S.LOISIRS,
        True,
    ),
    (
        "FranceConnect et mots de passe",
        "Se connecter aux sites publics",
        "Vous utilisez FranceConnect.\nVous gardez vos mots de passe en sécurité.",
        "key",
        "intermediaire",
        90,
        ["securite_numerique", "aide_aux_demarches_administratives"],
        S.SECURITE,
        True,
    ),
    (
        "Acheter en ligne en sécurité",
        "Acheter sur internet",
        "Vous reconnaissez un site sûr.\nVous payez sans risque.",
        "shopping-cart",
        "intermediaire",
        90,
        ["banque_et_achats_en_ligne", "securite_numerique"],
        S.SECURITE,
        True,
    ),
    (
        "Écrire son CV",
        "Faire son CV",
        "Vous écrivez votre CV sur l'ordinateur.\nVous l'enregistrez et vous l'imprimez.",
        "document-text",
        "avance",
        120,
        ["bureautique", "insertion_professionnelle"],
        S.INSERTION,
        True,
    ),
    (
        "Tester ses compétences avec Pix",
        "Tester ce que je sais faire",
        "Vous répondez à des questions sur l'ordinateur.\nVous voyez ce que vous savez faire.",
        "academic-cap",
        "intermediaire",
        90,
        ["diagnostic_numerique"],
        S.COMPREHENSION,
        False,
    ),
]

PARCOURS = [
    (
        "Débuter avec le smartphone",
        "Débuter avec son téléphone",
        [
            "Prendre en main son smartphone",
            "Créer son adresse e-mail",
            "Visio avec la famille",
            "Éviter les arnaques",
        ],
    ),
    (
        "Mes démarches en ligne",
        "Faire ses démarches sur internet",
        ["FranceConnect et mots de passe", "ameli et Mon espace santé", "La CAF en ligne"],
    ),
]


def _themes():
    themes = {}
    for titre, falc, desc, picto, niveau, minutes, thematiques, service, cheque in THEMES:
        theme = Theme.objects.filter(titre=titre).first()
        if theme is None:
            theme = Theme.objects.create(
                titre=titre,
                titre_falc=falc,
                description_falc=desc,
                pictogramme=picto,
                niveau=niveau,
                duree_minutes=minutes,
                thematiques=thematiques,
                service=service,
                avec_cheque=cheque,
            )
        themes[titre] = theme
    for titre, falc, etapes in PARCOURS:
        if not Parcours.objects.filter(titre=titre).exists():
            parcours = Parcours.objects.create(titre=titre, titre_falc=falc)
            for ordre, theme_titre in enumerate(etapes, start=1):
                EtapeParcours.objects.create(
                    parcours=parcours, theme=themes[theme_titre], ordre=ordre
                )
    return themes


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _register(**kwargs):
    """1 when registered; 0 when the person is busy elsewhere at that time (demo overlaps)."""
    try:
        registrations.register(canal=Canal.PRO, **kwargs)
    except ValidationError:
        return 0
    return 1


def build(context):
    """Idempotent: if sessions exist already, only the catalogue is completed."""
    before = Theme.objects.count()
    themes = _themes()
    created = Theme.objects.count() - before
    if Session.objects.exists():
        return created
    users, lieux, structures = context["users"], context["lieux"], context["structures"]
    rng = random.Random(2028)
    now = timezone.now()
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    places = [
        (users["mediateur@demo.example"], lieux["Médiathèque Jules-Verne"], structures["media"]),
        (
            users["mediateur@demo.example"],
            lieux["Annexe de la médiathèque — Les Tilleuls"],
            structures["media"],
        ),
        (
            users["france-services@demo.example"],
            lieux["France Services de Montclair"],
            structures["fs"],
        ),
        (users["centre-social@demo.example"], lieux["Centre social Les Prés"], structures["cs"]),
    ]
    theme_list = list(themes.values())
    past, upcoming = [], []
    for week in range(-4, 3):
        for n, (mediateur, lieu, structure) in enumerate(places):
            for slot, (weekday, hour) in enumerate(((1, 14), (3, 10))):
                day = monday + datetime.timedelta(weeks=week, days=weekday)
                debut = _at(day, hour)
                theme = theme_list[(week * 8 + n * 2 + slot) % len(theme_list)]
                session = sessions.create_session(
                    acteur=mediateur,
                    theme=theme,
                    lieu=lieu,
                    debut=debut,
                    fin=debut + datetime.timedelta(minutes=theme.duree_minutes),
                    capacite=rng.choice([6, 8, 10, 12]),
                    now=min(now, debut - datetime.timedelta(days=10)),
                )
                created += 1
                (past if debut < now else upcoming).append((session, mediateur, structure))

    prescripteur = users["prescripteur@demo.example"]
    ccas_people = list(Beneficiaire.objects.filter(structure=structures["ccas"]).order_by("pk"))

    def people_for(structure):
        return list(Beneficiaire.objects.filter(structure=structure).order_by("pk"))

    # Past sessions: registrations, attendance, a chèque for some present people.
    for session, mediateur, structure in past:
        registered = rng.sample(people_for(structure), k=min(4, len(people_for(structure))))
        for person in registered:
            created += _register(
                session=session,
                beneficiaire=person,
                acteur=mediateur,
                now=session.debut - datetime.timedelta(days=3),
            )
        for inscription in Inscription.objects.filter(
            session=session, statut=StatutInscription.INSCRIT
        ).select_related("beneficiaire"):
            statut = rng.choice(["present", "present", "present", "absent", "excuse"])
            attendance.set_presence(
                acteur=mediateur, inscription=inscription, statut=statut, now=session.debut
            )
            if (
                statut == "present"
                and session.theme.avec_cheque
                and session.lieu.qualifie_pass
                and inscription.beneficiaire.carnets.filter(
                    statut=StatutCarnet.ENTAME, emis_le__lt=session.debut
                ).exists()
            ):
                try:
                    attendance.redeem_for_presence(
                        acteur=mediateur,
                        inscription=Inscription.objects.get(pk=inscription.pk),
                        demande_id=issuance.new_request_id(),
                        now=session.debut + datetime.timedelta(minutes=10),
                    )
                except RedemptionRefused:
                    pass  # no valid chèque left for this place: presence without chèque
        attendance.close_session(acteur=mediateur, session=session)

    # Upcoming: a few people each; the first one full with a waiting list; one cancelled.
    for i, (session, mediateur, structure) in enumerate(upcoming):
        people = people_for(structure)
        if i == 0:
            session = sessions.update_session(acteur=mediateur, session=session, capacite=4)
            chosen = people[:6]
        else:
            chosen = rng.sample(people, k=min(rng.randint(1, 5), len(people)))
        for person in chosen:
            created += _register(session=session, beneficiaire=person, acteur=mediateur)
        if i == 1:
            # A prescripteur of the CCAS orients two of their people to this workshop.
            for person in ccas_people[:2]:
                created += _register(session=session, beneficiaire=person, acteur=prescripteur)
        if i == len(upcoming) - 1:
            sessions.cancel_session(acteur=mediateur, session=session, motif="Animateur absent")
    return created
