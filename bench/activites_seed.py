"""Seeding shared by the activity records' benches (activites_liste, export_activites): one
structure, its people, and records written with bulk_create (fast; the services are tested
elsewhere). Called after common.setup_django()."""

import datetime
import random


def seed_world(nb_lieux=4, nb_mediateurs=4, nb_personnes=500):
    """One structure with a coordinator, médiateurs, lieux (through the services) and people
    (bulk_create)."""
    from inclusion.enums import Genre, Role, Statut, TrancheAge
    from inclusion.models import Beneficiaire
    from inclusion.services import territoire

    commune = territoire.create_commune(nom="Banc", code_insee="33990", codes_postaux="33990")
    structure = territoire.create_structure(
        nom="Médiathèque banc", pivot="43493312300029", type="ccas", commune=commune
    )
    lieux = [
        territoire.create_lieu(
            structure=structure,
            nom=f"Lieu banc {i}",
            commune=commune,
            code_postal="33990",
            adresse=f"{i} rue du Banc",
        )
        for i in range(nb_lieux)
    ]
    coordinateur = territoire.create_user(email="coord@bench.example", prenom="Coco", nom="Ord")
    territoire.add_membership(user=coordinateur, structure=structure, role=Role.COORDINATEUR)
    mediateurs = []
    for i in range(nb_mediateurs):
        user = territoire.create_user(email=f"med{i}@bench.example", prenom=f"Med{i}", nom="Banc")
        territoire.add_membership(user=user, structure=structure, role=Role.MEDIATEUR)
        mediateurs.append(user)
    rng = random.Random(15)
    Beneficiaire.objects.bulk_create(
        Beneficiaire(
            structure=structure,
            prenom=f"Personne{i}",
            nom="Banc",
            commune=commune,
            genre=rng.choice(Genre.values),
            tranche_age=rng.choice(TrancheAge.values),
            statut=rng.choice(Statut.values),
        )
        for i in range(nb_personnes)
    )
    return {
        "structure": structure,
        "lieux": lieux,
        "coordinateur": coordinateur,
        "mediateurs": mediateurs,
        "personnes": list(Beneficiaire.objects.all()),
        "rng": rng,
    }


def seed_records(w, count, batch=5000, part_collectif=0.05):
    """`count` more records (and their participants) with bulk_create: individual ones with
    one person and a note, workshops (`part_collectif` of them) with two people and two
    anonymous."""
    from django.utils import timezone

    from inclusion.enums import Genre, Statut, TrancheAge
    from mediation.models import Activite, Participant
    from mediation.vocabulaire import Materiel, Thematique, TypeActivite

    rng = w["rng"]
    thematiques = Thematique.values
    today = timezone.localdate()
    done = 0
    while done < count:
        n = min(batch, count - done)
        records, shapes = [], []
        for _ in range(n):
            collectif = rng.random() < part_collectif
            lieu = rng.choice(w["lieux"])
            records.append(
                Activite(
                    type=TypeActivite.COLLECTIF if collectif else TypeActivite.INDIVIDUEL,
                    mediateur=rng.choice(w["mediateurs"]),
                    structure=w["structure"],
                    date=today - datetime.timedelta(days=rng.randrange(365)),
                    duree_minutes=rng.choice((15, 30, 45, 60, 90)),
                    lieu=lieu,
                    thematiques=rng.sample(thematiques, rng.randint(1, 3)),
                    materiel=rng.sample(Materiel.values, rng.randint(0, 2)),
                    autonomie="" if collectif else "partiellement_autonome",
                    niveau="debutant" if collectif else "",
                    titre_atelier="Prendre en main son smartphone" if collectif else "",
                    notes="" if collectif else "Revoir la prochaine fois",
                    participants_anonymes=2 if collectif else 0,
                )
            )
            shapes.append(collectif)
        Activite.objects.bulk_create(records)
        participants = []
        for activite, collectif in zip(records, shapes, strict=True):
            # A workshop: two distinct people (one row per person) and two anonymous.
            personnes = rng.sample(w["personnes"], 2) if collectif else [rng.choice(w["personnes"])]
            for personne in personnes + ([None, None] if collectif else []):
                participants.append(
                    Participant(
                        activite=activite,
                        beneficiaire=personne,
                        genre=personne.genre if personne else Genre.NON_COMMUNIQUE,
                        tranche_age=personne.tranche_age if personne else TrancheAge.NON_COMMUNIQUE,
                        statut_social=personne.statut if personne else Statut.NON_COMMUNIQUE,
                        commune=personne.commune if personne else None,
                    )
                )
        Participant.objects.bulk_create(participants)
        done += n
