"""The "Équipe" page: members and pending invitations in the actor's scope, inviting,
re-sending and revoking."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import Invitation, Journal
from inclusion.services import invitations as services
from tests.inclusion.factories import MembershipFactory, StructureFactory, UserFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LISTE = "/pro/equipe/"
INVITER = "/pro/equipe/inviter/"


@pytest.fixture
def structure():
    return StructureFactory(nom="CCAS de Bègles")


@pytest.fixture
def autre():
    return StructureFactory(nom="Médiathèque")


@pytest.fixture
def coordinateur():
    return member(Role.COORDINATEUR, email="coord@example.org", first_name="Claire")


@pytest.fixture
def referent(structure):
    return MembershipFactory(
        structure=structure,
        role=Role.MEDIATEUR,
        referent=True,
        user=UserFactory(email="ref@example.org", first_name="Rémi"),
    ).user


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def donnees(email="nouveau@example.org", **lignes):
    data = {
        "email": email,
        "prenom": "Nina",
        "nom": "",
        "roles-TOTAL_FORMS": "3",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "3",
    }
    data.update({f"roles-{k.replace('_', '-', 1)}": v for k, v in lignes.items()})
    return data


def test_anonymous_is_sent_to_sign_in():
    for url in (LISTE, INVITER):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("pro:connexion"))


def test_plain_members_are_refused(structure):
    client = client_for(member(Role.MEDIATEUR, structure))
    assert client.get(LISTE).status_code == 403
    assert client.get(INVITER).status_code == 403


def test_menu_entry_for_those_who_invite(referent, structure):
    assert 'href="/pro/equipe/"' in client_for(referent).get("/pro/").content.decode()
    page = client_for(member(Role.MEDIATEUR, structure)).get("/pro/").content.decode()
    assert 'href="/pro/equipe/"' not in page


def test_referent_sees_own_structure_only(referent, coordinateur, structure, autre):
    member(Role.PRESCRIPTEUR, structure, email="ici@example.org")
    member(Role.PRESCRIPTEUR, autre, email="ailleurs@example.org")
    services.invite(
        acteur=coordinateur, email="inv-ici@example.org", roles=[(structure, Role.MEDIATEUR, 0)]
    )
    services.invite(
        acteur=coordinateur, email="inv-ailleurs@example.org", roles=[(autre, Role.MEDIATEUR, 0)]
    )
    page = client_for(referent).get(LISTE).content.decode()
    assert "ici@example.org" in page and "inv-ici@example.org" in page
    assert "ailleurs@example.org" not in page and "inv-ailleurs@example.org" not in page
    assert "(référent)" in page
    # Asking for another structure in the filter changes nothing.
    page = client_for(referent).get(LISTE, {"structure": autre.pk}).content.decode()
    assert "ailleurs@example.org" not in page


def test_coordinator_sees_all_and_filters(coordinateur, structure, autre):
    member(Role.PRESCRIPTEUR, structure, email="ici@example.org")
    member(Role.PRESCRIPTEUR, autre, email="ailleurs@example.org")
    client = client_for(coordinateur)
    page = client.get(LISTE).content.decode()
    assert "ici@example.org" in page and "ailleurs@example.org" in page
    page = client.get(LISTE, {"structure": structure.pk}).content.decode()
    assert "ici@example.org" in page and "ailleurs@example.org" not in page


def _peupler(structure, coordinateur, n):
    for i in range(n):
        user = member(Role.MEDIATEUR, structure, email=f"m{n}-{i}@example.org")
        MembershipFactory(user=user, structure=StructureFactory(), role=Role.VOLONTAIRE)
        services.invite(
            acteur=coordinateur,
            email=f"i{n}-{i}@example.org",
            roles=[(structure, Role.MEDIATEUR, False), (StructureFactory(), Role.VOLONTAIRE, 0)],
        )


@pytest.mark.usefixtures("habillage_en_cache")
def test_query_count_does_not_grow_with_members(
    coordinateur, structure, django_assert_max_num_queries
):
    client = client_for(coordinateur)
    _peupler(structure, coordinateur, 1)
    client.get(LISTE)  # warm up
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as petit:
        assert client.get(LISTE).status_code == 200
    _peupler(structure, coordinateur, 12)
    with django_assert_max_num_queries(len(petit)):
        page = client.get(LISTE)
    assert page.content.decode().count("@example.org") > 25


def test_members_paginated(coordinateur, structure, monkeypatch):
    from inclusion.views import equipe

    monkeypatch.setattr(equipe, "PAGE_SIZE", 2)
    for i in range(3):
        member(Role.MEDIATEUR, structure, email=f"p{i}@example.org")
    page = client_for(coordinateur).get(LISTE).content.decode()
    assert "Page 1 sur 2" in page


def test_manage_links_only_when_allowed(coordinateur, referent, structure):
    """A coordinator deactivates, reactivates and resets a second factor; a référent never."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from inclusion.services import comptes

    TOTPDevice.objects.create(user=referent, name="app", confirmed=True)
    pour_le_referent = client_for(referent).get(LISTE).content.decode()
    assert "Désactiver le compte" not in pour_le_referent
    assert "Réinitialiser la double authentification" not in pour_le_referent

    page = client_for(coordinateur).get(LISTE).content.decode()
    assert reverse("gestion_comptes:desactiver", kwargs={"pk": referent.pk}) in page
    assert reverse("double_facteur:reinitialiser", kwargs={"pk": referent.pk}) in page
    assert "Activée" in page

    parti = member(Role.MEDIATEUR, structure, email="parti@example.org")
    comptes.deactivate_account(acteur=coordinateur, user=parti)
    page = client_for(coordinateur).get(LISTE).content.decode()
    assert reverse("gestion_comptes:reactiver", kwargs={"pk": parti.pk}) in page
    assert reverse("gestion_comptes:desactiver", kwargs={"pk": parti.pk}) not in page


def test_invite_page_happy_path(referent, structure, django_capture_on_commit_callbacks):
    client = client_for(referent)
    page = client.get(INVITER).content.decode()
    assert "Référent de la structure" not in page  # the flag is for coordinators
    assert "Médiathèque" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            INVITER, donnees(**{"0_structure": structure.pk, "0_role": "mediateur"})
        )
    assert response.status_code == 302
    assert response["Location"] == LISTE
    invitation = Invitation.objects.get()
    assert invitation.invite_par == referent
    assert [(r.structure, r.role) for r in invitation.roles.all()] == [(structure, "mediateur")]
    assert mail.outbox[-1].to == ["nouveau@example.org"]
    page = client.get(LISTE).content.decode()
    assert "nouveau@example.org" in page and "Renvoyer" in page


def test_coordinator_sees_the_referent_checkbox(coordinateur):
    assert "Référent de la structure" in client_for(coordinateur).get(INVITER).content.decode()


def test_invite_page_bad_input(referent, structure, autre):
    client = client_for(referent)
    response = client.post(INVITER, donnees(email="pas-une-adresse"))
    assert response.status_code == 422
    assert "pas valide (exemple" in response.content.decode()
    # A structure outside the référent's choices.
    response = client.post(INVITER, donnees(**{"0_structure": autre.pk, "0_role": "mediateur"}))
    assert response.status_code == 422
    assert "Choisissez une structure de la liste." in response.content.decode()
    # No role at all: the service's refusal on the form.
    response = client.post(INVITER, donnees())
    assert response.status_code == 422
    assert "Choisissez au moins un rôle" in response.content.decode()
    # A structure without its role.
    response = client.post(INVITER, donnees(**{"0_structure": structure.pk}))
    assert "Choisissez le rôle dans cette structure." in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_page_pending_invitation_refused(coordinateur, structure):
    services.invite(
        acteur=coordinateur, email="nouveau@example.org", roles=[(structure, "mediateur", 0)]
    )
    response = client_for(coordinateur).post(
        INVITER, donnees(**{"0_structure": structure.pk, "0_role": "mediateur"})
    )
    assert response.status_code == 422
    assert "renvoyez-la" in response.content.decode()


def test_resend_and_revoke_buttons(
    coordinateur, referent, structure, django_capture_on_commit_callbacks
):
    invitation = services.invite(
        acteur=coordinateur, email="nouveau@example.org", roles=[(structure, "mediateur", 0)]
    )
    client = client_for(referent)
    renvoyer = reverse("equipe:renvoyer", kwargs={"pk": invitation.pk})
    revoquer = reverse("equipe:revoquer", kwargs={"pk": invitation.pk})
    assert client.get(renvoyer).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(renvoyer).status_code == 302
    invitation.refresh_from_db()
    assert invitation.envois == 2
    # Révoquer asks first.
    confirmation = client.post(revoquer)
    assert confirmation.status_code == 200
    assert 'name="confirmer" value="1"' in confirmation.content.decode()
    invitation.refresh_from_db()
    assert invitation.annulee_le is None
    assert client.post(revoquer, {"confirmer": "1"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.annulee_le is not None
    assert list(
        Journal.objects.filter(objet_id=str(invitation.pk))
        .values_list("action", flat=True)
        .order_by("pk")
    ) == [
        "invitation.creation",
        "invitation.renvoi",
        "invitation.revocation",
    ]


def test_resend_and_revoke_outside_scope(coordinateur, referent, autre, structure):
    ailleurs = services.invite(
        acteur=coordinateur, email="b@example.org", roles=[(autre, "mediateur", 0)]
    )
    client = client_for(referent)
    for name in ("equipe:renvoyer", "equipe:revoquer"):
        url = reverse(name, kwargs={"pk": ailleurs.pk})
        assert client.post(url, {"confirmer": "1"}).status_code == 404
        assert client_for(member(Role.MEDIATEUR, structure)).post(url).status_code == 403
    # Visible but shared with a structure the référent does not run: 403.
    mixte = services.invite(
        acteur=coordinateur,
        email="c@example.org",
        roles=[(structure, "mediateur", 0), (autre, "mediateur", 0)],
    )
    url = reverse("equipe:revoquer", kwargs={"pk": mixte.pk})
    assert client.post(url, {"confirmer": "1"}).status_code == 403
    ailleurs.refresh_from_db()
    mixte.refresh_from_db()
    assert ailleurs.annulee_le is None and mixte.annulee_le is None
