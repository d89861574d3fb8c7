import factory
from django.utils import timezone

from inclusion import enums
from inclusion.models import Beneficiaire, Commune, Lieu, Membership, Quartier, Structure, User


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code_insee",)

    nom = factory.Sequence(lambda n: f"Commune {n}")
    code_insee = factory.Sequence(lambda n: f"33{n % 1000:03d}")
    codes_postaux = "33000"


class QuartierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quartier

    commune = factory.SubFactory(CommuneFactory)
    nom = factory.Sequence(lambda n: f"Quartier {n}")

    class Params:
        prioritaire_qpv = factory.Trait(prioritaire=True, code_qpv="QN03301M")


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    nom = factory.Sequence(lambda n: f"Structure {n}")
    pivot = "43493312300029"
    type = enums.TypeStructure.CCAS
    commune = factory.SubFactory(CommuneFactory)


class LieuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lieu

    structure = factory.SubFactory(StructureFactory)
    nom = factory.Sequence(lambda n: f"Lieu {n}")
    commune = factory.SelfAttribute("structure.commune")
    code_postal = "33000"
    adresse = "1 place de la Mairie"
    horaires = "Mo-Fr 09:00-12:00,14:00-17:00"

    class Params:
        qualifie = factory.Trait(
            qualifie_pass=True, qualifie_le=factory.LazyFunction(timezone.localdate)
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Camille"
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-test-123")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = enums.Role.PRESCRIPTEUR


def member(role, structure=None, **user_kwargs):
    """A user holding `role` in `structure` (a new one when not given)."""
    m = MembershipFactory(
        role=role,
        structure=structure or StructureFactory(),
        user=UserFactory(**user_kwargs),
    )
    return m.user


def admin_coordinateur():
    """A coordinator who reaches the Wagtail admin (the "Coordinateurs" group, as the
    services give it with the role)."""
    from inclusion.services.territoire import sync_groups

    user = member(enums.Role.COORDINATEUR, first_name="Claire", last_name="Coord")
    sync_groups(user)
    return user


class BeneficiaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiaire

    prenom = factory.Sequence(lambda n: f"Prénom{n}")
    nom = "Martin"
    structure = factory.SubFactory(StructureFactory)
    type_telephone = enums.TypeTelephone.AUCUN
    telephone = ""

    class Params:
        avec_mobile = factory.Trait(
            telephone=factory.Sequence(lambda n: f"+336000{n % 100000:05d}"),
            type_telephone=enums.TypeTelephone.MOBILE,
        )
        consentant = factory.Trait(
            telephone=factory.Sequence(lambda n: f"+336001{n % 100000:05d}"),
            type_telephone=enums.TypeTelephone.MOBILE,
            consentement_sms=True,
            consentement_sms_le=factory.LazyFunction(timezone.now),
            consentement_sms_mode=enums.ModeConsentement.ORAL,
        )
        avec_fixe = factory.Trait(telephone="+33536490012", type_telephone=enums.TypeTelephone.FIXE)
