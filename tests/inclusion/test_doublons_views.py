"""The duplicates pages (issue 15): anonymous, wrong structure, happy paths, bad input, and
the list's query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inclusion.enums import Role, TypeTelephone
from inclusion.models import Beneficiaire, PaireDistincte
from inclusion.services import doublons
from pass_numerique.models import Carnet
from pass_numerique.services.issuance import issue_carnets
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def ctx():
    structure = StructureFactory()
    a = BeneficiaireFactory(
        structure=structure,
        prenom="Josiane",
        nom="Durand",
        annee_naissance=1950,
        telephone="+33612345678",
        type_telephone=TypeTelephone.MOBILE,
    )
    b = BeneficiaireFactory(
        structure=structure, prenom="Josianne", nom="Durand", annee_naissance=1950
    )
    return {
        "structure": structure,
        "a": a,
        "b": b,
        "user": member(Role.PRESCRIPTEUR, structure=structure),
    }


def fusion_url(x, y):
    return reverse("doublons:fusionner", args=[x.uuid, y.uuid])


def distinct_url(x, y):
    return reverse("doublons:distinctes", args=[x.uuid, y.uuid])


def test_anonymous_goes_to_sign_in(client, ctx):
    for url in (
        reverse("doublons:liste"),
        fusion_url(ctx["a"], ctx["b"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/pro/connexion/" in response["Location"]
    response = client.post(distinct_url(ctx["a"], ctx["b"]))
    assert response.status_code == 302 and "/pro/connexion/" in response["Location"]
    assert PaireDistincte.objects.count() == 0


def test_list_shows_pairs_side_by_side_with_differences(client, ctx):
    client.force_login(ctx["user"])
    response = client.get(reverse("doublons:liste"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Josiane Durand et Josianne Durand" in html
    assert "même prénom, même nom et même année de naissance" in html
    assert "Ce sont deux personnes différentes" in html
    assert fusion_url(ctx["a"], ctx["b"]) in html
    # What differs is said in words: the first name and the phone.
    assert html.count("comparaison__diff") == 2
    assert "06 •• •• •• 78" in html and "+33612345678" not in html


def test_list_link_from_the_people_list(client, ctx):
    client.force_login(ctx["user"])
    response = client.get(reverse("pro:beneficiaire_list"))
    assert reverse("doublons:liste") in response.content.decode()


def test_wrong_structure_sees_nothing_and_gets_404(client, ctx):
    client.force_login(member(Role.MEDIATEUR))
    response = client.get(reverse("doublons:liste"))
    assert response.status_code == 200
    assert "Josiane" not in response.content.decode()
    assert client.get(fusion_url(ctx["a"], ctx["b"])).status_code == 404
    response = client.post(fusion_url(ctx["a"], ctx["b"]), {"garder": str(ctx["a"].uuid)})
    assert response.status_code == 404
    assert client.post(distinct_url(ctx["a"], ctx["b"])).status_code == 404
    assert Beneficiaire.objects.count() == 2 and PaireDistincte.objects.count() == 0


def test_one_file_of_mine_and_one_of_another_structure_is_404(client, ctx):
    other = BeneficiaireFactory(prenom="Josiane", nom="Durand", annee_naissance=1950)
    client.force_login(ctx["user"])
    response = client.post(fusion_url(ctx["a"], other), {"garder": str(ctx["a"].uuid)})
    assert response.status_code == 404
    assert Beneficiaire.objects.filter(pk=other.pk).exists()


def test_volontaire_is_denied(client, ctx):
    client.force_login(member(Role.VOLONTAIRE, structure=ctx["structure"]))
    assert client.get(reverse("doublons:liste")).status_code == 403
    assert client.get(fusion_url(ctx["a"], ctx["b"])).status_code == 403


def test_mark_two_people(client, ctx):
    client.force_login(ctx["user"])
    response = client.get(distinct_url(ctx["a"], ctx["b"]))
    assert response.status_code == 405
    response = client.post(distinct_url(ctx["b"], ctx["a"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("doublons:liste")
    assert "deux personnes différentes" in response.content.decode()
    assert PaireDistincte.objects.filter(beneficiaire_a=ctx["a"], beneficiaire_b=ctx["b"]).exists()
    assert response.context["doublons"] == []


def test_confirmation_shows_what_moves_and_which_file_is_kept(client, ctx):
    enveloppe = EnveloppeFactory(
        programme=ProgrammeFactory(anonyme_autorise=True), structure=ctx["structure"]
    )
    issue_carnets(acteur=ctx["user"], enveloppe=enveloppe, beneficiaire=ctx["b"], nombre=2)
    client.force_login(ctx["user"])
    response = client.get(fusion_url(ctx["a"], ctx["b"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quel dossier garder" in html and "2 carnets" in html
    assert "rien d'autre que la fiche" in html
    # The file holding the most is offered as the one to keep.
    assert response.context["form"].initial == {"garder": str(ctx["b"].uuid)}
    assert Beneficiaire.objects.count() == 2


def test_merge_keeps_the_chosen_file(client, ctx):
    enveloppe = EnveloppeFactory(
        programme=ProgrammeFactory(anonyme_autorise=True), structure=ctx["structure"]
    )
    issue_carnets(acteur=ctx["user"], enveloppe=enveloppe, beneficiaire=ctx["b"])
    client.force_login(ctx["user"])
    response = client.post(fusion_url(ctx["b"], ctx["a"]), {"garder": str(ctx["a"].uuid)})
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:beneficiaire_detail", args=[ctx["a"].uuid])
    assert list(Beneficiaire.objects.values_list("pk", flat=True)) == [ctx["a"].pk]
    assert Carnet.objects.get().beneficiaire_id == ctx["a"].pk


def test_bad_input(client, ctx):
    client.force_login(ctx["user"])
    url = fusion_url(ctx["a"], ctx["b"])
    for data in ({}, {"garder": "pas-un-dossier"}, {"garder": str(BeneficiaireFactory().uuid)}):
        response = client.post(url, data)
        assert response.status_code == 422
        assert "garder" in response.context["form"].errors
    assert Beneficiaire.objects.filter(pk__in=[ctx["a"].pk, ctx["b"].pk]).count() == 2
    # The same file twice: 404.
    assert client.get(fusion_url(ctx["a"], ctx["a"])).status_code == 404


def test_a_refusal_of_the_service_is_shown_on_the_form(client, ctx):
    doublons.mark_distinct(acteur=ctx["user"], a=ctx["a"], b=ctx["b"])
    client.force_login(ctx["user"])
    response = client.post(fusion_url(ctx["a"], ctx["b"]), {"garder": str(ctx["a"].uuid)})
    assert response.status_code == 422
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == [
        "paire_distincte"
    ]
    assert "deux personnes différentes" in response.content.decode()


def test_list_query_count_constant(client, ctx, django_assert_num_queries, habillage_en_cache):
    client.force_login(ctx["user"])
    url = reverse("doublons:liste")
    client.get(url)  # warms what every page reads once
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).context["doublons"]
    for i in range(30):
        for _ in range(2):
            BeneficiaireFactory(
                structure=ctx["structure"],
                prenom="Marc",
                nom=f"Nom{i:02d}",
                annee_naissance=1940 + i,
                commune=ctx["a"].commune,
            )
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["doublons"]) == 31
