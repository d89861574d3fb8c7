"""Issue 15: the espace pro screens of the activity records (new, workshop, list, detail,
edit, delete, chèque link)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers.services import attendance
from inclusion.enums import Genre, Statut, TrancheAge
from mediation.models import Activite
from mediation.services import activites
from mediation.vocabulaire import Thematique, TypeActivite, TypeLieu
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory
from tests.mediation.factories_activites import cheque_encaisse, individuelle, setup_activites

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOTE = "Inquiète pour son dossier CAF"


@pytest.fixture
def ctx():
    return setup_activites()


def signed(client, user):
    client.force_login(user)
    return client


def routine_post(**extra):
    data = {
        "date": timezone.localdate().isoformat(),
        "duree": "30",
        "type_lieu": TypeLieu.LIEU_ACTIVITE,
        "thematiques": [Thematique.EMAIL, Thematique.SOCIAL_SANTE],
        "materiel": ["telephone"],
        "autonomie": "partiellement_autonome",
        "genre": Genre.FEMININ,
        "tranche_age": TrancheAge.PLUS_70,
        "statut_social": Statut.RETRAITE,
        "notes": NOTE,
    }
    data.update(extra)
    return data


# --- New individual record ----------------------------------------------------------------


def test_anonymous_visitor_goes_to_sign_in(client):
    for url in (reverse("activites:liste"), reverse("activites:nouvelle")):
        response = client.get(url)
        assert response.status_code == 302
        assert "connexion" in response["Location"]


def test_prescripteur_gets_a_clear_403(client, ctx):
    signed(client, ctx["prescripteur"])
    for url in (reverse("activites:liste"), reverse("activites:nouvelle")):
        response = client.get(url)
        assert response.status_code == 403
        assert "réservé aux médiateurs" in response.content.decode()
    response = client.post(reverse("activites:nouvelle"), routine_post())
    assert response.status_code == 403
    assert not Activite.objects.exists()


def test_new_form_shows_defaults_and_search(client, ctx):
    signed(client, ctx["mediateur"])
    response = client.get(reverse("activites:nouvelle"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Personne anonyme" in page
    assert "Comme la dernière fois" not in page
    # One lieu: nothing to choose, it rides hidden.
    assert f'type="hidden" name="lieu" value="{ctx["lieu"].pk}"' in page
    assert 'value="30" checked' in page or 'checked value="30"' in page or "checked" in page
    response = client.get(reverse("activites:nouvelle"), {"q": ctx["personne"].prenom})
    assert f"?personne={ctx['personne'].uuid}" in response.content.decode()


def test_record_anonymous_then_like_last_time(client, ctx):
    signed(client, ctx["mediateur"])
    response = client.post(reverse("activites:nouvelle"), routine_post(lieu=ctx["lieu"].pk))
    activite = Activite.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activites:detail", kwargs={"uuid": activite.uuid})
    assert activite.thematiques == [Thematique.EMAIL, Thematique.SOCIAL_SANTE]
    assert activite.notes == NOTE
    [p] = activite.participants.all()
    assert (p.beneficiaire, p.genre, p.tranche_age) == (None, Genre.FEMININ, TrancheAge.PLUS_70)
    # Next time: "comme la dernière fois", the thématiques already checked.
    page = client.get(reverse("activites:nouvelle")).content.decode()
    assert "Comme la dernière fois" in page
    assert 'value="social_sante" id="id_thematiques_' in page
    assert page.count("checked") >= 3


def test_record_for_a_file_copies_it(client, ctx):
    signed(client, ctx["mediateur"])
    personne = ctx["personne"]
    url = reverse("activites:nouvelle_personne", kwargs={"uuid": personne.uuid})
    page = client.get(url).content.decode()
    assert personne.prenom in page
    assert 'name="genre"' not in page  # the file knows
    response = client.post(
        url,
        routine_post(
            beneficiaire=str(personne.uuid), lieu=ctx["lieu"].pk, duree="autre", duree_autre="25"
        ),
    )
    assert response.status_code == 302
    activite = Activite.objects.get()
    assert activite.duree_minutes == 25
    [p] = activite.participants.all()
    assert p.beneficiaire == personne and p.genre == personne.genre


def test_another_structures_file_is_404(client, ctx):
    signed(client, ctx["autre"])
    url = reverse("activites:nouvelle_personne", kwargs={"uuid": ctx["personne"].uuid})
    assert client.get(url).status_code == 404
    assert client.get(reverse("activites:nouvelle"), {"personne": "pas-un-uuid"}).status_code == 404
    response = client.post(
        reverse("activites:nouvelle"), routine_post(beneficiaire=str(ctx["personne"].uuid))
    )
    assert response.status_code == 404
    assert not Activite.objects.exists()


def test_errors_next_to_fields_nothing_lost(client, ctx):
    signed(client, ctx["mediateur"])
    data = routine_post(
        lieu=ctx["lieu"].pk,
        thematiques=[],
        duree="autre",
        duree_autre="",
        reoriente="on",
        structure_redirection="",
        date=(timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
    )
    response = client.post(reverse("activites:nouvelle"), data)
    assert response.status_code == 422
    page = response.content.decode()
    form = response.context["form"]
    assert form.errors["thematiques"] == ["Choisissez au moins une thématique."]
    assert form.errors["duree_autre"] == ["Tapez la durée en minutes."]
    assert NOTE in page  # nothing lost
    assert 'id="id_thematiques_erreurs"' in page
    assert not Activite.objects.exists()
    # The service's codes come back next to the fields too.
    data.update(thematiques=[Thematique.EMAIL], duree="30")
    response = client.post(reverse("activites:nouvelle"), data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["date"] == ["La date ne peut pas être dans le futur."]
    assert errors["structure_redirection"] == [
        "Indiquez vers quelle structure la personne est réorientée."
    ]
    assert NOTE in response.content.decode()


def test_two_lieux_to_choose_from(client, ctx):
    LieuFactory(structure=ctx["structure"])
    signed(client, ctx["mediateur"])
    page = client.get(reverse("activites:nouvelle")).content.decode()
    assert '<select name="lieu"' in page
    response = client.post(reverse("activites:nouvelle"), routine_post())
    assert response.context["form"].errors["lieu"] == ["Choisissez le lieu d'activité."]
    response = client.post(
        reverse("activites:nouvelle"),
        routine_post(type_lieu=TypeLieu.A_DISTANCE),
    )
    assert response.status_code == 302
    assert Activite.objects.get().lieu is None


# --- Workshop record -------------------------------------------------------------------------


@pytest.fixture
def session(ctx):
    now = timezone.now()
    theme = ThemeFactory(thematiques=[Thematique.SECURITE_NUMERIQUE], niveau="debutant")
    session = SessionFactory(
        theme=theme,
        lieu=ctx["lieu"],
        debut=now - datetime.timedelta(hours=2),
        fin=now - datetime.timedelta(minutes=30),
    )
    present = BeneficiaireFactory(structure=ctx["structure"], prenom="Josiane")
    attendance.add_walk_in(acteur=ctx["mediateur"], session=session, beneficiaire=present)
    return session


def test_closing_the_emargement_offers_the_record(client, ctx, session):
    signed(client, ctx["mediateur"])
    url = reverse("activites:atelier", kwargs={"pk": session.pk})
    emargement = reverse("emargement:session", args=[session.pk])
    assert url not in client.get(emargement).content.decode()
    response = client.get(url)  # not closed yet: the page says so, a post is refused
    assert "Clôturez d'abord l'émargement" in response.content.decode()
    assert client.post(url, {}).status_code == 409
    client.post(reverse("emargement:cloturer", args=[session.pk]))
    page = client.get(emargement).content.decode()
    assert "Enregistrer le compte rendu de l&#x27;atelier" in page
    assert url in page


def test_workshop_record_prefilled_with_anonymous_grid(client, ctx, session):
    attendance.close_session(acteur=ctx["mediateur"], session=session)
    signed(client, ctx["mediateur"])
    url = reverse("activites:atelier", kwargs={"pk": session.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert "Josiane" in response.content.decode()
    form = response.context["form"]
    assert form.initial["thematiques"] == [Thematique.SECURITE_NUMERIQUE]
    assert form.initial["duree"] == "90"
    data = {
        "date": timezone.localdate().isoformat(),
        "duree": "90",
        "titre_atelier": session.theme.titre,
        "niveau": "debutant",
        "thematiques": [Thematique.SECURITE_NUMERIQUE],
        "anonymes_0_genre": Genre.FEMININ,
        "anonymes_0_tranche_age": TrancheAge.PLUS_70,
        "anonymes_0_statut_social": Statut.RETRAITE,
        "anonymes_0_nombre": "2",
        "anonymes_1_nombre": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    activite = Activite.objects.get()
    assert activite.type == TypeActivite.COLLECTIF and activite.session == session
    assert activite.participants.count() == 3
    assert activite.participants_anonymes == 2
    # Already recorded: the page goes to it.
    response = client.get(url)
    assert response["Location"] == reverse("activites:detail", kwargs={"uuid": activite.uuid})


def test_workshop_record_errors_and_other_structure(client, ctx, session):
    attendance.close_session(acteur=ctx["mediateur"], session=session)
    url = reverse("activites:atelier", kwargs={"pk": session.pk})
    signed(client, ctx["autre"])
    assert client.get(url).status_code == 404
    signed(client, ctx["mediateur"])
    response = client.post(
        url, {"date": "", "duree": "30", "titre_atelier": "x", "anonymes_0_nombre": "-3"}
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["date"] == ["Indiquez la date."]
    assert errors["anonymes_0_nombre"] == ["0 ou plus."]
    assert not Activite.objects.exists()


# --- List, detail, edit, delete -------------------------------------------------------------


def test_list_counts_filters_and_scope(client, ctx):
    mienne = individuelle(ctx, notes=NOTE)
    individuelle(ctx, acteur=ctx["collegue"], thematiques=[Thematique.SANTE])
    individuelle(ctx, acteur=ctx["autre"], anonyme={})
    signed(client, ctx["mediateur"])
    response = client.get(reverse("activites:liste"))
    assert response.status_code == 200
    assert response.context["totaux"]["activites"] == 2
    assert NOTE not in response.content.decode()
    response = client.get(reverse("activites:liste"), {"portee": "miennes", "type": "nimporte"})
    assert [a.pk for a in response.context["activites"]] == [mienne.pk]
    assert response.context["filtres_lisibles"] == [("Portée", "Mes activités")]
    response = client.get(reverse("activites:liste"), {"thematique": "sante"})
    assert response.context["totaux"]["activites"] == 1


@pytest.mark.parametrize("n", [3, 30])
def test_list_queries_do_not_grow_with_rows(client, ctx, n, django_assert_num_queries):
    for i in range(n):
        if i % 2:
            individuelle(ctx)
        else:
            individuelle(ctx, anonyme={}, thematiques=[Thematique.SANTE])
    signed(client, ctx["mediateur"])
    url = reverse("activites:liste")
    client.get(url)  # session and memberships warm
    with django_assert_num_queries(QUERIES_LIST):
        response = client.get(url, {"portee": "miennes"})
    assert response.context["totaux"]["activites"] == n
    assert len(response.context["activites"]) == min(n, 25)


# The list's queries: session, the user with its memberships (one query since the sign-in
# backend RolesBackend, e808ab4: was 7; read once for the permission and the menu: was 8),
# counts (which also give the paginator's count), the filter's lieux, page rows,
# participants (with their files).
QUERIES_LIST = 6


def test_detail_notes_only_for_the_author(client, ctx):
    activite = individuelle(ctx, notes=NOTE)
    url = reverse("activites:detail", kwargs={"uuid": activite.uuid})
    signed(client, ctx["mediateur"])
    page = client.get(url).content.decode()
    assert NOTE in page and "Modifier" in page
    assert f"?personne={ctx['personne'].uuid}" in page  # their records, filtered
    signed(client, ctx["collegue"])
    page = client.get(url).content.decode()
    assert NOTE not in page and ctx["personne"].prenom in page
    assert reverse("activites:modifier", kwargs={"uuid": activite.uuid}) not in page
    signed(client, ctx["coordinateur"])
    assert NOTE not in client.get(url).content.decode()
    for persona in ("autre", "prescripteur"):
        signed(client, ctx[persona])
        assert client.get(url).status_code == 404


def test_edit_author_only(client, ctx):
    activite = individuelle(ctx, notes=NOTE)
    url = reverse("activites:modifier", kwargs={"uuid": activite.uuid})
    signed(client, ctx["collegue"])
    assert client.get(url).status_code == 404
    assert client.post(url, routine_post()).status_code == 404
    signed(client, ctx["mediateur"])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["duree"] == "30"
    response = client.post(
        url, routine_post(lieu=ctx["lieu"].pk, duree="45", thematiques=[Thematique.BUREAUTIQUE])
    )
    assert response.status_code == 302
    activite.refresh_from_db()
    assert activite.duree_minutes == 45 and activite.thematiques == [Thematique.BUREAUTIQUE]
    assert activite.participants.get().beneficiaire == ctx["personne"]
    response = client.post(url, routine_post(lieu=ctx["lieu"].pk, duree="nimporte"))
    assert response.status_code == 422
    assert response.context["form"].errors["duree"] == ["Choisissez une durée."]


def test_delete_with_confirmation_leaves_a_tombstone(client, ctx):
    activite = individuelle(ctx, notes=NOTE)
    url = reverse("activites:supprimer", kwargs={"uuid": activite.uuid})
    signed(client, ctx["collegue"])
    assert client.post(url).status_code == 404
    signed(client, ctx["mediateur"])
    page = client.get(url).content.decode()
    assert "Une trace sans nom reste" in page
    assert client.post(url).status_code == 302
    activite.refresh_from_db()
    assert activite.supprime_le is not None and activite.notes == ""
    assert (
        client.get(reverse("activites:detail", kwargs={"uuid": activite.uuid})).status_code == 404
    )


def test_hooks_menu_and_file_action(client, ctx):
    signed(client, ctx["mediateur"])
    page = client.get(reverse("pro:accueil")).content.decode()
    assert reverse("activites:liste") in page
    fiche = client.get(reverse("pro:beneficiaire_detail", args=[ctx["personne"].uuid]))
    assert reverse("activites:nouvelle_personne", args=[ctx["personne"].uuid]) in (
        fiche.content.decode()
    )
    signed(client, ctx["prescripteur"])
    assert reverse("activites:liste") not in client.get(reverse("pro:accueil")).content.decode()


# --- A chèque of the same service --------------------------------------------------------------


@pytest.fixture
def cheque():
    return cheque_encaisse()


def test_link_cheque_view(client, cheque):
    activite = activites.record_individuelle(
        acteur=cheque["mediateur"],
        beneficiaire=cheque["personne"],
        lieu=cheque["lieu"],
        thematiques=[Thematique.EMAIL],
    )
    url = reverse("activites:detail", kwargs={"uuid": activite.uuid})
    signed(client, cheque["mediateur"])
    response = client.get(url)
    form = response.context["lien_form"]
    assert list(form.fields["encaissement"].queryset) == [cheque["encaissement"]]
    lier = reverse("activites:lier_cheque", kwargs={"uuid": activite.uuid})
    assert client.get(lier).status_code == 405
    response = client.post(lier, {"encaissement": "999999"})
    assert response.status_code == 422
    assert response.context["lien_form"].errors["encaissement"]
    response = client.post(lier, {"encaissement": cheque["encaissement"].pk})
    assert response.status_code == 302
    activite.refresh_from_db()
    assert activite.encaissement == cheque["encaissement"]
    assert "Encaissé le" in client.get(url).content.decode()


HOSTILE = ["\x00", "é" * 10000, "-1", "99999999999999999999", "2026-02-30", "<script>", ""]


@pytest.mark.parametrize("valeur", HOSTILE)
def test_hostile_input_is_refused_without_error_or_write(client, ctx, session, valeur):
    attendance.close_session(acteur=ctx["mediateur"], session=session)
    activite = individuelle(ctx)
    signed(client, ctx["mediateur"])
    champs = [
        "date",
        "duree",
        "duree_autre",
        "thematiques",
        "materiel",
        "type_lieu",
        "lieu",
        "autonomie",
        "genre",
        "structure_redirection",
        "beneficiaire",
        "anonymes_0_nombre",
        "anonymes_0_genre",
        "titre_atelier",
        "encaissement",
    ]
    avant = (Activite.objects.count(), list(Activite.objects.values_list("duree_minutes")))
    for url, base in (
        (reverse("activites:nouvelle"), routine_post(lieu=ctx["lieu"].pk)),
        (reverse("activites:modifier", kwargs={"uuid": activite.uuid}), routine_post()),
        (reverse("activites:atelier", kwargs={"pk": session.pk}), routine_post()),
        (reverse("activites:lier_cheque", kwargs={"uuid": activite.uuid}), {}),
    ):
        for champ in champs:
            response = client.post(url, {**base, champ: valeur})
            assert response.status_code in (302, 404, 409, 422), (url, champ)
            if response.status_code != 302:
                assert (
                    Activite.objects.count(),
                    list(Activite.objects.values_list("duree_minutes")),
                ) == avant
            else:
                Activite.objects.exclude(pk=activite.pk).delete()
                avant = (
                    Activite.objects.count(),
                    list(Activite.objects.values_list("duree_minutes")),
                )


def test_a_double_tap_records_once(client, ctx):
    signed(client, ctx["mediateur"])
    jeton = client.get(reverse("activites:nouvelle")).context["form"].initial["jeton"]
    data = routine_post(lieu=ctx["lieu"].pk, jeton=str(jeton))
    first = client.post(reverse("activites:nouvelle"), data)
    second = client.post(reverse("activites:nouvelle"), data)
    assert Activite.objects.count() == 1
    assert first["Location"] == second["Location"]
    # A refused sending frees the token: corrected, it records.
    jeton2 = client.get(reverse("activites:nouvelle")).context["form"].initial["jeton"]
    futur = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    refused = client.post(
        reverse("activites:nouvelle"), {**data, "jeton": str(jeton2), "date": futur}
    )
    assert refused.status_code == 422
    client.post(reverse("activites:nouvelle"), {**data, "jeton": str(jeton2)})
    assert Activite.objects.count() == 2
