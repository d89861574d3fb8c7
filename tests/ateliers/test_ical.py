"""iCal feeds: public per lieu, private per médiateur behind a revocable token."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers import ical
from ateliers.enums import Canal, StatutSession
from ateliers.models import CalendrierMediateur, Session
from ateliers.services import registrations
from inclusion.enums import Role
from inclusion.models import Journal
from tests.ateliers.factories import SessionFactory, setup_atelier
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _inscrire(ctx, n, session=None):
    structure = ctx["prescripteur"].memberships.get().structure
    people = [
        BeneficiaireFactory(structure=structure, consentant=True, prenom=f"Josiane{i}")
        for i in range(n)
    ]
    for p in people:
        registrations.register(
            session=session or ctx["session"],
            beneficiaire=p,
            canal=Canal.PRO,
            acteur=ctx["prescripteur"],
        )
    return people


def _events(response):
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    return list(cal.walk("VEVENT"))


def _sans_donnees_personnelles(content, people):
    texte = content.decode()
    for p in people:
        assert p.prenom not in texte
        assert p.nom not in texte
        assert str(p.telephone) not in texte
        assert str(p.telephone)[-6:] not in texte


# --- Public feed of a lieu -------------------------------------------------------------------


def test_flux_lieu_public_sans_donnees_personnelles(client):
    ctx = setup_atelier(capacite=3)
    session = ctx["session"]
    people = _inscrire(ctx, 5)  # 3 seats, 2 on the waiting list
    annulee = SessionFactory(
        lieu=session.lieu, theme=session.theme, debut=session.debut + datetime.timedelta(days=7)
    )
    Session.objects.filter(pk=annulee.pk).update(statut=StatutSession.ANNULEE)
    # Out of the feed: another lieu, and more than 90 days ahead.
    SessionFactory()
    SessionFactory(lieu=session.lieu, debut=timezone.now() + datetime.timedelta(days=95))

    response = client.get(reverse("ateliers_public:flux_lieu", args=[session.lieu.uuid]))

    assert response.status_code == 200
    events = _events(response)
    assert len(events) == 2
    first, second = events
    assert str(first["UID"]) == f"{session.ical_uid}@ateliers"
    assert str(first["SUMMARY"]) == session.theme.titre_falc
    assert session.lieu.nom in str(first["LOCATION"])
    assert session.lieu.adresse in str(first["LOCATION"])
    assert "Complet — liste d'attente : 2 personnes." in str(first["DESCRIPTION"])
    assert str(first["STATUS"]) == "CONFIRMED"
    assert str(second["STATUS"]) == "CANCELLED"
    # UTC on the wire, the same instant as the Paris time.
    assert first["DTSTART"].dt == session.debut.replace(microsecond=0)
    assert first["DTSTART"].dt.utcoffset() == datetime.timedelta(0)
    assert b"DTSTART:" in response.content and b"Z\r\n" in response.content
    _sans_donnees_personnelles(response.content, people)
    assert "personne" not in str(first.get("ATTENDEE", ""))


def test_flux_lieu_places_en_mots(client):
    ctx = setup_atelier(capacite=10)
    _inscrire(ctx, 1)
    response = client.get(reverse("ateliers_public:flux_lieu", args=[ctx["session"].lieu.uuid]))
    [event] = _events(response)
    assert str(event["DESCRIPTION"]).startswith("9 places libres.")


def test_flux_lieu_inconnu_ou_inactif_404(client):
    import uuid

    assert client.get(f"/ateliers/lieux/{uuid.uuid4()}.ics").status_code == 404
    lieu = LieuFactory(actif=False)
    assert client.get(f"/ateliers/lieux/{lieu.uuid}.ics").status_code == 404
    assert client.get("/ateliers/lieux/pas-un-uuid.ics").status_code == 404


def test_flux_lieu_refuse_post(client):
    lieu = LieuFactory()
    assert client.post(f"/ateliers/lieux/{lieu.uuid}.ics").status_code == 405


def test_flux_lieu_nombre_de_requetes_constant(client, django_assert_num_queries):
    ctx = setup_atelier()
    url = reverse("ateliers_public:flux_lieu", args=[ctx["session"].lieu.uuid])
    with django_assert_num_queries(2):
        client.get(url)
    for i in range(10):
        SessionFactory(
            lieu=ctx["session"].lieu, debut=timezone.now() + datetime.timedelta(days=4 + i)
        )
    with django_assert_num_queries(2):
        client.get(url)


# --- Private feed of a médiateur -------------------------------------------------------------


def test_flux_mediateur_sessions_animees_et_de_ses_lieux(client):
    ctx = setup_atelier(capacite=2)
    mediateur = ctx["mediateur"]
    people = _inscrire(ctx, 3)
    # Animated elsewhere, in another structure's lieu.
    ailleurs = SessionFactory()
    ailleurs.animateurs.add(mediateur, member(Role.MEDIATEUR))
    # Another session of the médiateur's structure, animated by a colleague.
    collegue = SessionFactory(
        lieu=ctx["session"].lieu, debut=timezone.now() + datetime.timedelta(days=5)
    )
    # Not theirs.
    SessionFactory()
    calendrier = ical.regenerate_calendrier(user=mediateur)

    response = client.get(reverse("ateliers_public:flux_mediateur", args=[calendrier.token]))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    events = _events(response)
    uids = {str(e["UID"]) for e in events}
    assert uids == {f"{s.ical_uid}@ateliers" for s in (ctx["session"], ailleurs, collegue)}
    mine = next(e for e in events if str(e["UID"]).startswith(str(ctx["session"].ical_uid)))
    assert "Inscrits : 2 sur 2 places." in str(mine["DESCRIPTION"])
    assert "Liste d'attente : 1 personne." in str(mine["DESCRIPTION"])
    _sans_donnees_personnelles(response.content, people)


def test_flux_mediateur_404_apres_revocation_et_regeneration(client):
    ctx = setup_atelier()
    mediateur = ctx["mediateur"]
    ancien = ical.regenerate_calendrier(user=mediateur).token
    url = reverse("ateliers_public:flux_mediateur", args=[ancien])
    assert client.get(url).status_code == 200

    nouveau = ical.regenerate_calendrier(user=mediateur).token
    assert nouveau != ancien
    assert client.get(url).status_code == 404
    nouvelle_url = reverse("ateliers_public:flux_mediateur", args=[nouveau])
    assert client.get(nouvelle_url).status_code == 200

    assert ical.revoke_calendrier(user=mediateur) is True
    assert client.get(nouvelle_url).status_code == 404
    assert client.get(url).status_code == 404
    assert ical.revoke_calendrier(user=mediateur) is False


def test_flux_mediateur_404_si_plus_mediateur(client):
    ctx = setup_atelier()
    token = ical.regenerate_calendrier(user=ctx["mediateur"]).token
    ctx["mediateur"].memberships.update(active=False)
    url = reverse("ateliers_public:flux_mediateur", args=[token])
    assert client.get(url).status_code == 404


def test_flux_mediateur_jeton_inconnu(client):
    assert client.get("/ateliers/calendrier/inconnu.ics").status_code == 404
    assert client.get("/ateliers/calendrier/a.b.ics").status_code == 404


# --- The médiateur's page ------------------------------------------------------------------


def test_page_calendrier_anonyme_redirige(client):
    response = client.get(reverse("ateliers_public:calendrier"))
    assert response.status_code == 302
    assert "connexion" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("role", [Role.PRESCRIPTEUR, Role.VOLONTAIRE])
def test_page_calendrier_refusee_aux_autres_roles(client, role):
    client.force_login(member(role))
    assert client.get(reverse("ateliers_public:calendrier")).status_code == 403
    assert (
        client.post(reverse("ateliers_public:calendrier"), {"action": "regenerer"}).status_code
        == 403
    )
    assert not CalendrierMediateur.objects.exists()


def test_page_calendrier_creer_regenerer_revoquer(client):
    ctx = setup_atelier()
    mediateur = ctx["mediateur"]
    client.force_login(mediateur)
    url = reverse("ateliers_public:calendrier")

    page = client.get(url)
    assert page.status_code == 200
    assert "Créer mon adresse de calendrier" in page.text
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]

    assert client.post(url, {"action": "regenerer"}).status_code == 302
    premier = CalendrierMediateur.objects.get(user=mediateur).token
    page = client.get(url)
    assert premier in page.text
    assert "Désactiver l'adresse" in page.text

    client.post(url, {"action": "regenerer"})
    second = CalendrierMediateur.objects.get(user=mediateur).token
    assert second != premier
    assert client.get(f"/ateliers/calendrier/{premier}.ics").status_code == 404

    response = client.post(url, {"action": "revoquer"}, follow=True)
    assert "désactivée" in response.text
    assert client.get(f"/ateliers/calendrier/{second}.ics").status_code == 404
    assert second not in client.get(url).text
    actions = list(
        Journal.objects.filter(action__startswith="ateliers.calendrier").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "ateliers.calendrier.creation",
        "ateliers.calendrier.creation",
        "ateliers.calendrier.revocation",
    ]


def test_page_calendrier_action_inconnue(client):
    ctx = setup_atelier()
    client.force_login(ctx["mediateur"])
    response = client.post(reverse("ateliers_public:calendrier"), {"action": "supprimer"})
    assert response.status_code == 400
    assert "Action inconnue" in response.text
    assert not CalendrierMediateur.objects.exists()
