import re
import uuid
from html import escape as html_escape

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inclusion.enums import Role, TypeTelephone
from inclusion.models import Beneficiaire, Journal
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    QuartierFactory,
    StructureFactory,
    member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _pro_urls():
    """Every /pro/ URL from the resolver, with dummy arguments, so new views are covered."""
    resolver = get_resolver()
    urls = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and namespace == "pro":
                kwargs = {
                    name: uuid.uuid4() if conv.__class__.__name__ == "UUIDConverter" else 1
                    for name, conv in p.pattern.converters.items()
                }
                urls.append((p, reverse(f"pro:{p.name}", kwargs=kwargs)))

    walk(resolver.url_patterns, "", None)
    return urls


PRO_URLS = _pro_urls()


def test_pro_urls_are_enumerated():
    names = {p.name for p, _ in PRO_URLS}
    assert {"accueil", "beneficiaire_list", "beneficiaire_detail"} <= names


@pytest.mark.parametrize("pattern,url", PRO_URLS, ids=[p.name for p, _ in PRO_URLS])
def test_anonymous_is_sent_to_login(client, pattern, url):
    view = pattern.callback
    if getattr(view, "login_required", True) is False:
        pytest.skip("public by design (login page)")
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("pro:connexion")), url


def test_login_page_is_public_and_french(client):
    response = client.get(reverse("pro:connexion"))
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


def test_wrong_password_gives_french_error(client):
    user = member(Role.PRESCRIPTEUR)
    response = client.post(
        reverse("pro:connexion"), {"username": user.email, "password": "mauvais-mot-de-passe"}
    )
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()


def test_login_with_email_reaches_home(client):
    user = member(Role.PRESCRIPTEUR)
    response = client.post(
        reverse("pro:connexion"),
        {"username": user.email.upper(), "password": "mot-de-passe-test-123"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:accueil")


def test_other_structure_beneficiaire_is_404(client):
    a, b = StructureFactory(), StructureFactory()
    beneficiaire = BeneficiaireFactory(structure=a)
    client.force_login(member(Role.PRESCRIPTEUR, structure=b))
    detail = reverse("pro:beneficiaire_detail", args=[beneficiaire.uuid])
    update = reverse("pro:beneficiaire_update", args=[beneficiaire.uuid])
    assert client.get(detail).status_code == 404
    assert client.get(update).status_code == 404
    assert client.post(update, {"prenom": "Pirate", "sans_telephone": "on"}).status_code == 404
    beneficiaire.refresh_from_db()
    assert beneficiaire.prenom != "Pirate"
    listing = client.get(reverse("pro:beneficiaire_list")).content.decode()
    assert beneficiaire.prenom not in listing
    assert not Journal.objects.filter(action="beneficiaire.consultation").exists()


def test_mediateur_of_same_structure_sees_file(client):
    structure = StructureFactory()
    beneficiaire = BeneficiaireFactory(structure=structure)
    client.force_login(member(Role.MEDIATEUR, structure=structure))
    assert (
        client.get(reverse("pro:beneficiaire_detail", args=[beneficiaire.uuid])).status_code == 200
    )


def test_coordinateur_sees_every_structure(client):
    beneficiaires = [BeneficiaireFactory(), BeneficiaireFactory()]
    client.force_login(member(Role.COORDINATEUR))
    content = client.get(reverse("pro:beneficiaire_list")).content.decode()
    for b in beneficiaires:
        assert b.prenom in content


def test_volontaire_cannot_open_beneficiary_files(client):
    structure = StructureFactory()
    beneficiaire = BeneficiaireFactory(structure=structure)
    client.force_login(member(Role.VOLONTAIRE, structure=structure))
    assert client.get(reverse("pro:beneficiaire_list")).status_code == 403
    assert client.get(reverse("pro:beneficiaire_create")).status_code == 403
    detail = reverse("pro:beneficiaire_detail", args=[beneficiaire.uuid])
    assert client.get(detail).status_code == 403
    home = client.get(reverse("pro:accueil"))
    assert home.status_code == 200
    assert "kiosque" in home.content.decode()
    assert not Journal.objects.filter(action="beneficiaire.consultation").exists()


def test_detail_read_is_journalised_without_personal_data(client):
    structure = StructureFactory()
    beneficiaire = BeneficiaireFactory(structure=structure, prenom="Ginette", consentant=True)
    user = member(Role.PRESCRIPTEUR, structure=structure)
    client.force_login(user)
    client.get(reverse("pro:beneficiaire_detail", args=[beneficiaire.uuid]))
    line = Journal.objects.get(action="beneficiaire.consultation")
    assert line.acteur == user
    assert line.structure == structure
    assert line.objet_id == str(beneficiaire.pk)
    flat = f"{line.details} {line.objet_type} {line.objet_id}"
    assert "Ginette" not in flat
    assert str(beneficiaire.telephone) not in flat


def _create_payload(**overrides):
    data = {
        "prenom": "Josiane",
        "nom": "Durand",
        "telephone": "06 00 00 12 34",
        "annee_naissance": "1950",
        "genre": "feminin",
        "statut": "retraite",
        "consentement_sms": "on",
        "consentement_sms_mode": "oral",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_beneficiaire_happy_path(client):
    structure = StructureFactory()
    user = member(Role.PRESCRIPTEUR, structure=structure)
    client.force_login(user)
    response = client.post(
        reverse("pro:beneficiaire_create"), _create_payload(structure=structure.pk)
    )
    assert response.status_code == 302
    b = Beneficiaire.objects.get()
    assert b.telephone.as_e164 == "+33600001234"
    assert Beneficiaire.objects.values_list("telephone", flat=True).get() == "+33600001234"
    assert b.type_telephone == TypeTelephone.MOBILE
    assert b.tranche_age == "soixante_dix_plus"
    assert b.consentement_sms and b.consentement_sms_par == user and b.consentement_sms_le
    assert b.structure == structure and b.cree_par == user
    assert Journal.objects.filter(action="beneficiaire.creation", objet_id=str(b.pk)).exists()


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"telephone": "06 12"}, "telephone", "numéro de téléphone n'est pas valide"),
        ({"telephone": "", "consentement_sms": None}, "telephone", "cochez « La personne"),
        ({"telephone": "05 36 49 00 12"}, "consentement_sms", "fixe"),
        # A mobile abroad is valid on a file, but gets no SMS (issue 12: SMS pumping).
        ({"telephone": "+225 07 01 23 45 67"}, "consentement_sms", "portables français"),
        ({"consentement_sms_mode": ""}, "consentement_sms_mode", "comment la personne"),
        ({"annee_naissance": "1850"}, "annee_naissance", "comprise entre 1900"),
        ({"prenom": "  "}, "prenom", "indiquez le prénom"),
        ({"sans_telephone": "on"}, "sans_telephone", "décochez"),
    ],
)
def test_create_bad_input_gets_french_error_and_writes_nothing(client, overrides, field, message):
    structure = StructureFactory()
    client.force_login(member(Role.PRESCRIPTEUR, structure=structure))
    response = client.post(
        reverse("pro:beneficiaire_create"), _create_payload(structure=structure.pk, **overrides)
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert 'aria-invalid="true"' in response.content.decode()
    assert Beneficiaire.objects.count() == 0
    assert not Journal.objects.filter(action="beneficiaire.creation").exists()


def test_landline_is_accepted_but_cannot_receive_sms(client):
    structure = StructureFactory()
    client.force_login(member(Role.PRESCRIPTEUR, structure=structure))
    payload = _create_payload(
        structure=structure.pk, telephone="05 36 49 00 12", consentement_sms=None
    )
    assert client.post(reverse("pro:beneficiaire_create"), payload).status_code == 302
    b = Beneficiaire.objects.get()
    assert b.type_telephone == TypeTelephone.FIXE
    assert not b.can_receive_sms


def test_quartier_must_belong_to_commune(client):
    structure = StructureFactory()
    client.force_login(member(Role.PRESCRIPTEUR, structure=structure))
    commune = CommuneFactory(code_insee="33111")
    quartier = QuartierFactory()
    response = client.post(
        reverse("pro:beneficiaire_create"),
        _create_payload(structure=structure.pk, commune=commune.pk, quartier=quartier.pk),
    )
    assert "n'est pas dans la commune" in " ".join(response.context["form"].errors["quartier"])
    assert Beneficiaire.objects.count() == 0


def test_cannot_register_for_another_structure(client):
    mine, other = StructureFactory(), StructureFactory()
    client.force_login(member(Role.PRESCRIPTEUR, structure=mine))
    response = client.post(reverse("pro:beneficiaire_create"), _create_payload(structure=other.pk))
    assert response.status_code == 422
    assert "structure" in response.context["form"].errors
    assert Beneficiaire.objects.count() == 0


def test_likely_duplicates_are_shown_before_creating(client):
    structure = StructureFactory()
    existing = BeneficiaireFactory(
        structure=structure,
        prenom="Josiane",
        nom="Durand",
        telephone="+33600001234",
        type_telephone=TypeTelephone.MOBILE,
    )
    client.force_login(member(Role.PRESCRIPTEUR, structure=structure))
    url = reverse("pro:beneficiaire_create")
    response = client.post(url, _create_payload(structure=structure.pk))
    assert response.status_code == 200
    assert response.context["doublons"] == [existing]
    assert "peut-être déjà inscrite" in response.content.decode()
    assert Beneficiaire.objects.count() == 1
    # Same name and birth year, another phone: still a likely duplicate.
    BeneficiaireFactory(structure=structure, prenom="Paul", nom="Roux", annee_naissance=1961)
    response = client.post(
        url,
        _create_payload(
            structure=structure.pk,
            prenom="paul",
            nom="ROUX",
            annee_naissance="1961",
            telephone="06 00 00 99 99",
        ),
    )
    assert [d.prenom for d in response.context["doublons"]] == ["Paul"]
    # Confirming creates the new record.
    response = client.post(url, _create_payload(structure=structure.pk, confirmer_doublon="1"))
    assert response.status_code == 302
    assert Beneficiaire.objects.filter(prenom="Josiane").count() == 2


def test_duplicates_of_other_structures_are_not_revealed(client):
    BeneficiaireFactory(telephone="+33600001234", type_telephone=TypeTelephone.MOBILE)
    structure = StructureFactory()
    client.force_login(member(Role.PRESCRIPTEUR, structure=structure))
    response = client.post(
        reverse("pro:beneficiaire_create"), _create_payload(structure=structure.pk)
    )
    assert response.status_code == 302


def test_update_records_changed_fields_not_values(client):
    structure = StructureFactory()
    b = BeneficiaireFactory(structure=structure, prenom="Marcel", consentant=True)
    client.force_login(member(Role.MEDIATEUR, structure=structure))
    url = reverse("pro:beneficiaire_update", args=[b.uuid])
    response = client.post(
        url,
        {
            "prenom": "Marcel",
            "nom": "Nouveau-Nom",
            "sans_telephone": "on",
            "genre": "masculin",
            "statut": "retraite",
        },
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.nom == "Nouveau-Nom"
    assert b.telephone == "" and b.type_telephone == TypeTelephone.AUCUN
    assert not b.consentement_sms  # no phone, no consent kept
    line = Journal.objects.get(action="beneficiaire.modification")
    assert "nom" in line.details["champs"] and "telephone" in line.details["champs"]
    assert "Nouveau-Nom" not in str(line.details)


def test_list_search_by_phone_and_name(client):
    structure = StructureFactory()
    BeneficiaireFactory(
        structure=structure,
        prenom="Yvette",
        telephone="+33600004567",
        type_telephone=TypeTelephone.MOBILE,
    )
    BeneficiaireFactory(structure=structure, prenom="Lucien")
    client.force_login(member(Role.PRESCRIPTEUR, structure=structure))
    url = reverse("pro:beneficiaire_list")
    by_phone = client.get(url, {"q": "06 00 00 45"}).content.decode()
    assert "Yvette" in by_phone and "Lucien" not in by_phone
    by_name = client.get(url, {"q": "luc"}).content.decode()
    assert "Lucien" in by_name and "Yvette" not in by_name


def _rows(structure, n):
    quartier = QuartierFactory()
    for _ in range(n):
        BeneficiaireFactory(structure=structure, commune=quartier.commune, quartier=quartier)


def test_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    structure = StructureFactory()
    user = member(Role.PRESCRIPTEUR, structure=structure)
    client.force_login(user)
    url = reverse("pro:beneficiaire_list")
    _rows(structure, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warms the caches (the habillage is read from the cache in steady state)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _rows(structure, 49)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url, {"per_page": 50})
        assert response.status_code == 200
    assert response.context["table"].paginator.count == 50


def test_list_filters_offer_only_the_communes_and_quartiers_of_people_in_scope(client):
    """A national territory has tens of thousands of communes: the form lists those where the
    user's people live, not every one (and not those of another structure's people)."""
    structure, other = StructureFactory(), StructureFactory()
    ici, ailleurs = QuartierFactory(), QuartierFactory()
    BeneficiaireFactory(structure=structure, commune=ici.commune, quartier=ici)
    BeneficiaireFactory(structure=other, commune=ailleurs.commune, quartier=ailleurs)
    client.force_login(member(Role.PRESCRIPTEUR, structure=structure))
    # A form sent (even empty) checks its values with these querysets.
    form = client.get(reverse("pro:beneficiaire_list"), {"q": ""}).context["filter"].form
    assert list(form.fields["commune"].queryset) == [ici.commune]
    assert list(form.fields["quartier"].queryset) == [ici]
    # The first page (nothing sent) offers the same, from its own query.
    html = client.get(reverse("pro:beneficiaire_list")).content.decode()
    assert f'<option value="{ici.commune.pk}">' in html
    assert f'<option value="{ici.pk}">' in html
    assert f'value="{ailleurs.commune.pk}"' not in html and f'value="{ailleurs.pk}"' not in html
    # A commune outside the scope is not a choice: the field says so (the filter is ignored).
    response = client.get(reverse("pro:beneficiaire_list"), {"commune": ailleurs.commune.pk})
    assert "commune" in response.context["filter"].form.errors


def test_list_filters_offer_the_same_choices_as_their_querysets(client):
    """The selects are written from one query of plain rows: the same options, labels and
    order as the fields' querysets (Commune and Quartier's orderings and names)."""
    structure = StructureFactory()
    communes = [CommuneFactory(nom=nom) for nom in ("Vernon", "Arles", "Évreux")]
    quartiers = [
        QuartierFactory(commune=communes[0], nom="Zola"),
        QuartierFactory(commune=communes[0], nom="Centre"),
        QuartierFactory(commune=communes[1], nom="Trinquetaille"),
    ]
    for quartier in quartiers:
        BeneficiaireFactory(structure=structure, commune=quartier.commune, quartier=quartier)
    BeneficiaireFactory(structure=structure, commune=communes[2], quartier=None)
    BeneficiaireFactory(structure=structure, commune=None, quartier=None)
    client.force_login(member(Role.PRESCRIPTEUR, structure=structure))
    # The querysets that check a form sent; the options of the first page and of a form sent.
    form = client.get(reverse("pro:beneficiaire_list"), {"q": ""}).context["filter"].form
    for params in ({}, {"q": ""}):
        html = client.get(reverse("pro:beneficiaire_list"), params).content.decode()
        for name, vide in (("commune", "Toutes"), ("quartier", "Tous")):
            select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
            offered = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
            expected = [("", vide)] + [
                (str(obj.pk), html_escape(str(obj))) for obj in form.fields[name].queryset
            ]
            assert offered == expected
        assert len(expected) == 4  # three quartiers, and the empty choice
