"""Issue 16: what the receiving place does in the espace pro: the list of received
orientations, one request (opening it takes it into account), accept (appointment or session,
the waiting list proposed when it is full), refuse, correct within 7 days, move, finish."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import Canal, StatutInscription
from ateliers.services.registrations import register
from inclusion.enums import Role
from mediation.enums_orientations import MotifRefus, StatutOrientation
from mediation.models import Activite, Orientation, Participant
from mediation.services import orientations_decision as decision
from mediation.vocabulaire import Thematique as ThematiqueCra
from tests.inclusion.factories import BeneficiaireFactory, member
from tests.mediation.factories_orientations import (
    acces_of,
    orient_to_place,
    orient_to_session,
    orient_to_theme,
    setup_orientations,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def ctx():
    return setup_orientations()


def signed(client, user):
    client.force_login(user)
    return client


def copy_of(orientation, lieu):
    return orientation.destinataires.get(lieu=lieu)


def url(name, destinataire):
    return reverse(f"orientations:{name}", args=[destinataire.uuid])


def in_days(days, hour=14):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.date().isoformat(), f"{hour:02d}:00"


def rdv_post(days=3, hour=14, **extra):
    date, heure = in_days(days, hour)
    return {"mode": "rdv", "date": date, "heure": heure, "a_apporter": "Son téléphone", **extra}


def fill(ctx, session, places=None):
    for _ in range(session.capacite if places is None else places):
        register(
            session=session,
            beneficiaire=BeneficiaireFactory(structure=ctx.ccas),
            canal=Canal.PRO,
            acteur=ctx.prescripteur,
        )
    session.refresh_from_db()
    return session


def record_with(ctx, structure, mediateur):
    activite = Activite.objects.create(
        type="individuel",
        mediateur=mediateur,
        structure=structure,
        date=timezone.localdate(),
        duree_minutes=30,
        lieu=structure.lieux.first(),
        thematiques=[ThematiqueCra.EMAIL],
    )
    Participant.objects.create(activite=activite, beneficiaire=ctx.personne)
    return activite


ACTIONS = ("recue", "recue_accepter", "recue_refuser", "recue_corriger", "recue_deplacer")


# --- Who may see what --------------------------------------------------------------------------


def test_anonymous_goes_to_sign_in(client, ctx):
    copie = copy_of(orient_to_place(ctx), ctx.lieu)
    pages = [reverse("orientations:recues")] + [url(n, copie) for n in ACTIONS]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302
        assert "connexion" in response["Location"]
    assert client.post(url("recue_accepter", copie), rdv_post()).status_code == 302
    assert Orientation.objects.get().statut == StatutOrientation.OUVERTE


def test_another_structure_gets_404_and_changes_nothing(client, ctx):
    copie = copy_of(orient_to_place(ctx), ctx.lieu)
    signed(client, ctx.mediateurs[1])
    for name in (*ACTIONS, "recue_terminer"):
        assert client.get(url(name, copie)).status_code == 404
    assert client.post(url("recue_accepter", copie), rdv_post()).status_code == 404
    assert client.post(url("recue_refuser", copie), {"motifs": ["doublon"]}).status_code == 404
    orientation = Orientation.objects.get()
    assert orientation.statut == StatutOrientation.OUVERTE
    assert orientation.prise_en_compte_le is None
    page = client.get(reverse("orientations:recues")).content.decode()
    assert "Josiane" not in page


def test_the_sending_prescripteur_cannot_act_here(client, ctx):
    copie = copy_of(orient_to_place(ctx), ctx.lieu)
    signed(client, ctx.prescripteur)
    for name in (*ACTIONS, "recue_terminer"):
        assert client.get(url(name, copie)).status_code == 404
    assert client.post(url("recue_accepter", copie), rdv_post()).status_code == 404
    response = client.get(reverse("orientations:recues"))
    assert response.status_code == 403
    assert "réservées aux médiateurs" in response.content.decode()
    assert Orientation.objects.get().statut == StatutOrientation.OUVERTE


def test_a_volontaire_of_the_place_cannot_act(client, ctx):
    copie = copy_of(orient_to_place(ctx), ctx.lieu)
    volontaire = member(Role.VOLONTAIRE, ctx.lieu.structure)
    signed(client, volontaire)
    assert client.get(url("recue", copie)).status_code == 404
    assert client.post(url("recue_accepter", copie), rdv_post()).status_code == 404


def test_coordinator_reads_everything_and_answers_nothing(client, ctx):
    copie = copy_of(orient_to_place(ctx), ctx.lieu)
    coordinateur = member(Role.COORDINATEUR)
    signed(client, coordinateur)
    liste = client.get(reverse("orientations:recues")).content.decode()
    assert "Josiane" in liste
    assert "seuls les médiateurs des lieux peuvent répondre" in liste
    response = client.get(url("recue", copie))
    assert response.status_code == 200
    page = response.content.decode()
    assert "seuls les médiateurs du lieu peuvent répondre" in page
    assert url("recue_accepter", copie) not in page
    # Reading is not taking into account.
    assert Orientation.objects.get().statut == StatutOrientation.OUVERTE
    for name in ("recue_accepter", "recue_refuser", "recue_corriger", "recue_terminer"):
        assert client.get(url(name, copie)).status_code == 403
    assert client.post(url("recue_accepter", copie), rdv_post()).status_code == 403
    assert client.post(url("recue_refuser", copie), {"motifs": ["doublon"]}).status_code == 403
    assert Orientation.objects.get().statut == StatutOrientation.OUVERTE


# --- The list ----------------------------------------------------------------------------------


def test_list_shows_the_places_requests_newest_first(client, ctx):
    first = orient_to_place(ctx, besoin="Créer une adresse e-mail")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
        second = orient_to_theme(ctx, besoin="Faire sa déclaration en ligne")
    orient_to_place(ctx, lieu=ctx.lieux[1], besoin="Ailleurs seulement")
    signed(client, ctx.mediateur)
    page = client.get(reverse("orientations:recues")).content.decode()
    assert page.index("Faire sa déclaration") < page.index("Créer une adresse e-mail")
    assert "Ailleurs seulement" not in page
    assert "Josiane" in page and ctx.personne.nom not in page
    assert "Inès Roux" in page and "CCAS de Bordeaux" in page
    assert "E-mail" in page  # the need's thématique
    assert "2 orientations" in page
    assert url("recue", copy_of(first, ctx.lieu)) in page
    assert url("recue", copy_of(second, ctx.lieu)) in page


def test_list_makes_reminded_requests_stand_out(client, ctx):
    orientation = orient_to_place(ctx)
    Orientation.objects.filter(pk=orientation.pk).update(
        relances=2, cree_le=timezone.now() - datetime.timedelta(days=21)
    )
    signed(client, ctx.mediateur)
    page = client.get(reverse("orientations:recues")).content.decode()
    assert "Relancée 2 fois" in page
    assert "en attente depuis 21 jours" in page
    assert "orientation-carte--attente" in page


def test_list_filters(client, ctx):
    orient_to_place(ctx, besoin="Toujours en attente")
    acceptee = orient_to_place(ctx, besoin="Déjà acceptée")
    decision.accept(
        acces=acces_of(acceptee, ctx.mediateur), rdv_le=timezone.now() + datetime.timedelta(days=2)
    )
    annulee = orient_to_place(ctx, besoin="Annulée depuis")
    Orientation.objects.filter(pk=annulee.pk).update(statut=StatutOrientation.ANNULEE)
    signed(client, ctx.mediateur)
    liste = reverse("orientations:recues")

    def besoins(etat):
        page = client.get(liste, {"etat": etat}).content.decode()
        return {b for b in ("Toujours en attente", "Déjà acceptée", "Annulée depuis") if b in page}

    assert besoins("a_traiter") == {"Toujours en attente"}
    assert besoins("decidees") == {"Déjà acceptée"}
    assert besoins("closes") == {"Annulée depuis"}
    assert besoins("") == {"Toujours en attente", "Déjà acceptée", "Annulée depuis"}
    assert besoins("n'importe quoi") == {"Toujours en attente", "Déjà acceptée", "Annulée depuis"}
    page = client.get(liste).content.decode()
    assert 'À traiter&nbsp;<span class="onglets__nombre">(1)</span>' in page


def test_list_query_count_is_constant_and_paginated(client, ctx):
    signed(client, ctx.mediateur)
    liste = reverse("orientations:recues")
    orient_to_place(ctx)
    client.get(liste)  # warm the session and the menu's caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(liste).status_code == 200
    for _ in range(29):
        orient_to_theme(ctx)
    with CaptureQueriesContext(connection) as many:
        response = client.get(liste)
    assert len(many) == len(one)
    page = response.content.decode()
    assert "30 orientations" in page
    assert "Page 1 sur 2" in page
    assert page.count('<li class="orientation-carte') == 25
    assert (
        client.get(liste, {"page": 2}).content.decode().count('<li class="orientation-carte') == 5
    )


# --- One request ---------------------------------------------------------------------------


def test_opening_takes_into_account_and_shows_only_the_request(client, ctx):
    ctx.ccas.telephone = "+33556000000"
    ctx.ccas.save()
    orientation = orient_to_place(ctx, besoin="Créer une adresse e-mail")
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    response = client.get(url("recue", copie), follow=True)
    page = response.content.decode()
    orientation.refresh_from_db()
    copie.refresh_from_db()
    assert orientation.statut == StatutOrientation.PRISE_EN_COMPTE
    assert orientation.prise_en_compte_par == ctx.mediateur
    assert orientation.prise_en_compte_via == "pro"
    assert copie.ouvert_le == timezone.now()
    assert "Prise en compte" in page
    assert "Orientation de Josiane" in page
    assert "Créer une adresse e-mail" in page
    assert "Par SMS" in page
    assert "Sans réponse, elle expirera le 17 décembre 2026." in page
    assert ctx.prescripteur.email in page
    assert "05 56 00 00 00" in page
    # Not the person's surname, phone, nor a link to the file.
    assert ctx.personne.nom not in page
    assert ctx.personne.telephone.as_national not in page
    assert str(ctx.personne.telephone) not in page
    assert str(ctx.personne.uuid) not in page
    assert url("recue_accepter", copie) in page and url("recue_refuser", copie) in page
    # Opening it again changes nothing.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2), tick=False):
        client.get(url("recue", copie))
    orientation.refresh_from_db()
    assert orientation.prise_en_compte_le == timezone.now()


def test_a_bad_uuid_is_404(client, ctx):
    signed(client, ctx.mediateur)
    orientation = orient_to_place(ctx)
    # The orientation's own uuid is not a place's copy.
    response = client.get(reverse("orientations:recue", args=[orientation.uuid]))
    assert response.status_code == 404


# --- Accept --------------------------------------------------------------------------------


def test_accept_with_an_appointment(client, ctx, sms_outbox):
    orientation = orient_to_place(ctx)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    page = client.get(url("recue_accepter", copie)).content.decode()
    assert "Un rendez-vous" in page and "Une session d&#x27;atelier de votre lieu" in page
    response = client.post(url("recue_accepter", copie), rdv_post(days=3, hour=14))
    assert response.status_code == 302
    assert response["Location"] == url("recue", copie)
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.decide_par == ctx.mediateur
    local = timezone.localtime(orientation.rdv_le)
    assert (local.hour, local.minute) == (14, 0)
    assert orientation.rdv_lieu.startswith(ctx.lieu.nom)  # the place's address by default
    assert orientation.a_apporter == "Son téléphone"
    page = client.get(response["Location"]).content.decode()
    assert "Orientation acceptée" in page
    assert "la personne recevra un SMS" in page
    assert "Son téléphone" in page


def test_accept_with_a_session_of_the_place(client, ctx):
    orientation = orient_to_theme(ctx)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    page = client.get(url("recue_accepter", copie)).content.decode()
    assert "8 places restantes" in page
    response = client.post(
        url("recue_accepter", copie), {"mode": "session", "session": ctx.session.pk}
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.lieu == ctx.lieu
    assert orientation.inscription.statut == StatutInscription.INSCRIT
    assert orientation.inscription.session == ctx.session
    # The other place now sees it taken.
    autre = copy_of(orientation, ctx.lieux[1])
    signed(client, ctx.mediateurs[1])
    page = client.get(url("recue", autre)).content.decode()
    assert "Prise en charge par un autre lieu" in page
    assert url("recue_accepter", autre) not in page


def test_a_full_session_proposes_the_waiting_list_then_accepts_on_it(client, ctx):
    orientation = orient_to_theme(ctx)
    fill(ctx, ctx.session)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    page = client.get(url("recue_accepter", copie)).content.decode()
    assert "complète, liste d&#x27;attente possible" in page
    response = client.post(
        url("recue_accepter", copie), {"mode": "session", "session": ctx.session.pk}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Cette session est complète" in page
    assert "inscrire la personne sur la liste d&#x27;attente" in page
    assert "choisir une autre session" in page
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.OUVERTE
    assert orientation.inscription is None
    response = client.post(
        url("recue_accepter", copie),
        {"mode": "session", "session": ctx.session.pk, "liste_attente": "on"},
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.inscription.statut == StatutInscription.EN_ATTENTE
    assert "liste d&#x27;attente" in client.get(response["Location"]).content.decode()


def test_a_session_orientation_that_took_the_last_seat_is_accepted_on_it(client, ctx):
    fill(ctx, ctx.session, places=ctx.session.capacite - 1)
    orientation = orient_to_session(ctx)
    assert orientation.inscription.statut == StatutInscription.INSCRIT
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    page = client.get(url("recue_accepter", copie)).content.decode()
    assert "la personne y est déjà inscrite" in page
    response = client.post(
        url("recue_accepter", copie), {"mode": "session", "session": ctx.session.pk}
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.inscription.statut == StatutInscription.INSCRIT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Parametrised before the clock is frozen: fixed dates around 17 November 2026.
        ({"mode": "rdv", "date": "2026-11-16", "heure": "14:00"}, "doit être dans le futur."),
        ({"mode": "rdv", "date": "2026-11-17", "heure": "09:45"}, "doit être dans le futur."),
        ({"mode": "rdv", "date": "", "heure": "14:00"}, "Indiquez le jour du rendez-vous."),
        (
            {"mode": "rdv", "date": "2026-11-20", "heure": ""},
            "Choisissez l&#x27;heure du rendez-vous.",
        ),
        (
            {"mode": "rdv", "date": "32/13/2026", "heure": "14:00"},
            "Indiquez une date sous la forme",
        ),
        (
            {"mode": "rdv", "date": "2026-11-20", "heure": "03:00"},
            "Choisissez une heure de la liste.",
        ),
        ({"mode": "rdv", "date": "2027-06-01", "heure": "14:00"}, "doit être dans les 6 mois."),
        (
            {"mode": "rdv", "date": "2026-11-20", "heure": "14:00", "a_apporter": "x" * 121},
            "Écrivez au plus 120 caractères.",
        ),
        ({"mode": "session", "session": ""}, "Choisissez une session."),
        ({"mode": "session", "session": "999999"}, "Choisissez une session à venir de votre lieu."),
        ({}, "Choisissez un rendez-vous ou une session."),
    ],
)
def test_accept_bad_input(client, ctx, data, message):
    orientation = orient_to_place(ctx)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    response = client.post(url("recue_accepter", copie), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page or "field--error" in page
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.OUVERTE


def test_another_places_session_is_refused(client, ctx):
    orientation = orient_to_theme(ctx)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    response = client.post(
        url("recue_accepter", copie), {"mode": "session", "session": ctx.sessions[1].pk}
    )
    assert response.status_code == 422
    assert "Choisissez une session à venir de votre lieu." in response.content.decode()


def test_accepted_elsewhere_first_gives_a_clear_message(client, ctx):
    orientation = orient_to_theme(ctx)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    assert client.get(url("recue_accepter", copie)).status_code == 200
    # Meanwhile the other place accepts.
    decision.accept(acces=acces_of(orientation, ctx.mediateurs[1]), session=ctx.sessions[1])
    response = client.post(url("recue_accepter", copie), rdv_post(), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == url("recue", copie)
    assert "a déjà reçu une réponse entre-temps" in page
    assert "Prise en charge par un autre lieu" in page
    orientation.refresh_from_db()
    assert orientation.lieu == ctx.lieux[1]


def test_the_service_refusing_deja_decidee_reloads_the_page(client, ctx, monkeypatch):
    """The race inside the service (the page's check passed, the UPDATE found it decided)."""
    orientation = orient_to_place(ctx)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)

    def decided_meanwhile(**kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError("déjà", code="deja_decidee")

    monkeypatch.setattr(decision, "accept", decided_meanwhile)
    response = client.post(url("recue_accepter", copie), rdv_post())
    assert response.status_code == 302
    assert response["Location"] == url("recue", copie)


# --- Refuse --------------------------------------------------------------------------------


def test_refuse_with_reasons(client, ctx):
    orientation = orient_to_place(ctx)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    page = client.get(url("recue_refuser", copie)).content.decode()
    assert "Session complète" in page and "Autre raison" in page
    response = client.post(
        url("recue_refuser", copie),
        {"motifs": [MotifRefus.NON_ELIGIBLE, MotifRefus.AUTRE], "message": "Hors secteur."},
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.REFUSEE
    assert orientation.motifs_refus == [MotifRefus.NON_ELIGIBLE, MotifRefus.AUTRE]
    page = client.get(response["Location"]).content.decode()
    assert "Votre refus est envoyé au prescripteur." in page
    assert "Non éligible (pré-requis)" in page and "Hors secteur." in page


def test_a_theme_refused_by_one_place_stays_open_for_the_other(client, ctx):
    orientation = orient_to_theme(ctx)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    response = client.post(url("recue_refuser", copie), {"motifs": [MotifRefus.SESSION_COMPLETE]})
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut in (StatutOrientation.OUVERTE, StatutOrientation.PRISE_EN_COMPTE)
    page = client.get(response["Location"]).content.decode()
    assert "un autre lieu peut encore accepter" in page
    assert "Refusée par votre lieu" in page
    assert url("recue_accepter", copie) not in page
    # The other place still may.
    signed(client, ctx.mediateurs[1])
    page = client.get(url("recue", copy_of(orientation, ctx.lieux[1]))).content.decode()
    assert url("recue_accepter", copy_of(orientation, ctx.lieux[1])) in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Cochez au moins une raison."),
        ({"motifs": ["nimporte"]}, "Cette raison n&#x27;existe pas dans la liste."),
        ({"motifs": [MotifRefus.AUTRE], "message": "  "}, "Pour « Autre raison », expliquez"),
        (
            {"motifs": [MotifRefus.DOUBLON], "message": "x" * 1001},
            "Écrivez au plus 1000 caractères.",
        ),
    ],
)
def test_refuse_bad_input(client, ctx, data, message):
    orientation = orient_to_place(ctx)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    response = client.post(url("recue_refuser", copie), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.OUVERTE
    copie.refresh_from_db()
    assert copie.decline_le is None


# --- Correct, move, finish -----------------------------------------------------------------


def accepted(ctx, days=3):
    orientation = orient_to_place(ctx)
    decision.accept(
        acces=acces_of(orientation, ctx.mediateur),
        rdv_le=timezone.now() + datetime.timedelta(days=days),
    )
    orientation.refresh_from_db()
    return orientation, copy_of(orientation, ctx.lieu)


def test_correct_an_acceptance_into_a_refusal_within_7_days(client, ctx):
    orientation, copie = accepted(ctx)
    signed(client, ctx.mediateur)
    page = client.get(url("recue", copie)).content.decode()
    assert url("recue_corriger", copie) in page
    assert "corriger cette décision jusqu'au 24 novembre 2026" in page
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6), tick=False):
        signed(client, ctx.mediateur)
        page = client.get(url("recue_corriger", copie)).content.decode()
        assert "Refuser finalement" in page
        response = client.post(
            url("recue_corriger", copie),
            {"decision": "refusee", "refuser-motifs": [MotifRefus.NON_JOIGNABLE]},
        )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.REFUSEE
    assert orientation.motifs_refus == [MotifRefus.NON_JOIGNABLE]


def test_correct_a_refusal_into_an_acceptance(client, ctx):
    orientation = orient_to_place(ctx)
    decision.decline(acces=acces_of(orientation, ctx.mediateur), motifs=[MotifRefus.DOUBLON])
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    date, heure = in_days(4, 10)
    response = client.post(
        url("recue_corriger", copie),
        {
            "decision": "acceptee",
            "accepter-mode": "rdv",
            "accepter-date": date,
            "accepter-heure": heure,
        },
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert timezone.localtime(orientation.rdv_le).hour == 10


def test_correction_bad_input_keeps_the_decision(client, ctx):
    orientation, copie = accepted(ctx)
    signed(client, ctx.mediateur)
    response = client.post(url("recue_corriger", copie), {"decision": "refusee"})
    assert response.status_code == 422
    assert "Cochez au moins une raison." in response.content.decode()
    response = client.post(
        url("recue_corriger", copie),
        {
            "decision": "acceptee",
            "accepter-mode": "rdv",
            "accepter-date": "2026-11-01",
            "accepter-heure": "10:00",
        },
    )
    assert response.status_code == 422
    assert "Le rendez-vous doit être dans le futur." in response.content.decode()
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE


def test_after_7_days_the_decision_stands(client, ctx):
    orientation, copie = accepted(ctx, days=20)
    signed(client, ctx.mediateur)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8), tick=False):
        signed(client, ctx.mediateur)  # the sign-in of 8 days ago has expired
        page = client.get(url("recue", copie)).content.decode()
        assert "La décision est définitive" in page
        assert url("recue_corriger", copie) not in page
        page = client.get(url("recue_corriger", copie)).content.decode()
        assert "ne peut plus être corrigée" in page
        response = client.post(
            url("recue_corriger", copie),
            {"decision": "refusee", "refuser-motifs": [MotifRefus.NON_JOIGNABLE]},
        )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE


def test_move_the_appointment(client, ctx, sms_outbox):
    orientation, copie = accepted(ctx)
    signed(client, ctx.mediateur)
    page = client.get(url("recue_deplacer", copie)).content.decode()
    assert "Nouvelle date" in page
    date, heure = in_days(5, 9)
    response = client.post(
        url("recue_deplacer", copie),
        {"date": date, "heure": heure, "rdv_lieu": "Salle 2, Médiathèque 1", "a_apporter": ""},
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert timezone.localtime(orientation.rdv_le).hour == 9
    assert orientation.rdv_lieu == "Salle 2, Médiathèque 1"
    assert "Le rendez-vous est déplacé" in client.get(response["Location"]).content.decode()


def test_move_bad_input(client, ctx):
    orientation, copie = accepted(ctx)
    avant = orientation.rdv_le
    signed(client, ctx.mediateur)
    for data, message in [
        ({"date": "2026-11-10", "heure": "10:00"}, "Le rendez-vous doit être dans le futur."),
        ({"date": "", "heure": "10:00"}, "Indiquez le nouveau jour du rendez-vous."),
        ({"date": in_days(5)[0], "heure": ""}, "Choisissez l&#x27;heure du rendez-vous."),
    ]:
        response = client.post(url("recue_deplacer", copie), data)
        assert response.status_code == 422
        assert message in response.content.decode()
    orientation.refresh_from_db()
    assert orientation.rdv_le == avant


def test_a_session_acceptance_cannot_be_moved(client, ctx):
    orientation = orient_to_theme(ctx)
    decision.accept(acces=acces_of(orientation, ctx.mediateur, ctx.lieu), session=ctx.session)
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    page = client.get(url("recue", copie)).content.decode()
    assert url("recue_deplacer", copie) not in page
    response = client.get(url("recue_deplacer", copie))
    assert response.status_code == 302


def test_finish_with_the_activity_record(client, ctx):
    orientation, copie = accepted(ctx)
    activite = record_with(ctx, ctx.lieu.structure, ctx.mediateur)
    signed(client, ctx.mediateur)
    page = client.get(url("recue_terminer", copie)).content.decode()
    assert f'value="{activite.pk}"' in page
    response = client.post(url("recue_terminer", copie), {"activite": activite.pk})
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.TERMINEE
    assert orientation.activite == activite
    assert "L&#x27;orientation est terminée" in client.get(response["Location"]).content.decode()


def test_finish_without_a_record_and_refuses_anothers(client, ctx):
    orientation, copie = accepted(ctx)
    autre = record_with(ctx, ctx.lieux[1].structure, ctx.mediateurs[1])
    signed(client, ctx.mediateur)
    response = client.post(url("recue_terminer", copie), {"activite": autre.pk})
    assert response.status_code == 422
    assert "Choisissez un compte rendu de la liste." in response.content.decode()
    response = client.post(url("recue_terminer", copie), {"activite": ""})
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.TERMINEE
    assert orientation.activite is None


def test_a_request_changed_meanwhile_goes_back_to_its_page_with_the_services_words(
    client, ctx, monkeypatch
):
    orientation, copie = accepted(ctx)
    signed(client, ctx.mediateur)

    def now_a_session(**kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError("La personne est inscrite à une session.", code="rdv_session")

    monkeypatch.setattr(decision, "move_appointment", now_a_session)
    date, heure = in_days(5, 9)
    response = client.post(
        url("recue_deplacer", copie), {"date": date, "heure": heure}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("recue", copie)
    assert "La personne est inscrite à une session." in response.content.decode()


def test_a_session_orientation_on_the_waiting_list_is_accepted_there(client, ctx):
    fill(ctx, ctx.session)
    orientation = orient_to_session(ctx)
    assert orientation.inscription.statut == StatutInscription.EN_ATTENTE
    copie = copy_of(orientation, ctx.lieu)
    signed(client, ctx.mediateur)
    page = client.get(url("recue_accepter", copie)).content.decode()
    assert "la personne est sur sa liste d&#x27;attente" in page
    response = client.post(
        url("recue_accepter", copie), {"mode": "session", "session": ctx.session.pk}
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.inscription.statut == StatutInscription.EN_ATTENTE


HOSTILE = ["", "\x00", "x" * 10_000, "9999-12-31", "0001-01-01", "-1", "1e9", "<script>", "é" * 50]


@pytest.mark.parametrize("valeur", HOSTILE)
def test_hostile_input_never_breaks_nor_half_writes(client, ctx, valeur):
    en_attente = orient_to_place(ctx)
    orientation, copie = accepted(ctx)
    attente = copy_of(en_attente, ctx.lieu)
    signed(client, ctx.mediateur)
    champs_acceptation = ("mode", "date", "heure", "rdv_lieu", "a_apporter", "session")
    posts = [
        (url("recue_accepter", attente), dict.fromkeys(champs_acceptation, valeur)),
        (url("recue_refuser", attente), {"motifs": valeur, "message": valeur}),
        (url("recue_deplacer", copie), dict.fromkeys(("date", "heure", "rdv_lieu"), valeur)),
        # (An empty record is a valid end: the other values only.)
        *([(url("recue_terminer", copie), {"activite": valeur})] if valeur else []),
        (url("recue_corriger", copie), {"decision": valeur, "refuser-motifs": valeur}),
        (url("recue_corriger", copie), {"decision": "acceptee", "accepter-mode": valeur}),
    ]
    for adresse, data in posts:
        response = client.post(adresse, data)
        assert response.status_code == 422, (adresse, data, response.status_code)
    en_attente.refresh_from_db()
    orientation_avant = orientation.rdv_le
    orientation.refresh_from_db()
    assert en_attente.statut == StatutOrientation.OUVERTE
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.rdv_le == orientation_avant
    page = client.get(reverse("orientations:recues"), {"etat": valeur, "page": valeur})
    assert page.status_code == 200


def test_a_past_appointment_asks_to_be_closed(client, ctx):
    """Nothing ends an appointment by itself: once past, the list says to close it."""
    orientation, copie = accepted(ctx, days=2)
    signed(client, ctx.mediateur)
    liste = client.get(reverse("orientations:recues")).content.decode()
    assert "Rendez-vous passé" not in liste
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3), tick=False):
        signed(client, ctx.mediateur)  # a pro session lasts less than three days
        liste = client.get(reverse("orientations:recues")).content.decode()
        assert "Rendez-vous passé : dites s&#x27;il a eu lieu" in liste
