"""find_or_create_for_registration: the one rule of the kiosk and the public site."""

import pytest
from django.core.exceptions import ValidationError

from inclusion.enums import ModeConsentement
from inclusion.models import Beneficiaire, Journal
from inclusion.services.beneficiaires import find_or_create_for_registration
from inclusion.services.telephones import parse_phone
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def call(structure, prenom, numero="06 45 12 34 56", consentement=True):
    return find_or_create_for_registration(
        structure=structure,
        prenom=prenom,
        telephone=parse_phone(numero) if numero else None,
        consentement_sms=consentement,
        mode=ModeConsentement.EN_LIGNE,
        canal="public",
    )


def test_same_mobile_and_first_name_is_the_same_person_and_gets_the_consent():
    autre = StructureFactory()
    existing = BeneficiaireFactory(
        structure=autre, prenom="Élodie", telephone="+33645123456", type_telephone="mobile"
    )
    person, created = call(StructureFactory(), " elodie ")
    assert (person.pk, created) == (existing.pk, False)
    person.refresh_from_db()
    assert person.consentement_sms and person.consentement_sms_mode == ModeConsentement.EN_LIGNE
    assert person.structure == autre  # the file stays where it is
    assert Journal.objects.filter(action="beneficiaire.consentement").count() == 1


def test_a_shared_phone_keeps_one_file_per_first_name():
    BeneficiaireFactory(prenom="Awa", telephone="+33645123456", type_telephone="mobile")
    structure = StructureFactory()
    person, created = call(structure, "Moussa")
    assert created and person.structure == structure and person.prenom == "Moussa"
    assert Beneficiaire.objects.filter(telephone="+33645123456").count() == 2


def test_consent_is_never_withdrawn_here():
    existing = BeneficiaireFactory(prenom="Awa", consentant=True)
    person, created = call(
        StructureFactory(), "Awa", numero=existing.telephone.as_e164, consentement=False
    )
    person.refresh_from_db()
    assert not created and person.consentement_sms


def test_without_phone_a_new_minimal_file_without_consent():
    person, created = call(StructureFactory(), "Jean", numero="", consentement=False)
    assert created and person.telephone == "" and not person.consentement_sms


@pytest.mark.parametrize(
    ("prenom", "numero", "consentement", "champ"),
    [
        ("", "06 45 12 34 56", True, "prenom"),
        ("Awa", "05 56 00 00 00", True, "telephone"),
        ("Awa", "", True, "consentement_sms"),
    ],
)
def test_bad_input_gets_a_french_message_and_writes_nothing(prenom, numero, consentement, champ):
    with pytest.raises(ValidationError) as error:
        call(StructureFactory(), prenom, numero=numero, consentement=consentement)
    assert champ in error.value.message_dict
    assert not Beneficiaire.objects.exists()
