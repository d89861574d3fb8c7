"""Issue 16: the receiving place acts without an account, through the signed link e-mailed to
its contact address: the page (taken into account once, the request and nothing more of the
file), the refused links (tampered, unknown, older generation: 403 and nothing changed;
expired: 403 and a new link to the place's address), the 8 days, accept / refuse / correct /
move through the link, another place that took the person first, CSRF, headers, logs."""

import datetime
import logging
import re
import uuid as uuidlib

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import StatutInscription
from inclusion.models import Journal, OutgoingEmail
from mediation.enums_orientations import MotifRefus, StatutOrientation, Via
from mediation.models import Destinataire
from mediation.services import orientations_decision as decisions
from tests.clock import FROZEN_AT
from tests.mediation.factories_orientations import (
    acces_of,
    link_parts,
    orient_to_place,
    orient_to_session,
    orient_to_theme,
    setup_orientations,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

JOUR = datetime.timedelta(days=1)


@pytest.fixture
def ctx():
    return setup_orientations()


@pytest.fixture
def placed(ctx):
    """An orientation to the first place, and its place's copy."""
    orientation = orient_to_place(ctx)
    return orientation, orientation.destinataires.get()


def page_url(uuid, signature):
    return f"{reverse('orientation_lien:page', args=[uuid])}?h={signature}"


def url_of(destinataire):
    return page_url(*link_parts(destinataire))


def post(client, name, destinataire, signature=None, **data):
    uuid, current = link_parts(destinataire)
    return client.post(
        reverse(f"orientation_lien:{name}", args=[uuid]),
        {"h": current if signature is None else signature, **data},
    )


def state(orientation):
    orientation.refresh_from_db()
    return orientation.statut, Journal.objects.count(), OutgoingEmail.objects.count()


def appointment(days=2, heure="14:30", **extra):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {
        "mode": "rdv",
        "date": day.isoformat(),
        "heure": heure,
        "rdv_lieu": "Salle 2",
        "a_apporter": "son téléphone",
        **extra,
    }


def assert_private(response):
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    # The origin at most, never the path or the query (see the view: "no-referrer" would
    # make the browser send "Origin: null" and fail the CSRF check of the page's forms).
    assert response["Referrer-Policy"] == "strict-origin"
    assert '<meta name="robots" content="noindex' in response.content.decode()


# --- The page ----------------------------------------------------------------------------------


def test_a_valid_link_opens_without_an_account_and_takes_the_request_into_account_once(
    client, ctx, placed
):
    orientation, destinataire = placed
    response = client.get(url_of(destinataire))
    assert response.status_code == 200
    assert_private(response)
    orientation.refresh_from_db()
    destinataire.refresh_from_db()
    assert orientation.statut == StatutOrientation.PRISE_EN_COMPTE
    assert orientation.prise_en_compte_via == Via.LIEN
    assert orientation.prise_en_compte_par is None
    assert orientation.prise_en_compte_le == FROZEN_AT
    assert destinataire.ouvert_le == FROZEN_AT
    assert Journal.objects.filter(action="orientation.prise_en_compte").count() == 1
    with time_machine.travel(FROZEN_AT + datetime.timedelta(hours=2), tick=False):
        assert client.get(url_of(destinataire)).status_code == 200
    orientation.refresh_from_db()
    assert orientation.prise_en_compte_le == FROZEN_AT
    assert Journal.objects.filter(action="orientation.prise_en_compte").count() == 1


def test_the_page_shows_the_request_and_nothing_else_of_the_file(client, ctx, placed):
    personne = ctx.personne
    personne.nom = "Dupont-Secret"
    personne.save(update_fields=["nom"])
    orientation, destinataire = placed
    page = client.get(url_of(destinataire)).content.decode()
    assert "Demande d'aide pour Josiane" in page
    assert "Créer une adresse e-mail" in page  # the need in a few words
    assert "son numéro ne vous est pas communiqué" in page  # contact: an SMS by the service
    assert "Inès Roux" in page and "CCAS de Bordeaux" in page  # the prescripteur's contact
    assert f"mailto:{ctx.prescripteur.email}" in page
    assert "Dupont-Secret" not in page
    assert personne.telephone and str(personne.telephone.national_number) not in page
    assert personne.telephone.as_e164 not in page
    assert str(personne.uuid) not in page  # no way to the file
    # The actions, each POSTing the signature in a hidden field.
    signature = link_parts(destinataire)[1]
    forms = re.findall(r'<form method="post".*?</form>', page, flags=re.S)
    assert len(forms) == 2 and all(signature in form for form in forms)
    assert "Dire oui" in page and "Dire non" in page


def test_the_page_never_has_a_name_in_its_title_beyond_the_first_name(client, ctx, placed):
    _, destinataire = placed
    page = client.get(url_of(destinataire)).content.decode()
    assert re.search(r"<title>Demande pour Josiane — ", page)
    assert page.count("<h1") == 1


# --- Links that do not open ----------------------------------------------------------------------


def one_char_changed(signature):
    return ("0" if signature[0] != "0" else "1") + signature[1:]


def test_tampered_unknown_or_older_links_are_refused_and_nothing_changes(client, ctx, placed):
    orientation, destinataire = placed
    uuid, signature = link_parts(destinataire)
    older = signature
    # A reminder re-issues the link: the first one belongs to an older generation now.
    with time_machine.travel(FROZEN_AT + 10 * JOUR, tick=False):
        from mediation.services.orientations import relaunch_places

        relaunch_places(orientation, timezone.now(), motif="relance")
    destinataire.refresh_from_db()
    assert link_parts(destinataire)[1] != older
    before = state(orientation)
    for url in (
        page_url(uuid, one_char_changed(link_parts(destinataire)[1])),
        page_url(uuid, link_parts(destinataire)[1][:-1]),
        page_url(uuid8 := str(uuidlib.uuid4()), link_parts(destinataire)[1]),
        page_url(uuid, older),
        reverse("orientation_lien:page", args=[uuid]),  # no signature at all
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert "Ce lien ne marche pas" in page
        assert "05 00 00 00 00" in page  # the help phone of the habillage
        assert "Josiane" not in page
        assert_private(response)
    assert uuid8
    assert state(orientation) == before
    destinataire.refresh_from_db()
    assert destinataire.ouvert_le is None
    assert orientation.prise_en_compte_le is None


def test_a_tampered_link_cannot_act(client, ctx, placed):
    orientation, destinataire = placed
    signature = one_char_changed(link_parts(destinataire)[1])
    before = state(orientation)
    for name, data in (
        ("acceptation", appointment()),
        ("refus", {"motifs": [MotifRefus.NON_JOIGNABLE]}),
        ("correction", {"decision": "refusee", "motifs": [MotifRefus.NON_JOIGNABLE]}),
        ("deplacement", appointment()),
        ("nouveau_lien", {}),
    ):
        response = post(client, name, destinataire, signature=signature, **data)
        assert response.status_code == 403, name
        assert "Ce lien ne marche pas" in response.content.decode()
    assert state(orientation) == before


def test_actions_answer_to_post_only(client, placed):
    _, destinataire = placed
    uuid, signature = link_parts(destinataire)
    for name in ("acceptation", "refus", "correction", "deplacement", "nouveau_lien"):
        url = reverse(f"orientation_lien:{name}", args=[uuid])
        assert client.get(f"{url}?h={signature}").status_code == 405


# --- The 8 days and a new link -----------------------------------------------------------------


def test_the_link_works_8_days(client, ctx, placed):
    _, destinataire = placed
    url = url_of(destinataire)
    with time_machine.travel(FROZEN_AT + 8 * JOUR - datetime.timedelta(minutes=1), tick=False):
        assert client.get(url).status_code == 200  # day 7, 23:59 later
    with time_machine.travel(FROZEN_AT + 8 * JOUR, tick=False):
        response = client.get(url)
    assert response.status_code == 403
    assert "Ce lien n'est plus valable" in response.content.decode()


def test_an_expired_link_offers_a_new_one_sent_to_the_place_only(client, ctx, placed):
    orientation, destinataire = placed
    old = url_of(destinataire)
    with time_machine.travel(FROZEN_AT + 9 * JOUR, tick=False):
        response = client.get(old)
        assert response.status_code == 403
        page = response.content.decode()
        assert "Recevoir un nouveau lien" in page
        assert "Josiane" not in page
        assert_private(response)
        assert state(orientation)[0] == StatutOrientation.OUVERTE  # not taken into account
        response = post(client, "nouveau_lien", destinataire)
        assert response.status_code == 200
        assert "Un nouveau lien est parti" in response.content.decode()
        assert_private(response)
        [email] = OutgoingEmail.objects.filter(kind="orientation.nouveau_lien")
        assert email.destinataire == "lieu1@example.org"
        new = re.search(r"/orientations/[0-9a-f-]+/\?h=[0-9a-f]+", email.texte).group(0)
        assert new != old
        response = client.get(old)
        assert response.status_code == 403
        assert "Ce lien ne marche pas" in response.content.decode()
        assert client.get(new).status_code == 200
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.PRISE_EN_COMPTE


def test_a_second_click_on_new_link_says_one_already_left(client, ctx, placed):
    _, destinataire = placed
    with time_machine.travel(FROZEN_AT + 9 * JOUR, tick=False):
        uuid, signature = link_parts(destinataire)
        url = reverse("orientation_lien:nouveau_lien", args=[uuid])
        assert client.post(url, {"h": signature}).status_code == 200
        response = client.post(url, {"h": signature})  # the same (now older) link again
    assert response.status_code == 403
    assert "Un lien est déjà parti" in response.content.decode()
    assert OutgoingEmail.objects.filter(kind="orientation.nouveau_lien").count() == 1


def test_new_link_refused_by_the_service_is_said_politely(client, ctx, placed, monkeypatch):
    _, destinataire = placed
    from mediation.services import orientations

    monkeypatch.setattr(orientations, "send_new_link", lambda **kwargs: False)
    with time_machine.travel(FROZEN_AT + 9 * JOUR, tick=False):
        response = post(client, "nouveau_lien", destinataire)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Un lien est déjà parti" in page and "moins d'une heure" in page


def test_new_link_with_a_valid_link_goes_back_to_the_page(client, placed):
    _, destinataire = placed
    response = post(client, "nouveau_lien", destinataire)
    assert response.status_code == 302 and response["Location"] == url_of(destinataire)
    assert not OutgoingEmail.objects.filter(kind="orientation.nouveau_lien").exists()


# --- Acting through the link -------------------------------------------------------------------


def test_accept_with_an_appointment(client, ctx, placed):
    orientation, destinataire = placed
    client.get(url_of(destinataire))
    response = post(client, "acceptation", destinataire, **appointment())
    assert response.status_code == 302 and response["Location"] == url_of(destinataire)
    assert settings.SESSION_COOKIE_NAME not in client.cookies  # no session, none needed
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.decision_via == Via.LIEN and orientation.decide_par is None
    rdv = timezone.localtime(orientation.rdv_le)
    assert (rdv.date(), rdv.hour, rdv.minute) == (timezone.localdate() + 2 * JOUR, 14, 30)
    assert orientation.rdv_lieu == "Salle 2" and orientation.a_apporter == "son téléphone"
    assert OutgoingEmail.objects.filter(
        kind="orientation.decision", destinataire=ctx.prescripteur.email
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "C&#x27;est fait : le rendez-vous est noté" in page
    assert "Vous avez dit oui" in page
    assert "Changer le rendez-vous" in page  # the move form
    assert "Dire non à la place" in page  # correction within 7 days
    assert "Vous pouvez changer votre réponse jusqu'au mardi 24 novembre à 10 h." in page


def test_accept_with_a_session_of_the_place(client, ctx):
    orientation = orient_to_theme(ctx)
    destinataire = orientation.destinataires.get(lieu=ctx.lieu)
    response = post(client, "acceptation", destinataire, mode="session", session=ctx.session.pk)
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE and orientation.lieu == ctx.lieu
    assert orientation.inscription.session == ctx.session
    assert orientation.inscription.statut == StatutInscription.INSCRIT
    page = client.get(response["Location"]).content.decode()
    assert "la personne est inscrite à la session" in page


def test_bad_input_is_said_next_to_the_field_and_nothing_is_written(client, ctx, placed):
    orientation, destinataire = placed
    client.get(url_of(destinataire))
    before = state(orientation)
    response = post(client, "acceptation", destinataire, **appointment(days=-1))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Le rendez-vous doit être dans le futur." in page
    assert 'aria-describedby="acceptation_date_erreurs"' in page
    assert_private(response)
    # The text-size link comes back to the page, not to the POST-only address.
    uuid, signature = link_parts(destinataire)
    assert f"suite=%2Forientations%2F{uuid}%2F%3Fh%3D{signature}" in page
    response = post(client, "refus", destinataire, message="")
    assert response.status_code == 422
    assert "Cochez au moins une raison." in response.content.decode()
    assert state(orientation) == before


def test_refuse_with_reasons(client, ctx, placed):
    orientation, destinataire = placed
    response = post(
        client,
        "refus",
        destinataire,
        motifs=[MotifRefus.NON_ELIGIBLE, MotifRefus.AUTRE],
        message="Nous ne faisons que des ateliers collectifs.",
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.REFUSEE
    assert orientation.motifs_refus == [MotifRefus.NON_ELIGIBLE, MotifRefus.AUTRE]
    assert orientation.decision_via == Via.LIEN
    page = client.get(response["Location"]).content.decode()
    assert "Vous avez dit non" in page and "Non éligible (pré-requis)" in page
    assert "Dire oui à la place" in page


def test_correct_within_7_days_then_not(client, ctx, placed):
    orientation, destinataire = placed
    post(client, "acceptation", destinataire, **appointment(days=10))
    with time_machine.travel(FROZEN_AT + 7 * JOUR - datetime.timedelta(minutes=1), tick=False):
        response = post(
            client,
            "correction",
            destinataire,
            decision="refusee",
            motifs=[MotifRefus.NON_JOIGNABLE],
        )
        assert response.status_code == 302
        orientation.refresh_from_db()
        assert orientation.statut == StatutOrientation.REFUSEE
        assert Journal.objects.filter(action="orientation.correction").count() == 1
        page = client.get(response["Location"]).content.decode()
        assert "C&#x27;est corrigé" in page
    with time_machine.travel(FROZEN_AT + 7 * JOUR + datetime.timedelta(minutes=1), tick=False):
        page = client.get(url_of(destinataire)).content.decode()
        assert "Dire oui à la place" not in page
        response = post(client, "correction", destinataire, **appointment(), decision="acceptee")
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    assert "Plus de 7 jours ont passé : cette réponse ne peut plus changer." in page
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.REFUSEE
    assert Journal.objects.filter(action="orientation.correction").count() == 1


def test_correct_a_refusal_into_an_acceptance(client, ctx, placed):
    orientation, destinataire = placed
    post(client, "refus", destinataire, motifs=[MotifRefus.NON_JOIGNABLE])
    response = post(client, "correction", destinataire, decision="acceptee", **appointment())
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.decision_via == Via.LIEN


def test_move_the_appointment(client, ctx, placed):
    orientation, destinataire = placed
    post(client, "acceptation", destinataire, **appointment())
    # Moving is not a decision: it stays possible after the correction window.
    with time_machine.travel(FROZEN_AT + 7 * JOUR + datetime.timedelta(hours=1), tick=False):
        nouveau = appointment(days=3, heure="09:00")
        del nouveau["mode"]
        response = post(client, "deplacement", destinataire, **nouveau)
        assert response.status_code == 302
    orientation.refresh_from_db()
    rdv = timezone.localtime(orientation.rdv_le)
    assert (rdv.hour, rdv.minute) == (9, 0)
    assert Journal.objects.filter(action="orientation.rdv_deplace").count() == 1


def test_a_session_orientation_has_no_appointment_to_move(client, ctx):
    orientation = orient_to_session(ctx)
    destinataire = orientation.destinataires.get()
    post(client, "acceptation", destinataire, mode="session", session=ctx.session.pk)
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ACCEPTEE
    page = client.get(url_of(destinataire)).content.decode()
    assert "Changer le rendez-vous" not in page
    assert "Changer de session" in page
    before = state(orientation)
    nouveau = appointment()
    del nouveau["mode"]
    response = post(client, "deplacement", destinataire, **nouveau)
    assert response.status_code == 302  # back to the page, which says where it stands
    assert state(orientation) == before


def test_another_place_already_took_the_theme_orientation(client, ctx):
    orientation = orient_to_theme(ctx)
    ici = orientation.destinataires.get(lieu=ctx.lieu)
    ailleurs = acces_of(orientation, ctx.mediateurs[1], lieu=ctx.lieux[1])
    decisions.accept(acces=ailleurs, session=ctx.sessions[1])
    page = client.get(url_of(ici)).content.decode()
    assert "Un autre lieu s'occupe de cette demande" in page
    assert "Josiane" not in page and "Dire oui" not in page
    before = state(orientation)
    response = post(client, "acceptation", ici, mode="session", session=ctx.session.pk)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Un autre lieu a déjà accepté cette demande" in page
    assert state(orientation) == before
    orientation.refresh_from_db()
    assert orientation.lieu == ctx.lieux[1]


def test_the_race_lost_on_accept_is_a_clear_message(client, ctx):
    """The page was open at both places; the other one accepted first."""
    orientation = orient_to_theme(ctx)
    ici = orientation.destinataires.get(lieu=ctx.lieu)
    real_accept = decisions.accept

    def other_place_first(**kwargs):
        real_accept(
            acces=acces_of(orientation, ctx.mediateurs[1], lieu=ctx.lieux[1]),
            session=ctx.sessions[1],
        )
        return real_accept(**kwargs)

    from unittest import mock

    with mock.patch.object(decisions, "accept", side_effect=other_place_first):
        response = post(client, "acceptation", ici, mode="session", session=ctx.session.pk)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Un autre lieu a déjà accepté cette demande" in page
    orientation.refresh_from_db()
    assert orientation.lieu == ctx.lieux[1]


def test_a_cancelled_request_says_so_and_shows_nothing_of_the_person(client, ctx, placed):
    orientation, destinataire = placed
    from mediation.services import orientations

    orientations.cancel(acteur=ctx.prescripteur, orientation=orientation, motif="Déménagement")
    page = client.get(url_of(destinataire)).content.decode()
    assert "Cette demande est annulée" in page
    assert "Josiane" not in page and "Dire oui" not in page


# --- CSRF, logs ---------------------------------------------------------------------------------


def test_anonymous_posts_need_the_csrf_token(ctx, placed):
    orientation, destinataire = placed
    client = Client(enforce_csrf_checks=True)
    response = post(client, "refus", destinataire, motifs=[MotifRefus.NON_JOIGNABLE])
    assert response.status_code == 403
    assert state(orientation)[0] == StatutOrientation.OUVERTE
    page = client.get(url_of(destinataire)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = post(
        client,
        "refus",
        destinataire,
        motifs=[MotifRefus.NON_JOIGNABLE],
        csrfmiddlewaretoken=token,
    )
    assert response.status_code == 302
    assert state(orientation)[0] == StatutOrientation.REFUSEE


def test_nothing_of_the_token_is_logged(client, ctx, placed, caplog):
    _, destinataire = placed
    uuid, signature = link_parts(destinataire)
    with caplog.at_level(logging.DEBUG):
        client.get(page_url(uuid, signature))
        client.get(page_url(uuid, one_char_changed(signature)))  # a 403: Django logs it
        post(client, "refus", destinataire, message="")  # a 422
        # A query-string signature is not the key any more (only the forms' hidden field):
        # refused, and not logged either.
        client.post(
            reverse("orientation_lien:acceptation", args=[uuid]) + f"?h={signature}",
            appointment(days=-1),
        )
        post(client, "acceptation", destinataire, **appointment())
        with time_machine.travel(FROZEN_AT + 9 * JOUR, tick=False):
            client.get(page_url(uuid, signature))
            post(client, "nouveau_lien", destinataire, signature=signature)
    assert any(r.name == "django.request" for r in caplog.records)  # the 403s were logged
    destinataire.refresh_from_db()
    secrets = (signature, one_char_changed(signature), link_parts(destinataire)[1])
    # What the project's console handler writes (settings.LOGGING's "plain" format).
    plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    for record in caplog.records:
        text = plain.format(record)
        for secret in secrets:
            assert secret[:16] not in text, record.getMessage()


def test_a_destinataire_uuid_alone_opens_nothing(client, placed):
    _, destinataire = placed
    assert Destinataire.objects.count() == 1
    response = client.get(reverse("orientation_lien:page", args=[destinataire.uuid]) + "?h=")
    assert response.status_code == 403


def test_one_place_refusing_a_theme_orientation_leaves_it_to_the_others(client, ctx):
    orientation = orient_to_theme(ctx)
    ici = orientation.destinataires.get(lieu=ctx.lieu)
    response = post(client, "refus", ici, motifs=[MotifRefus.SESSION_COMPLETE])
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut in (StatutOrientation.OUVERTE, StatutOrientation.PRISE_EN_COMPTE)
    page = client.get(response["Location"]).content.decode()
    assert "D&#x27;autres lieux peuvent encore accueillir la personne" in page
    assert "Vous avez dit non." in page
    assert "Dire oui" not in page  # nothing to correct while the others may still answer


def test_another_session_within_the_correction_window(client, ctx):
    from tests.ateliers.factories import SessionFactory

    orientation = orient_to_session(ctx)
    destinataire = orientation.destinataires.get()
    post(client, "acceptation", destinataire, mode="session", session=ctx.session.pk)
    later = SessionFactory(
        lieu=ctx.lieu,
        theme=ctx.theme,
        debut=ctx.session.debut + 7 * JOUR,
        fin=ctx.session.fin + 7 * JOUR,
    )
    response = post(
        client, "correction", destinataire, decision="acceptee", mode="session", session=later.pk
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.session == later and orientation.inscription.session == later
    assert Journal.objects.filter(action="orientation.correction").count() == 1


def test_an_ended_request_thanks_the_place_and_offers_nothing(client, ctx, placed):
    orientation, destinataire = placed
    post(client, "acceptation", destinataire, **appointment())
    orientation.refresh_from_db()
    assert decisions.finish(orientation=orientation)
    page = client.get(url_of(destinataire)).content.decode()
    assert "C&#x27;est terminé" in page or "C'est terminé" in page
    assert '<form method="post"' not in page


def test_a_request_left_unanswered_30_days_is_closed(client, ctx, placed):
    from mediation.services.orientations_relances import sweep

    orientation, destinataire = placed
    later = FROZEN_AT + 30 * JOUR
    with time_machine.travel(later, tick=False):
        sweep()
        orientation.refresh_from_db()
        assert orientation.statut == StatutOrientation.EXPIREE
        assert client.get(url_of(destinataire)).status_code == 403  # the link's 8 days, too
        post(client, "nouveau_lien", destinataire)
        destinataire.refresh_from_db()
        page = client.get(url_of(destinataire)).content.decode()
    assert "Cette demande est close" in page
    assert "Josiane" not in page and '<form method="post"' not in page


def test_the_forms_carry_the_signature_in_a_hidden_field_not_in_their_address(client, ctx, placed):
    """The token stays out of the forms' action URLs (server access logs keep those)."""
    _, destinataire = placed
    uuid, signature = link_parts(destinataire)
    html = client.get(page_url(uuid, signature)).content.decode()
    assert f'name="h" value="{signature}"' in html
    assert f"?h={signature}" not in html.replace(page_url(uuid, signature), "")
    response = client.post(
        reverse("orientation_lien:acceptation", args=[uuid]) + f"?h={signature}",
        appointment(),
    )
    assert response.status_code == 403
