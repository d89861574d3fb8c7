"""Build a fictional territory through the services. Idempotent: a second run changes nothing.

    python manage.py demo --wet-run

Without --wet-run everything runs in a transaction that is rolled back (dry run).
"""

import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from stdnum import luhn

from inclusion import enums, registry
from inclusion.enums import Role
from inclusion.models import Beneficiaire, Commune, Lieu, Quartier, Structure, User
from inclusion.services import beneficiaires as benef_services
from inclusion.services import territoire

DEMO_PASSWORD = "demo-inclusion-2026"  # noqa: S105 - printed on purpose, demo only

COMMUNES = [
    # (nom, code INSEE, codes postaux, [(quartier, prioritaire)])
    ("Bellerive-sur-Lys", "33901", "33910", [("Les Tilleuls", True), ("Centre-bourg", False)]),
    ("Montclair", "33902", "33920,33921", [("La Garenne", True), ("Le Port", False)]),
    ("Saint-Aubin-des-Prés", "33903", "33930", [("Les Prés", False), ("Le Moulin", True)]),
]


def fake_siret(seed):
    """A SIRET that passes the Luhn checks (SIREN and SIRET) but belongs to nobody."""
    siren = f"9{seed:07d}"
    siren += luhn.calc_check_digit(siren)
    siret = f"{siren}0001"
    return siret + luhn.calc_check_digit(siret)


STRUCTURES = [
    # key, nom, type, commune INSEE, pivot
    (
        "cu",
        "Communauté urbaine Lys-Estuaire — mission numérique",
        enums.TypeStructure.AUTRE,
        "33902",
        fake_siret(1),
    ),
    ("ccas", "CCAS de Bellerive-sur-Lys", enums.TypeStructure.CCAS, "33901", fake_siret(2)),
    (
        "fs",
        "France Services de Montclair",
        enums.TypeStructure.FRANCE_SERVICES,
        "33902",
        fake_siret(3),
    ),
    (
        "media",
        "Médiathèque Jules-Verne",
        enums.TypeStructure.MEDIATHEQUE,
        "33901",
        fake_siret(4),
    ),
    (
        "cs",
        "Centre social Les Prés",
        enums.TypeStructure.CENTRE_SOCIAL,
        "33903",
        fake_siret(5),
    ),
    (
        "asso1",
        "Association Connect'Ensemble",
        enums.TypeStructure.ASSOCIATION,
        "33902",
        "W339000123",
    ),
    (
        "asso2",
        "Les Clés du numérique",
        enums.TypeStructure.ASSOCIATION,
        "33903",
        fake_siret(7),
    ),
    (
        "epn",
        "Espace public numérique de la Garenne",
        enums.TypeStructure.EPN,
        "33902",
        fake_siret(8),
    ),
]

S = enums.ServiceMediation
LIEUX = [
    # structure key, nom, INSEE, quartier, adresse, horaires, services, PMR, qualifié
    (
        "media",
        "Médiathèque Jules-Verne",
        "33901",
        "Centre-bourg",
        "2 place de la Liberté",
        "Tu-Fr 10:00-12:30,14:00-18:00; Sa 10:00-17:00; PH off",
        [S.QUOTIDIEN, S.LOISIRS, S.ACCES],
        True,
        True,
    ),
    (
        "media",
        "Annexe de la médiathèque — Les Tilleuls",
        "33901",
        "Les Tilleuls",
        "14 allée des Tilleuls",
        "We 14:00-18:00; Sa 09:30-12:30; PH off",
        [S.QUOTIDIEN, S.ACCES],
        True,
        True,
    ),
    (
        "ccas",
        "CCAS de Bellerive — accueil",
        "33901",
        "Centre-bourg",
        "1 rue de l'Hôtel de Ville",
        "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
        [S.DEMARCHES],
        True,
        False,
    ),
    (
        "fs",
        "France Services de Montclair",
        "33902",
        "Le Port",
        "5 quai des Chartrons",
        "Mo-Fr 09:00-12:30,13:30-17:30; Sa 09:00-12:00; PH off",
        [S.DEMARCHES, S.QUOTIDIEN],
        True,
        True,
    ),
    (
        "epn",
        "Espace numérique de la Garenne",
        "33902",
        "La Garenne",
        "8 rue des Lilas",
        "Mo,Tu,Th 14:00-18:00; We 09:00-12:00,14:00-18:00; PH off",
        [S.QUOTIDIEN, S.SECURITE, S.INSERTION, S.ACCES],
        True,
        True,
    ),
    (
        "asso1",
        "Connect'Ensemble — local associatif",
        "33902",
        "La Garenne",
        "21 avenue Jean-Jaurès",
        "Tu,Th 09:30-12:00,14:00-17:00",
        [S.QUOTIDIEN, S.MATERIEL],
        False,
        False,
    ),
    (
        "cs",
        "Centre social Les Prés",
        "33903",
        "Les Prés",
        "3 chemin des Prés",
        "Mo-Fr 09:00-12:00,14:00-18:30; PH off",
        [S.QUOTIDIEN, S.PARENTALITE, S.DEMARCHES],
        True,
        False,
    ),
    (
        "cs",
        "Point numérique du Moulin",
        "33903",
        "Le Moulin",
        "12 rue du Moulin",
        "We 14:00-17:00; Fr 09:00-12:00",
        [S.QUOTIDIEN],
        None,
        False,
    ),
    (
        "asso2",
        "Les Clés du numérique — atelier",
        "33903",
        "Les Prés",
        "40 route de Bordeaux",
        "Mo-Th 14:00-18:00",
        [S.QUOTIDIEN, S.SECURITE, S.COMPREHENSION],
        True,
        False,
    ),
    (
        "cu",
        "Maison de l'habitat — permanence numérique",
        "33902",
        "Le Port",
        "10 boulevard de l'Estuaire",
        "Mo 14:00-17:00; Th 09:00-12:00; PH off",
        [S.DEMARCHES],
        True,
        False,
    ),
]

ACCOUNTS = [
    # email, prénom, nom, [(structure key, role)]
    ("coordinateur@demo.example", "Claire", "Coordination", [("cu", Role.COORDINATEUR)]),
    ("prescripteur@demo.example", "Pierre", "Prescripteur", [("ccas", Role.PRESCRIPTEUR)]),
    ("mediateur@demo.example", "Maëlle", "Médiatrice", [("media", Role.MEDIATEUR)]),
    ("volontaire@demo.example", "Victor", "Volontaire", [("fs", Role.VOLONTAIRE)]),
    (
        "france-services@demo.example",
        "Fatou",
        "Conseillère",
        [("fs", Role.PRESCRIPTEUR), ("fs", Role.MEDIATEUR)],
    ),
    ("centre-social@demo.example", "Karim", "Animateur", [("cs", Role.MEDIATEUR)]),
]
# The référent of a structure invites colleagues into it (espace pro → Équipe).
REFERENTS = {("france-services@demo.example", "fs", Role.PRESCRIPTEUR)}
# A colleague invited and not answered yet: its e-mail is printed by the demo's worker.
INVITATION_DEMO = ("nouvelle.mediatrice@demo.example", "Inès", "media", Role.MEDIATEUR)

PRENOMS = [
    "Jeanne", "Marcel", "Fatima", "Robert", "Yvette", "Mohamed", "Josiane", "André", "Nadia",
    "Gérard", "Monique", "Ibrahima", "Christiane", "Alain", "Samira", "Bernard", "Huguette",
    "Ahmed", "Colette", "Lucien", "Aïcha", "Raymond", "Odette", "Kevin", "Sylvie", "Thierry",
    "Mireille", "Youssef", "Denise", "Jordan",
]  # fmt: skip
NOMS = [
    "Martin", "Bernard", "Dubois", "Lefèvre", "Benali", "Moreau", "Diallo", "Fournier", "Girard",
    "Mercier", "Nguyen", "Lambert", "Faure", "Traoré", "Rousseau", "Blanc", "Garnier", "Haddad",
]  # fmt: skip


class Command(BaseCommand):
    help = "Crée un territoire de démonstration fictif (idempotent). Simulation sans --wet-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run", action="store_true", help="Écrire vraiment (sinon : simulation)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Autoriser la démo quand DEBUG est désactivé (jamais en production).",
        )

    def handle(self, *args, wet_run=False, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "La démo ne s'installe que sur une base de développement (DJANGO_DEBUG=1), "
                "ou avec --force."
            )
        self.created = 0
        with transaction.atomic():
            self.build()
            if not wet_run:
                transaction.set_rollback(True)
        if wet_run:
            self.stdout.write(self.style.SUCCESS(f"Démo prête : {self.created} objet(s) créé(s)."))
            self.print_logins()
        else:
            self.stdout.write(
                f"Simulation : {self.created} objet(s) seraient créés. "
                "Relancez avec --wet-run pour écrire."
            )

    def build(self):
        communes, quartiers = self.build_territory()
        structures = self.build_structures(communes)
        users = self.build_accounts(structures)
        lieux = self.build_lieux(
            structures, communes, quartiers, users["coordinateur@demo.example"]
        )
        self.build_beneficiaires(structures, communes, quartiers, users)
        context = {
            "communes": communes,
            "quartiers": quartiers,
            "structures": structures,
            "users": users,
            "lieux": lieux,
        }
        # Higher layers (pass numérique, ateliers…) add their demo data through the registry.
        for builder in registry.demo_builders():
            self.created += builder(context)
        # Last: its e-mail carries the habillage the CMS's builder has just set.
        self.build_invitation(structures, users["coordinateur@demo.example"])

    def build_territory(self):
        communes, quartiers = {}, {}
        for nom, insee, cps, qs in COMMUNES:
            commune = Commune.objects.filter(code_insee=insee).first()
            if commune is None:
                commune = territoire.create_commune(nom=nom, code_insee=insee, codes_postaux=cps)
                self.created += 1
            communes[insee] = commune
            for qnom, prioritaire in qs:
                quartier = Quartier.objects.filter(commune=commune, nom=qnom).first()
                if quartier is None:
                    quartier = territoire.create_quartier(
                        commune=commune, nom=qnom, prioritaire=prioritaire
                    )
                    self.created += 1
                quartiers[(insee, qnom)] = quartier
        return communes, quartiers

    def build_structures(self, communes):
        structures = {}
        for key, nom, type_, insee, pivot in STRUCTURES:
            structure = Structure.objects.filter(nom=nom, pivot=pivot).first()
            if structure is None:
                structure = territoire.create_structure(
                    nom=nom,
                    pivot=pivot,
                    type=type_,
                    commune=communes[insee],
                    courriel=f"contact-{key}@demo.example",
                )
                self.created += 1
            structures[key] = structure
        return structures

    def build_accounts(self, structures):
        users = {}
        for email, prenom, nom, roles in ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = territoire.create_user(
                    email=email, prenom=prenom, nom=nom, password=DEMO_PASSWORD
                )
                self.created += 1
            for key, role in roles:
                before = user.memberships.count()
                territoire.add_membership(
                    user=user,
                    structure=structures[key],
                    role=role,
                    referent=(email, key, role) in REFERENTS,
                )
                self.created += user.memberships.count() - before
            users[email] = user
        return users

    def build_invitation(self, structures, coordinateur):
        from inclusion.models import Invitation
        from inclusion.services import invitations

        email, prenom, key, role = INVITATION_DEMO
        if Invitation.objects.filter(email=email).exists():
            return
        invitations.invite(
            acteur=coordinateur,
            email=email,
            prenom=prenom,
            roles=[(structures[key], role, False)],
        )
        self.created += 1

    def build_lieux(self, structures, communes, quartiers, coordinateur):
        lieux = {}
        for i, (key, nom, insee, quartier, adresse, horaires, services, pmr, qualifie) in enumerate(
            LIEUX
        ):
            structure = structures[key]
            lieu = Lieu.objects.filter(structure=structure, nom=nom).first()
            if lieu is None:
                commune = communes[insee]
                lieu = territoire.create_lieu(
                    structure=structure,
                    nom=nom,
                    commune=commune,
                    quartier=quartiers[(insee, quartier)],
                    code_postal=commune.code_postal_principal,
                    adresse=adresse,
                    latitude=f"44.{80000 + i * 731}",
                    longitude=f"-0.{55000 + i * 517}",
                    horaires=horaires,
                    telephone=f"+3353649{i:04d}",
                    services=services,
                    typologie=[enums.Typologie.BIB if key == "media" else enums.Typologie.AUTRE],
                    itinerance=[enums.Itinerance.FIXE],
                    frais_a_charge=[enums.FraisACharge.GRATUIT],
                    modalites_acces=[
                        enums.ModaliteAcces.SE_PRESENTER,
                        enums.ModaliteAcces.TELEPHONER,
                    ],
                    modalites_accompagnement=[
                        enums.ModaliteAccompagnement.INDIVIDUEL,
                        enums.ModaliteAccompagnement.COLLECTIF,
                    ],
                    accessible_pmr=pmr,
                    presentation_resume=f"{nom} : aide gratuite pour utiliser un ordinateur, "
                    "un téléphone et faire ses démarches en ligne.",
                    source="Démo Inclusion numérique",
                )
                self.created += 1
            if qualifie and not lieu.qualifie_pass and lieu.qualification_retiree_le is None:
                lieu = territoire.qualify_lieu(acteur=coordinateur, lieu=lieu)
                self.created += 1
            lieux[nom] = lieu
        return lieux

    def build_beneficiaires(self, structures, communes, quartiers, users):
        rng = random.Random(2026)  # same people on every run
        registering = [
            (structures["ccas"], users["prescripteur@demo.example"]),
            (structures["fs"], users["france-services@demo.example"]),
            (structures["media"], users["mediateur@demo.example"]),
            (structures["cs"], users["centre-social@demo.example"]),
        ]
        people = [(p, n) for p in PRENOMS for n in NOMS]
        rng.shuffle(people)
        quartier_list = sorted(quartiers.items())
        seen = set()
        for i, (prenom, nom) in enumerate(people):
            if len(seen) == 60:
                break
            # Draw every random value first, so a skipped person never shifts the others.
            structure, acteur = registering[i % len(registering)]
            (insee, _), quartier = quartier_list[rng.randrange(len(quartier_list))]
            annee = rng.choice([None, rng.randint(1938, 2004)])
            phone_kind, consent, keep_nom = rng.random(), rng.random(), rng.random()
            tranche = rng.choice(enums.TrancheAge.values)
            genre, statut = rng.choice(enums.Genre.values), rng.choice(enums.Statut.values)
            nom = nom if keep_nom < 0.7 else ""
            if (structure.pk, prenom, nom) in seen:
                continue
            seen.add((structure.pk, prenom, nom))
            if Beneficiaire.objects.filter(structure=structure, prenom=prenom, nom=nom).exists():
                continue
            kwargs = {}
            if phone_kind < 0.65:
                kwargs["telephone"] = f"+33600{i:06d}"
                if consent < 0.8:
                    kwargs["consentement_sms"] = True
                    kwargs["consentement_sms_mode"] = enums.ModeConsentement.ORAL
            elif phone_kind < 0.8:
                kwargs["telephone"] = f"+33536490{i + 100:03d}"
            else:
                kwargs["sans_telephone"] = True
            benef_services.create_beneficiaire(
                acteur=acteur,
                structure=structure,
                prenom=prenom,
                nom=nom,
                annee_naissance=annee,
                tranche_age="" if annee else tranche,
                genre=genre,
                statut=statut,
                commune=communes[insee],
                quartier=quartier,
                **kwargs,
            )
            self.created += 1

    def print_logins(self):
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for email, prenom, _, roles in ACCOUNTS:
            labels = ", ".join(str(Role(role).label).lower() for _, role in roles)
            self.stdout.write(f"  {email:32} {prenom:8} {labels}")
        self.stdout.write(
            "Site public : http://127.0.0.1:8000/  — espace pro : /pro/  — kiosque : /kiosque/"
            "  — administration : /admin/"
        )
