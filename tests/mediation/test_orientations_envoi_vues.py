"""Issue 16, the sending side of orientations in the espace pro: "Orienter" (a place, a theme, a
session; from a diagnostic), "Mes orientations", one orientation's story, cancel and remind."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import Thematique
from inclusion.enums import Role, ServiceMediation
from mediation.enums_orientations import ContactPrefere, MotifRefus, StatutOrientation
from mediation.models import Orientation
from mediation.models_orientations import BESOIN_MAX
from mediation.services import diagnostics
from mediation.services import orientations as services
from mediation.services import orientations_decision as decision
from tests.ateliers.factories import SessionFactory
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, StructureFactory, member
from tests.mediation.factories_orientations import (
    acces_of,
    orient_to_place,
    orient_to_theme,
    setup_orientations,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SCORES = {
    "appareil": 2,
    "recherche": 1,
    "communication": 0,
    "documents": 3,
    "demarches": 1,
    "securite": 2,
    "depannage": 3,
}


@pytest.fixture
def ctx():
    return setup_orientations()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def nouvelle(ctx, personne=None):
    return reverse("orientations:nouvelle", args=[(personne or ctx.personne).uuid])


def envoi(**extra):
    data = {
        "type": "lieu",
        "thematiques": [Thematique.EMAIL],
        "besoin": "Créer une adresse e-mail",
        "contact_prefere": ContactPrefere.PRESCRIPTEUR,
    }
    data.update(extra)
    return data


def page(response):
    return response.content.decode()


# --- Who may ---------------------------------------------------------------------------------


def test_anonymous_goes_to_sign_in(client, ctx):
    orientation = orient_to_place(ctx)
    for url in (
        reverse("orientations:envoyees"),
        nouvelle(ctx),
        reverse("orientations:detail", args=[orientation.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "connexion" in response["Location"]
    for name in ("annuler", "relancer"):
        response = client.post(reverse(f"orientations:{name}", args=[orientation.uuid]))
        assert response.status_code == 302 and "connexion" in response["Location"]
    assert Orientation.objects.get().statut == StatutOrientation.OUVERTE


def test_volontaire_gets_a_clear_403(ctx):
    orientation = orient_to_place(ctx)
    volontaire = member(Role.VOLONTAIRE, ctx.ccas)
    client = client_for(volontaire)
    for url in (
        reverse("orientations:envoyees"),
        nouvelle(ctx),
        reverse("orientations:detail", args=[orientation.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "réservées aux prescripteurs" in page(response)
    response = client.post(nouvelle(ctx), envoi(lieu=ctx.lieu.pk))
    assert response.status_code == 403
    assert Orientation.objects.count() == 1


def test_another_structure_gets_404_everywhere(ctx):
    orientation = orient_to_place(ctx)
    # A médiateur of the receiving place: the sending side's pages are not theirs.
    for user in (ctx.mediateur, member(Role.PRESCRIPTEUR, StructureFactory())):
        client = client_for(user)
        assert client.get(nouvelle(ctx)).status_code == 404
        assert client.post(nouvelle(ctx), envoi(lieu=ctx.lieu.pk)).status_code == 404
        assert (
            client.get(reverse("orientations:detail", args=[orientation.uuid])).status_code == 404
        )
        response = client.post(
            reverse("orientations:annuler", args=[orientation.uuid]), {"motif": "Erreur"}
        )
        assert response.status_code == 404
        assert (
            client.post(reverse("orientations:relancer", args=[orientation.uuid])).status_code
            == 404
        )
        assert str(orientation.uuid) not in page(client.get(reverse("orientations:envoyees")))
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.OUVERTE and orientation.relance_le is None
    assert Orientation.objects.count() == 1


def test_unknown_uuids_are_404(ctx):
    client = client_for(ctx.prescripteur)
    assert client.get(reverse("orientations:detail", args=[ctx.personne.uuid])).status_code == 404
    assert client.get(nouvelle(ctx) + "?diagnostic=pas-un-uuid").status_code == 404


def test_actions_are_post_only(ctx):
    orientation = orient_to_place(ctx)
    client = client_for(ctx.prescripteur)
    for name in ("annuler", "relancer"):
        assert (
            client.get(reverse(f"orientations:{name}", args=[orientation.uuid])).status_code == 405
        )


# --- Orienter: to a place ----------------------------------------------------------------------


def test_orient_to_a_place_step_by_step(ctx):
    client = client_for(ctx.prescripteur)
    url = nouvelle(ctx)
    texte = page(client.get(url))
    assert "Orienter Josiane" in texte
    assert "Accompagnement individuel dans un lieu" in texte
    assert 'name="besoin"' not in texte  # the need comes once the destination is chosen

    texte = page(client.get(url, {"type": "lieu"}))
    assert "Médiathèque 1" in texte and "Médiathèque 2" in texte
    # A Tuesday at 10 h, hours Mo-Fr 09:00-12:00,14:00-17:00.
    assert "Ouvert maintenant" in texte
    assert "Du lundi au vendredi" in texte
    assert 'name="besoin"' not in texte

    texte = page(client.get(url, {"type": "lieu", "lieu": ctx.lieu.pk}))
    assert "Choisir un autre lieu" in texte
    assert "Médiathèque 2" not in texte
    assert 'name="besoin"' in texte
    assert "N&#x27;écrivez rien sur sa santé" in texte
    assert f"{BESOIN_MAX} caractères au plus" in texte
    assert f'value="{ctx.lieu.pk}"' in texte

    response = client.post(url, envoi(lieu=ctx.lieu.pk, prevenir_sms="on"))
    orientation = Orientation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orientations:detail", args=[orientation.uuid])
    assert orientation.lieu == ctx.lieu
    assert orientation.thematiques == [Thematique.EMAIL]
    assert orientation.besoin == "Créer une adresse e-mail"
    assert orientation.prevenir_sms is True
    assert orientation.prescripteur == ctx.prescripteur
    texte = page(client.get(response["Location"]))
    assert "L&#x27;orientation de Josiane est envoyée à Médiathèque 1." in texte
    assert "En attente de lecture par le lieu — relance automatique le 27/11" in texte
    assert "Envoyée par Inès Roux" in texte
    assert "N&#x27;a pas encore ouvert la demande" in texte


def test_a_place_shows_what_it_offers(ctx):
    ctx.lieu.services = [ServiceMediation.DEMARCHES]
    ctx.lieu.save()
    client = client_for(ctx.prescripteur)
    for params in ({"type": "lieu"}, {"type": "lieu", "lieu": ctx.lieu.pk}):
        texte = page(client.get(nouvelle(ctx), params))
        assert 'aria-label="Ce que le lieu propose"' in texte
        assert "Aide aux démarches administratives" in texte


def test_a_double_tap_sends_one_orientation(ctx):
    client = client_for(ctx.prescripteur)
    texte = page(client.get(nouvelle(ctx), {"type": "lieu", "lieu": ctx.lieu.pk}))
    jeton = texte.split('name="jeton" value="')[1].split('"')[0]
    first = client.post(nouvelle(ctx), envoi(lieu=ctx.lieu.pk, jeton=jeton))
    second = client.post(nouvelle(ctx), envoi(lieu=ctx.lieu.pk, jeton=jeton))
    orientation = Orientation.objects.get()
    assert first["Location"] == second["Location"]
    assert second["Location"] == reverse("orientations:detail", args=[orientation.uuid])
    # A refused sending frees its token: corrected, it goes.
    autre = client.get(nouvelle(ctx), {"type": "lieu", "lieu": ctx.lieu.pk}).content.decode()
    jeton = autre.split('name="jeton" value="')[1].split('"')[0]
    response = client.post(nouvelle(ctx), envoi(lieu=ctx.lieu.pk, jeton=jeton, besoin="x" * 400))
    assert response.status_code == 422
    response = client.post(nouvelle(ctx), envoi(lieu=ctx.lieu.pk, jeton=jeton))
    assert response.status_code == 302
    assert Orientation.objects.count() == 2


def test_a_place_not_chosen_or_gone_says_so(ctx):
    client = client_for(ctx.prescripteur)
    texte = page(client.get(nouvelle(ctx), {"type": "lieu", "choisir": "1"}))
    assert "Choisissez un lieu dans la liste." in texte
    ferme = LieuFactory(actif=False)
    texte = page(client.get(nouvelle(ctx), {"type": "lieu", "lieu": ferme.pk}))
    assert "Ce lieu n&#x27;est plus proposé" in texte
    response = client.post(nouvelle(ctx), envoi(lieu=ferme.pk))
    assert response.status_code == 422
    response = client.post(nouvelle(ctx), envoi())
    assert response.status_code == 422
    assert "Choisissez d&#x27;abord vers quoi orienter" in page(response)
    assert not Orientation.objects.exists()


def test_search_places_by_commune_or_name(ctx):
    client = client_for(ctx.prescripteur)
    texte = page(client.get(nouvelle(ctx), {"type": "lieu", "q": "Médiathèque 2"}))
    assert "Médiathèque 2" in texte and "Médiathèque 1" not in texte
    # A search too long is refused, and the kind chosen stays.
    texte = page(client.get(nouvelle(ctx), {"type": "lieu", "q": "x" * 101}))
    assert "Quel lieu&nbsp;?" in texte
    assert 'id="id_q_erreurs"' in texte


# --- Bad input -------------------------------------------------------------------------------


def test_need_too_long_is_refused_next_to_the_field(ctx):
    client = client_for(ctx.prescripteur)
    response = client.post(
        nouvelle(ctx),
        envoi(
            lieu=ctx.lieu.pk,
            besoin="x" * (BESOIN_MAX + 1),
            thematiques=[Thematique.EMAIL, Thematique.LOGEMENT],
        ),
    )
    assert response.status_code == 422
    texte = page(response)
    assert f"Écrivez au plus {BESOIN_MAX} caractères (vous en avez écrit {BESOIN_MAX + 1})" in texte
    assert 'id="id_besoin_erreurs"' in texte
    assert 'aria-invalid="true"' in texte
    # What was typed stays, and the destination too.
    assert "x" * (BESOIN_MAX + 1) in texte
    assert "Choisir un autre lieu" in texte
    assert '<details class="orienter-details" open>' in texte
    assert not Orientation.objects.exists()


def test_nothing_said_about_the_need(ctx):
    client = client_for(ctx.prescripteur)
    response = client.post(nouvelle(ctx), envoi(lieu=ctx.lieu.pk, thematiques=[], besoin="  "))
    assert response.status_code == 422
    assert "Cochez au moins un besoin, ou dites-le en quelques mots." in page(response)
    assert not Orientation.objects.exists()


def test_unknown_thematique_or_contact(ctx):
    client = client_for(ctx.prescripteur)
    response = client.post(nouvelle(ctx), envoi(lieu=ctx.lieu.pk, thematiques=["poker"]))
    assert response.status_code == 422
    response = client.post(nouvelle(ctx), envoi(lieu=ctx.lieu.pk, contact_prefere=""))
    assert response.status_code == 422
    assert "Choisissez comment joindre la personne." in page(response)
    assert not Orientation.objects.exists()


def test_sms_impossible_is_shown_disabled_and_refused(ctx):
    sans_sms = BeneficiaireFactory(structure=ctx.ccas, prenom="Odette")
    client = client_for(ctx.prescripteur)
    url = nouvelle(ctx, sans_sms)
    texte = page(client.get(url, {"type": "lieu", "lieu": ctx.lieu.pk}))
    assert '<input type="checkbox" name="prevenir_sms" disabled' in texte
    assert "Impossible pour cette personne" in texte
    assert 'value="sms" id="id_contact_prefere_0" disabled' in texte
    response = client.post(url, envoi(lieu=ctx.lieu.pk, prevenir_sms="on"))
    assert response.status_code == 422
    assert "ne peut pas être prévenue par SMS" in page(response)
    response = client.post(url, envoi(lieu=ctx.lieu.pk, contact_prefere=ContactPrefere.SMS))
    assert response.status_code == 422
    assert 'id="id_contact_prefere_erreurs"' in page(response)
    assert not Orientation.objects.exists()


# --- To a theme, to a session, from a diagnostic --------------------------------------------


def test_orient_to_a_theme_shows_the_places_and_their_next_session(ctx):
    client = client_for(ctx.prescripteur)
    texte = page(client.get(nouvelle(ctx), {"type": "theme"}))
    assert ctx.theme.titre in texte
    assert "Reçu par 2 lieux" in texte
    assert "prochaine session le samedi 21 novembre à 10 h" in texte
    texte = page(client.get(nouvelle(ctx), {"type": "theme", "theme": ctx.theme.pk}))
    assert "ces 2 lieux" in texte
    response = client.post(nouvelle(ctx), envoi(type="theme", theme=ctx.theme.pk))
    assert response.status_code == 302
    orientation = Orientation.objects.get()
    assert orientation.destinataires.count() == 2
    texte = page(client.get(response["Location"]))
    assert "envoyée aux 2 lieux qui proposent cet atelier" in texte
    assert "En attente de lecture par les lieux" in texte


def test_orient_to_a_session_full_ones_say_waiting_list(ctx):
    complete = SessionFactory(
        lieu=ctx.lieux[1],
        theme=ctx.theme,
        debut=timezone.now() + datetime.timedelta(days=9),
        fin=timezone.now() + datetime.timedelta(days=9, hours=2),
        capacite=1,
        nb_inscrits=1,
    )
    client = client_for(ctx.prescripteur)
    texte = page(client.get(nouvelle(ctx), {"type": "session"}))
    assert "Complet — liste d'attente" in texte
    assert "place" in texte and "libre" in texte
    texte = page(client.get(nouvelle(ctx), {"type": "session", "session": complete.pk}))
    assert "la personne sera mise sur la liste d'attente" in texte
    response = client.post(nouvelle(ctx), envoi(type="session", session=ctx.session.pk))
    assert response.status_code == 302
    orientation = Orientation.objects.get()
    assert orientation.inscription.session == ctx.session
    assert "Josiane a une place à la session" in page(client.get(response["Location"]))
    # The same session again: register() refuses, next to the session.
    response = client.post(nouvelle(ctx), envoi(type="session", session=ctx.session.pk))
    assert response.status_code == 422
    assert "déjà inscrit(e) à cette session" in page(response)
    assert Orientation.objects.count() == 1


def test_from_a_diagnostic_the_needs_are_checked(ctx):
    diag = diagnostics.record_diagnostic(
        acteur=ctx.prescripteur, beneficiaire=ctx.personne, obstacles=["email"], scores=SCORES
    )
    suggerees = diagnostics.resultat_de(diag).thematiques
    client = client_for(ctx.prescripteur)
    url = nouvelle(ctx) + f"?diagnostic={diag.uuid}&type=lieu&lieu={ctx.lieu.pk}"
    texte = page(client.get(url))
    assert "Depuis son diagnostic" in texte
    # The administrative group opens only when one of its thématiques is checked.
    assert '<details class="orienter-details">' in texte
    for cle in suggerees:
        assert f'value="{cle}" id="id_thematiques_' in texte
    assert texte.count("checked") >= len(suggerees)
    response = client.post(
        nouvelle(ctx), envoi(lieu=ctx.lieu.pk, diagnostic=str(diag.uuid), thematiques=suggerees)
    )
    assert response.status_code == 302
    assert Orientation.objects.get().diagnostic == diag
    # Someone else's diagnostic: 404.
    autre = BeneficiaireFactory(structure=ctx.ccas)
    assert client.get(nouvelle(ctx, autre) + f"?diagnostic={diag.uuid}").status_code == 404


# --- "Mes orientations" -------------------------------------------------------------------------


def test_list_shows_status_destination_wait_and_next_step(ctx):
    ouverte = orient_to_place(ctx)
    refusee = orient_to_place(ctx, lieu=ctx.lieux[1])
    decision.decline(acces=acces_of(refusee, ctx.mediateurs[1]), motifs=[MotifRefus.NON_MOBILE])
    annulee = orient_to_theme(ctx)
    services.cancel(acteur=ctx.prescripteur, orientation=annulee, motif="Aide trouvée")
    Orientation.objects.filter(pk=ouverte.pk).update(
        cree_le=timezone.now() - datetime.timedelta(days=12), relances=1
    )
    client = client_for(ctx.prescripteur)
    texte = page(client.get(reverse("orientations:envoyees")))
    assert "Mes orientations" in texte
    assert "Envoyée il y a 12 jours" in texte
    assert "1 relance automatique" in texte
    assert "relance automatique le 25/11" in texte
    assert "Refusée : Ne peut pas se déplacer" in texte
    assert "Annulée : Aide trouvée" in texte
    assert reverse("pro:beneficiaire_detail", args=[ctx.personne.uuid]) in texte

    texte = page(client.get(reverse("orientations:envoyees"), {"etat": "en_attente"}))
    assert "1 orientation" in texte and "Refusée :" not in texte
    texte = page(client.get(reverse("orientations:envoyees"), {"etat": "repondues"}))
    assert "Refusée : Ne peut pas se déplacer" in texte and "Annulée :" not in texte
    texte = page(client.get(reverse("orientations:envoyees"), {"etat": "closes"}))
    assert "Annulée : Aide trouvée" in texte and "Refusée :" not in texte
    # An unknown state is ignored.
    texte = page(client.get(reverse("orientations:envoyees"), {"etat": "n_importe"}))
    assert "3 orientations" in texte
    texte = page(client.get(reverse("orientations:envoyees"), {"personne": ctx.personne.uuid}))
    assert "3 orientations" in texte


def test_coordinator_sees_every_orientation(ctx):
    orient_to_place(ctx)
    coordinateur = member(Role.COORDINATEUR, StructureFactory())
    texte = page(client_for(coordinateur).get(reverse("orientations:envoyees")))
    assert "Toutes les orientations du territoire" in texte
    assert "CCAS de Bordeaux" in texte
    assert "1 orientation" in texte


# The list's queries: session, the user with its memberships (one query since the sign-in
# backend reads both: was 7, then 6), counts by state, page count, page rows (with person,
# place, theme, session, registration).
QUERIES_LIST = 5


@pytest.mark.parametrize("n", [1, 30])
def test_list_queries_do_not_grow_with_rows(ctx, n, django_assert_num_queries):
    for i in range(n):
        if i % 3 == 1:
            orient_to_theme(ctx)
        else:
            orient_to_place(ctx, lieu=ctx.lieux[i % 2])
    client = client_for(ctx.prescripteur)
    url = reverse("orientations:envoyees")
    client.get(url)  # session and memberships warm
    with django_assert_num_queries(QUERIES_LIST):
        response = client.get(url)
    assert response.context["totaux"]["toutes"] == n
    assert len(response.context["lignes"]) == min(n, 25)


# --- One orientation: story, cancel, remind ----------------------------------------------------


def test_detail_tells_the_story(ctx):
    orientation = orient_to_place(ctx)
    decision.take_into_account(acces=acces_of(orientation, ctx.mediateur))
    rdv = timezone.now() + datetime.timedelta(days=2)
    decision.accept(acces=acces_of(orientation, ctx.mediateur), rdv_le=rdv, rdv_lieu="Bureau 2")
    texte = page(
        client_for(ctx.prescripteur).get(reverse("orientations:detail", args=[orientation.uuid]))
    )
    assert "Prise en compte par Médiathèque 1 par Médiateur1" in texte
    assert "Acceptée par Médiathèque 1" in texte
    assert "Rendez-vous le jeudi 19 novembre à 10 h, Bureau 2" in texte
    assert "A accepté le 17/11" in texte
    assert "Relancer le lieu" not in texte
    assert "Annuler l'orientation" in texte


def test_cancel_needs_a_reason_then_redirects(ctx):
    orientation = orient_to_place(ctx)
    client = client_for(ctx.prescripteur)
    url = reverse("orientations:annuler", args=[orientation.uuid])
    response = client.post(url, {"motif": " "})
    assert response.status_code == 422
    texte = page(response)
    assert "Dites pourquoi vous annulez." in texte
    assert 'id="id_motif_erreurs"' in texte
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.OUVERTE
    response = client.post(url, {"motif": "x" * 201})
    assert response.status_code == 422
    response = client.post(url, {"motif": "La personne a trouvé de l'aide"})
    assert response.status_code == 302
    assert response["Location"] == reverse("orientations:detail", args=[orientation.uuid])
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ANNULEE
    assert orientation.annule_par == ctx.prescripteur
    texte = page(client.get(response["Location"]))
    assert "L&#x27;orientation est annulée. Les lieux sont prévenus." in texte
    assert "Annulée par Inès Roux" in texte
    # Once ended, nothing to cancel: the service's refusal next to the form.
    response = client.post(url, {"motif": "Encore"}, follow=True)
    assert "ne peut plus être annulée" in page(response)
    assert "Annuler l'orientation" not in page(response)


def test_remind_once_a_day(ctx):
    orientation = orient_to_place(ctx)
    client = client_for(ctx.prescripteur)
    url = reverse("orientations:relancer", args=[orientation.uuid])
    response = client.post(url)
    assert response.status_code == 302
    texte = page(client.get(response["Location"]))
    assert "La relance est envoyée au lieu, avec un nouveau lien." in texte
    assert "Relance envoyée par Inès Roux" in texte
    response = client.post(url, follow=True)
    texte = page(response)
    assert "Une relance est partie il y a moins de 24 heures : attendez demain." in texte
    assert "message--error" in texte
    orientation.refresh_from_db()
    assert orientation.relance_le == timezone.now()


def test_theme_detail_shows_each_place_state(ctx):
    orientation = orient_to_theme(ctx)
    decision.take_into_account(acces=acces_of(orientation, ctx.mediateurs[0]))
    decision.decline(
        acces=acces_of(orientation, ctx.mediateurs[1]), motifs=[MotifRefus.SESSION_COMPLETE]
    )
    client = client_for(ctx.prescripteur)
    texte = page(client.get(reverse("orientations:detail", args=[orientation.uuid])))
    assert "Les 2 lieux qui l'ont reçue" in texte
    assert "A ouvert la demande le 17/11" in texte
    assert "A refusé le 17/11 : Session complète" in texte
    assert "Médiathèque 2 ne peut pas la prendre : Session complète" in texte
    assert "Lue le 17/11, en attente de la décision — relance automatique le 27/11" in texte
    assert "Relancer les lieux" in texte


def test_expired_after_thirty_days(ctx):
    from mediation.services.orientations_relances import sweep

    orientation = orient_to_place(ctx)
    sweep(now=timezone.now() + datetime.timedelta(days=11))
    client = client_for(ctx.prescripteur)
    texte = page(client.get(reverse("orientations:envoyees")))
    assert "1 relance automatique" in texte
    assert "sans réponse, elle expirera" not in texte  # a second reminder is still to come
    sweep(now=timezone.now() + datetime.timedelta(days=31))
    texte = page(client.get(reverse("orientations:detail", args=[orientation.uuid])))
    assert "Expirée sans réponse : orientez la personne ailleurs" in texte
    assert "Relance automatique n° 1 envoyée" in texte
    assert "Expirée : aucune réponse en 30 jours" in texte
    assert "Orienter Josiane à nouveau" in texte
    assert "Relancer le lieu" not in texte and "Annuler l'orientation" not in texte
