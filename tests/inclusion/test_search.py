"""The one person search of the espace pro (inclusion.search), its form, the pages using it;
the socle's helper putting a service's ValidationError on a form; the one SMS consent rule."""

import datetime
import html as html_lib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inclusion.enums import ModeConsentement, Role
from inclusion.forms import RecherchePersonneForm, apply_service_errors
from inclusion.search import search_people
from inclusion.services.telephones import check_consent
from tests.ateliers.factories import setup_atelier
from tests.clock import FROZEN_AT
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    StructureFactory,
    member,
)
from tests.pass_numerique.factories import setup_pass

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

T0 = FROZEN_AT


def _fresh(user):
    """The same user as a new request sees it: memberships not read yet."""
    return type(user).objects.get(pk=user.pk)


# The search ---------------------------------------------------------------------------------


def test_a_prescripteur_never_finds_a_person_outside_their_structures():
    a, b = StructureFactory(), StructureFactory()
    prescripteur = member(Role.PRESCRIPTEUR, structure=a)
    ours = BeneficiaireFactory(structure=a, prenom="Fatima", nom="Benali")
    theirs = BeneficiaireFactory(
        structure=b,
        prenom="Fatima",
        nom="Benali",
        telephone="+33698765432",
        type_telephone="mobile",
    )
    for q in ("fatima", "Benali", "fatima benali", "06 98 76 54 32", "98765"):
        found = {p.pk for p in search_people(prescripteur, q).personnes}
        assert theirs.pk not in found, q
    assert {p.pk for p in search_people(prescripteur, "fatima").personnes} == {ours.pk}
    # A second structure of the same prescripteur is searched too; a volontaire finds nobody.
    member_b = member(Role.PRESCRIPTEUR, structure=b)
    assert {p.pk for p in search_people(member_b, "fatima").personnes} == {theirs.pk}
    volontaire = member(Role.VOLONTAIRE, structure=a)
    assert search_people(volontaire, "fatima").personnes == []
    coordinateur = member(Role.COORDINATEUR)
    assert {p.pk for p in search_people(coordinateur, "fatima").personnes} == {ours.pk, theirs.pk}


def test_a_membership_that_ended_finds_nothing():
    a = StructureFactory()
    prescripteur = member(Role.PRESCRIPTEUR, structure=a)
    BeneficiaireFactory(structure=a, prenom="Fatima")
    prescripteur.memberships.update(active=False)
    assert search_people(_fresh(prescripteur), "fatima").personnes == []


@pytest.mark.parametrize("nombre", [1, 30])
def test_one_query_whatever_the_number_of_matches(django_assert_num_queries, nombre):
    structure = StructureFactory()
    prescripteur = member(Role.PRESCRIPTEUR, structure=structure)
    BeneficiaireFactory.create_batch(nombre, structure=structure, nom="Martin", avec_mobile=True)
    user = _fresh(prescripteur)
    # The user's memberships, then the people (commune joined).
    with django_assert_num_queries(2):
        resultats = search_people(user, "martin")
        for p in resultats.personnes:
            assert p.en_mots and p.commune is not None
    assert len(resultats.personnes) == min(nombre, 20)
    assert resultats.trop == (nombre > 20)


def test_results_hold_minimal_data_in_a_stable_order():
    structure = StructureFactory()
    prescripteur = member(Role.PRESCRIPTEUR, structure=structure)
    zoe = BeneficiaireFactory(structure=structure, prenom="Zoé", nom="Martin")
    ali = BeneficiaireFactory(
        structure=structure,
        prenom="Ali",
        nom="Martin",
        annee_naissance=1961,
        commune=CommuneFactory(),
        telephone="+33698765432",
        type_telephone="mobile",
        notes="Ne pas montrer",
        courriel="ali@example.org",
    )
    twin = BeneficiaireFactory(structure=structure, prenom="Ali", nom="Martin")
    resultats = search_people(prescripteur, "martin")
    assert [p.pk for p in resultats.personnes] == [ali.pk, twin.pk, zoe.pk]
    first = resultats.personnes[0]
    assert first.telephone_masque == "06 •• •• •• 32"
    assert first.en_mots == f"Ali Martin, né(e) en 1961, {ali.commune.nom} (06 •• •• •• 32)"
    kept = vars(first)
    assert "telephone" not in kept and "notes" not in kept and "courriel" not in kept
    assert "98765432" not in repr(first)
    deux = search_people(prescripteur, "martin", limit=2)
    assert [p.pk for p in deux.personnes] == [ali.pk, twin.pk]
    assert deux.trop


def test_the_form_checks_the_input_and_searches_only_when_valid():
    structure = StructureFactory()
    prescripteur = member(Role.PRESCRIPTEUR, structure=structure)
    BeneficiaireFactory(structure=structure, prenom="Fatima")
    assert RecherchePersonneForm().search(prescripteur) is None
    court = RecherchePersonneForm({"q": "a"})
    assert court.search(prescripteur) is None
    assert court.errors["q"] == ["Tapez au moins 2 caractères."]
    vide = RecherchePersonneForm({"q": ""})
    assert vide.search(prescripteur) is None
    assert vide.errors["q"] == ["Tapez le nom, le prénom ou le téléphone de la personne."]
    assert len(RecherchePersonneForm({"q": "fati"}).search(prescripteur).personnes) == 1
    assert "autofocus" not in RecherchePersonneForm().fields["q"].widget.attrs
    assert RecherchePersonneForm(autofocus=True).fields["q"].widget.attrs["autofocus"]


def _pages():
    """The three pages that search a person, each with its user and its people's structure."""
    pass_ctx = setup_pass()
    atelier = setup_atelier()
    commencee = setup_atelier(
        debut=T0 - datetime.timedelta(minutes=30), fin=T0 + datetime.timedelta(hours=1)
    )
    return [
        (reverse("pass:delivrer"), pass_ctx["prescripteur"], pass_ctx["enveloppe"].structure),
        (
            reverse("ateliers:inscrire_session", args=[atelier["session"].pk]),
            atelier["mediateur"],
            atelier["session"].lieu.structure,
        ),
        (
            reverse("emargement:session", args=[commencee["session"].pk]),
            commencee["mediateur"],
            commencee["session"].lieu.structure,
        ),
    ]


def test_every_search_page_shows_the_same_line_and_hides_other_structures(client):
    for url, user, structure in _pages():
        ours = BeneficiaireFactory(
            structure=structure,
            prenom="Josiane",
            nom="Leroy",
            annee_naissance=1950,
            commune=CommuneFactory(),
            telephone="+33698765432",
            type_telephone="mobile",
        )
        theirs = BeneficiaireFactory(prenom="Josiane", nom="Ailleurs")
        client.force_login(user)
        html = html_lib.unescape(client.get(url, {"q": "josiane"}).content.decode())
        assert f"Josiane Leroy, né(e) en 1950, {ours.commune.nom} (06 •• •• •• 32)" in html, url
        assert "06 98 76 54 32" not in html
        assert "Ailleurs" not in html and str(theirs.uuid) not in html, url
        assert 'role="search"' in html
        ours.delete()
        theirs.delete()


def test_every_search_page_makes_as_many_queries_for_1_or_25_people(client):
    for url, user, structure in _pages():
        client.force_login(user)
        client.get(url)  # the session's first request reads more (login, caches)
        counts = []
        for nombre in (1, 25):
            people = BeneficiaireFactory.create_batch(nombre, structure=structure, nom="Lambert")
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, {"q": "lambert"}).status_code == 200
            counts.append(len(queries))
            for p in people:
                p.delete()
        assert counts[0] == counts[1], (url, counts)


# A service's errors on a form ---------------------------------------------------------------


class _Form(forms.Form):
    prenom = forms.CharField(required=False)
    date = forms.DateField(required=False)


def _bound():
    form = _Form({"prenom": "Ali"})
    assert form.is_valid()
    return form


def test_service_errors_go_next_to_the_field_they_name():
    form = _bound()
    apply_service_errors(
        form, ValidationError({"prenom": ValidationError("Trop court.", code="court")})
    )
    assert form.errors == {"prenom": ["Trop court."]}
    assert form.errors.as_data()["prenom"][0].code == "court"
    assert "prenom" not in form.cleaned_data


def test_service_errors_naming_another_field_are_renamed_or_go_on_the_form():
    form = _bound()
    apply_service_errors(
        form,
        ValidationError({"debut": "Dans le passé.", "lieu": "Lieu fermé.", "__all__": "Non."}),
        renames={"debut": "date"},
    )
    assert form.errors["date"] == ["Dans le passé."]
    assert form.non_field_errors() == ["Lieu fermé.", "Non."]


def test_a_service_error_without_field_goes_on_the_form_with_its_code():
    form = _bound()
    apply_service_errors(
        form,
        ValidationError(
            [ValidationError("Session annulée.", code="session_annulee"), "Autre chose."]
        ),
    )
    assert form.non_field_errors() == ["Session annulée.", "Autre chose."]
    assert form.non_field_errors().as_data()[0].code == "session_annulee"


# The one SMS consent rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("telephone", "mode", "codes"),
    [
        ("", ModeConsentement.ORAL, {"consentement_sms": "sans_mobile"}),
        ("+33536490012", ModeConsentement.ORAL, {"consentement_sms": "fixe"}),
        ("+2250701234567", ModeConsentement.ORAL, {"consentement_sms": "hors_zone"}),
        ("+33612345678", "", {"consentement_sms_mode": "sans_mode"}),
        ("", "", {"consentement_sms": "sans_mobile", "consentement_sms_mode": "sans_mode"}),
    ],
)
def test_consent_needs_a_mobile_we_may_text_and_how_it_was_given(telephone, mode, codes):
    with pytest.raises(ValidationError) as exc:
        check_consent(telephone=telephone, consentement_sms=True, mode=mode)
    assert {f: e[0].code for f, e in exc.value.error_dict.items()} == codes


def test_no_consent_or_a_french_mobile_passes():
    check_consent(telephone="", consentement_sms=False, mode="")
    check_consent(telephone="+33612345678", consentement_sms=True, mode=ModeConsentement.ORAL)


def test_the_forms_and_the_service_give_the_same_message():
    from inclusion.forms import BeneficiaireForm
    from inclusion.services.beneficiaires import create_beneficiaire

    structure = StructureFactory()
    prescripteur = member(Role.PRESCRIPTEUR, structure=structure)
    form = BeneficiaireForm(
        {
            "prenom": "Ali",
            "telephone": "05 36 49 00 12",
            "genre": "non_communique",
            "statut": "non_communique",
            "consentement_sms": "on",
            "consentement_sms_mode": ModeConsentement.ORAL,
        }
    )
    assert not form.is_valid()
    with pytest.raises(ValidationError) as exc:
        create_beneficiaire(
            acteur=prescripteur,
            structure=structure,
            prenom="Ali",
            telephone="05 36 49 00 12",
            consentement_sms=True,
            consentement_sms_mode=ModeConsentement.ORAL,
        )
    assert form.errors["consentement_sms"] == exc.value.message_dict["consentement_sms"]
