import datetime

import factory
from django.utils import timezone

from ateliers.models import Session, Theme
from inclusion.enums import Role, ServiceMediation
from tests.inclusion.factories import LieuFactory, member


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    titre = factory.Sequence(lambda n: f"Prendre en main son smartphone {n}")
    titre_falc = "Utiliser son téléphone"
    description_falc = "Vous apprenez à appeler. Vous apprenez à envoyer un message."
    niveau = "debutant"
    thematiques = ["prendre_en_main_du_materiel"]
    service = ServiceMediation.QUOTIDIEN
    avec_cheque = True

    class Params:
        gratuit = factory.Trait(avec_cheque=False)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    theme = factory.SubFactory(ThemeFactory)
    lieu = factory.SubFactory(LieuFactory, qualifie=True)
    debut = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    fin = factory.LazyAttribute(lambda o: o.debut + datetime.timedelta(hours=2))
    capacite = 10

    class Params:
        commencee = factory.Trait(
            debut=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=30))
        )


def setup_atelier(capacite=10, **kwargs):
    """A session at a qualified lieu, its médiateur, and a prescripteur of another structure."""
    session = SessionFactory(capacite=capacite, **kwargs)
    mediateur = member(Role.MEDIATEUR, structure=session.lieu.structure)
    session.animateurs.add(mediateur)
    prescripteur = member(Role.PRESCRIPTEUR)
    return {"session": session, "mediateur": mediateur, "prescripteur": prescripteur}
