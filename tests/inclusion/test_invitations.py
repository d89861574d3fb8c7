"""Invitations: who may give what, the e-mail, the signed single-use link, accepting it (new
account or existing one), expiry, re-sending, revoking, cancelling, the journal."""

import datetime
import logging
import re
import threading
import time

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from inclusion.enums import Role
from inclusion.models import (
    Invitation,
    Journal,
    Membership,
    OutgoingEmail,
    StatutEmail,
    User,
)
from inclusion.models.invitations import MotifAnnulation
from inclusion.services import invitations as services
from tests.clock import FROZEN_AT
from tests.inclusion.factories import MembershipFactory, StructureFactory, UserFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MOT_DE_PASSE = "un mot de passe tout neuf"


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
    m = MembershipFactory(
        structure=structure,
        role=Role.MEDIATEUR,
        referent=True,
        user=UserFactory(email="ref@example.org", first_name="Rémi", last_name="Dupont"),
    )
    return m.user


def codes(error):
    e = error.value
    errors = (
        [x for lst in e.error_dict.values() for x in lst]
        if hasattr(e, "error_dict")
        else e.error_list
    )
    return {x.code for x in errors}


def inviter(acteur, structure, role=Role.MEDIATEUR, email="nouveau@example.org", **kwargs):
    return services.invite(
        acteur=acteur, email=email, prenom="Nina", roles=[(structure, role, False)], **kwargs
    )


def envoyer(acteur, structure, captured, **kwargs):
    with captured(execute=True):
        invitation = inviter(acteur, structure, **kwargs)
    return invitation, lien_du_mail(mail.outbox[-1])


def lien_du_mail(message):
    return re.search(r"http://\S+/pro/invitation/\S+/", message.body).group(0)


def chemin(lien):
    return lien.split("127.0.0.1:8000", 1)[-1].split("testserver", 1)[-1]


def token_of(lien):
    return chemin(lien).rstrip("/").split("/")[-1]


# Who may give what -------------------------------------------------------------------------


def test_coordinator_grants_any_role_anywhere_and_the_flag(coordinateur, structure, autre):
    droits = services.grantable(coordinateur)
    assert droits.referent
    for s in (structure, autre):
        for role in Role.values:
            assert droits.allows(s.pk, role, referent=True)


def test_referent_grants_own_roles_and_volontaire_in_own_structure_only(referent, structure, autre):
    droits = services.grantable(referent)
    assert droits.structure_ids == {structure.pk}
    assert droits.allows(structure.pk, Role.MEDIATEUR)
    assert droits.allows(structure.pk, Role.VOLONTAIRE)
    assert not droits.allows(structure.pk, Role.PRESCRIPTEUR)
    assert not droits.allows(structure.pk, Role.COORDINATEUR)
    assert not droits.allows(structure.pk, Role.MEDIATEUR, referent=True)
    assert not droits.allows(autre.pk, Role.MEDIATEUR)


def test_plain_mediateur_may_not_invite(structure):
    mediateur = member(Role.MEDIATEUR, structure)
    assert not services.grantable(mediateur)
    with pytest.raises(ValidationError) as error:
        inviter(mediateur, structure)
    assert codes(error) == {"non_autorise"}
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("role", "referent_flag"),
    [(Role.COORDINATEUR, False), (Role.MEDIATEUR, True), (Role.PRESCRIPTEUR, False)],
)
def test_referent_refused_beyond_what_they_hold(referent, structure, role, referent_flag):
    with pytest.raises(ValidationError) as error:
        services.invite(
            acteur=referent,
            email="x@example.org",
            roles=[(structure, role, referent_flag)],
        )
    assert codes(error) == {"role_non_autorise"}


def test_referent_refused_outside_their_structure(referent, autre):
    with pytest.raises(ValidationError) as error:
        inviter(referent, autre)
    assert codes(error) == {"role_non_autorise"}


def test_inactive_structure_refused_even_to_a_coordinator(coordinateur):
    fermee = StructureFactory(active=False)
    with pytest.raises(ValidationError) as error:
        inviter(coordinateur, fermee)
    assert codes(error) == {"role_non_autorise"}


def test_no_role_refused(coordinateur):
    with pytest.raises(ValidationError) as error:
        services.invite(acteur=coordinateur, email="x@example.org", roles=[])
    assert codes(error) == {"aucun_role"}


def test_already_member_and_deactivated_account_refused(coordinateur, structure):
    deja = member(Role.MEDIATEUR, structure, email="deja@example.org")
    with pytest.raises(ValidationError) as error:
        inviter(coordinateur, structure, email=deja.email)
    assert codes(error) == {"deja_membre"}
    UserFactory(email="parti@example.org", is_active=False)
    with pytest.raises(ValidationError) as error:
        inviter(coordinateur, structure, email="parti@example.org")
    assert codes(error) == {"compte_desactive"}


def test_one_pending_invitation_per_address(coordinateur, structure):
    inviter(coordinateur, structure, email="Nouveau@Example.org")
    with pytest.raises(ValidationError) as error:
        inviter(coordinateur, structure, email="nouveau@example.org")
    assert codes(error) == {"invitation_en_attente"}


def test_an_expired_invitation_is_replaced_by_the_next(coordinateur, structure):
    ancienne = inviter(coordinateur, structure)
    with time_machine.travel(FROZEN_AT + datetime.timedelta(days=8), tick=False):
        nouvelle = inviter(coordinateur, structure)
    ancienne.refresh_from_db()
    assert ancienne.motif_annulation == MotifAnnulation.REMPLACEE
    assert ancienne.annulee_le is not None and nouvelle.annulee_le is None


def test_the_database_holds_one_open_invitation_per_address(coordinateur, structure):
    """The service's check can be raced; the constraint cannot."""
    from django.db import IntegrityError, transaction

    premiere = inviter(coordinateur, structure)
    with pytest.raises(IntegrityError), transaction.atomic():
        services._create_open_invitation(
            coordinateur, premiere.email, "", "", premiere.cree_le, None
        )


def test_a_race_lost_on_the_constraint_is_a_refusal(coordinateur, structure, monkeypatch):
    from inclusion.models.invitations import InvitationQuerySet

    inviter(coordinateur, structure)
    # As if the other invitation had been created after this one's check.
    monkeypatch.setattr(InvitationQuerySet, "en_attente", lambda self, now: self.none())
    with pytest.raises(ValidationError) as error:
        inviter(coordinateur, structure)
    assert codes(error) == {"invitation_en_attente"}
    assert Invitation.objects.count() == 1


# The e-mail --------------------------------------------------------------------------------


def test_email_names_inviter_roles_link_and_validity(
    referent, structure, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    invitation, lien = envoyer(referent, structure, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["nouveau@example.org"]
    assert message.subject == "Rémi Dupont vous invite sur Inclusion numérique"
    assert "Bonjour Nina," in message.body
    assert "Rémi Dupont (CCAS de Bègles)" in message.body
    assert "- Médiateur — CCAS de Bègles" in message.body
    assert "jusqu'au 24 novembre 2026 à 10 h" in message.body
    assert invitation.expire_le == FROZEN_AT + datetime.timedelta(days=7)
    html, _ = message.alternatives[0]
    assert lien in html
    # The secret is stored hashed only, and masked in the outbox once sent.
    token = token_of(lien)
    secret = signing.loads(token, salt=services.SALT)["s"]
    invitation.refresh_from_db()
    assert secret not in invitation.secret_hash and token not in invitation.secret_hash
    envoi = OutgoingEmail.objects.get()
    assert envoi.statut == StatutEmail.ENVOYE
    assert token not in envoi.texte and token not in envoi.html
    assert token not in caplog.text and secret not in caplog.text
    ligne = Journal.objects.get(action="invitation.creation")
    assert token not in str(ligne.details) and "nouveau@example.org" not in str(ligne.details)
    assert ligne.details["roles"] == [[structure.pk, Role.MEDIATEUR, False]]


def test_existing_account_gets_the_sign_in_email(
    coordinateur, structure, autre, django_capture_on_commit_callbacks
):
    existant = member(Role.MEDIATEUR, autre, email="existant@example.org")
    invitation, _ = envoyer(
        coordinateur, structure, django_capture_on_commit_callbacks, email="existant@example.org"
    )
    assert invitation.compte == existant
    assert "connectez-vous" in mail.outbox[-1].body


# Accepting ---------------------------------------------------------------------------------


def test_accept_new_account_signs_in_and_the_link_dies(
    referent, structure, django_capture_on_commit_callbacks
):
    invitation, lien = envoyer(referent, structure, django_capture_on_commit_callbacks)
    client = Client()
    page = client.get(chemin(lien))
    assert page.status_code == 200
    assert "Créer votre compte" in page.content.decode()
    response = client.post(
        chemin(lien),
        {"prenom": "Nina", "nom": "Martin", "password1": MOT_DE_PASSE, "password2": MOT_DE_PASSE},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:accueil")
    user = User.objects.get(email="nouveau@example.org")
    assert (user.first_name, user.last_name) == ("Nina", "Martin")
    assert not user.is_staff and not user.is_superuser
    assert user.check_password(MOT_DE_PASSE)
    m = Membership.objects.get(user=user)
    assert (m.structure, m.role, m.referent, m.active) == (structure, Role.MEDIATEUR, False, True)
    assert client.get(reverse("pro:accueil")).status_code == 200  # signed in
    invitation.refresh_from_db()
    assert invitation.acceptee_le == FROZEN_AT and invitation.compte == user
    again = Client().get(chemin(lien))
    assert again.status_code == 410
    assert "déjà été acceptée" in again.content.decode()
    actions = list(Journal.objects.order_by("pk").values_list("action", flat=True))
    assert actions[0] == "invitation.creation"
    assert actions[-1] == "invitation.acceptee"
    assert "membre.ajout" in actions and "utilisateur.creation" in actions


def test_accept_refuses_weak_password_in_french(
    coordinateur, structure, django_capture_on_commit_callbacks
):
    _, lien = envoyer(coordinateur, structure, django_capture_on_commit_callbacks)
    response = Client().post(
        chemin(lien), {"prenom": "Nina", "nom": "M", "password1": "court", "password2": "court"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Ce mot de passe est trop court" in page
    assert 'aria-describedby="id_password1_' in page
    assert not User.objects.filter(email="nouveau@example.org").exists()


def test_referent_flag_given_by_coordinator_is_kept(
    coordinateur, structure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            acteur=coordinateur,
            email="ref2@example.org",
            roles=[(structure, Role.PRESCRIPTEUR, True)],
        )
    token = token_of(lien_du_mail(mail.outbox[-1]))
    user = services.accept_new_account(token=token, prenom="Léa", nom="Roux", password=MOT_DE_PASSE)
    assert Membership.objects.get(user=user).referent


def test_existing_account_signs_in_then_joins(
    coordinateur, structure, autre, django_capture_on_commit_callbacks
):
    existant = member(Role.MEDIATEUR, autre, email="existant@example.org")
    _, lien = envoyer(
        coordinateur, structure, django_capture_on_commit_callbacks, email="existant@example.org"
    )
    client = Client()
    page = client.get(chemin(lien)).content.decode()
    assert "Connectez-vous d'abord" in page
    assert f"{reverse('pro:connexion')}?next={chemin(lien).replace(':', '%3A')}" in page
    # Someone else signed in: told so, with a sign-out button.
    intrus = Client()
    intrus.force_login(coordinateur)
    response = intrus.get(chemin(lien))
    assert response.status_code == 403
    assert "Se déconnecter" in response.content.decode()
    assert intrus.post(chemin(lien)).status_code == 403
    # The invited account: the roles, then "Rejoindre".
    client.force_login(existant)
    page = client.get(chemin(lien)).content.decode()
    assert "Rejoindre" in page and "CCAS de Bègles" in page
    assert client.post(chemin(lien)).status_code == 302
    assert Membership.objects.filter(user=existant, structure=structure).exists()
    assert client.get(chemin(lien)).status_code == 410


def test_accept_existing_account_service_refuses_another_user(
    coordinateur, structure, django_capture_on_commit_callbacks
):
    member(Role.MEDIATEUR, email="existant@example.org")
    _, lien = envoyer(
        coordinateur, structure, django_capture_on_commit_callbacks, email="existant@example.org"
    )
    with pytest.raises(ValidationError) as error:
        services.accept_existing_account(token=token_of(lien), user=coordinateur)
    assert codes(error) == {"autre_compte"}
    with pytest.raises(ValidationError) as error:
        services.accept_new_account(
            token=token_of(lien), prenom="A", nom="B", password=MOT_DE_PASSE
        )
    assert codes(error) == {"compte_existant"}


def test_expiry_day_seven_ok_after_refused(
    coordinateur, structure, django_capture_on_commit_callbacks
):
    _, lien = envoyer(coordinateur, structure, django_capture_on_commit_callbacks)
    token = token_of(lien)
    with time_machine.travel(FROZEN_AT + datetime.timedelta(days=7, seconds=-60), tick=False):
        assert services.invitation_for_token(token).code == ""
        assert Client().get(chemin(lien)).status_code == 200
    with time_machine.travel(FROZEN_AT + datetime.timedelta(days=7, seconds=1), tick=False):
        assert services.invitation_for_token(token).code == "expiree"
        response = Client().get(chemin(lien))
        assert response.status_code == 410
        assert "renvoyer l'invitation" in response.content.decode()
        with pytest.raises(ValidationError) as error:
            services.accept_new_account(token=token, prenom="A", nom="B", password=MOT_DE_PASSE)
        assert codes(error) == {"expiree"}


def test_tampered_token_is_invalid(coordinateur, structure, django_capture_on_commit_callbacks):
    invitation, lien = envoyer(coordinateur, structure, django_capture_on_commit_callbacks)
    token = token_of(lien)
    assert services.invitation_for_token(token[:-2] + "xx").code == "lien_invalide"
    forged = signing.dumps({"i": invitation.pk, "s": "devine"}, salt=services.SALT)
    assert services.invitation_for_token(forged).code == "lien_invalide"
    other_salt = signing.dumps({"i": invitation.pk, "s": "x"})
    assert services.invitation_for_token(other_salt).code == "lien_invalide"
    response = Client().get(reverse("invitations:accepter", args=["pas-un-jeton"]))
    assert response.status_code == 404
    assert "Ce lien d'invitation ne marche plus" in response.content.decode()


# Re-sending, revoking, cancelling -----------------------------------------------------------


def test_resend_kills_the_old_link(referent, structure, django_capture_on_commit_callbacks):
    invitation, ancien = envoyer(referent, structure, django_capture_on_commit_callbacks)
    with time_machine.travel(FROZEN_AT + datetime.timedelta(days=3), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.resend(acteur=referent, invitation=invitation)
    nouveau = lien_du_mail(mail.outbox[-1])
    assert nouveau != ancien
    invitation.refresh_from_db()
    assert invitation.envois == 2
    assert invitation.expire_le == FROZEN_AT + datetime.timedelta(days=10)
    assert services.invitation_for_token(token_of(ancien)).code == "lien_invalide"
    assert services.invitation_for_token(token_of(nouveau)).invitation == invitation
    assert Journal.objects.filter(action="invitation.renvoi").count() == 1


def test_resend_to_an_address_that_got_an_account_since(
    coordinateur, structure, autre, django_capture_on_commit_callbacks
):
    invitation = inviter(coordinateur, structure)
    existant = member(Role.MEDIATEUR, autre, email="nouveau@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(acteur=coordinateur, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.compte == existant
    assert "connectez-vous" in mail.outbox[-1].body


def test_revoke_kills_the_link(coordinateur, structure, django_capture_on_commit_callbacks):
    invitation, lien = envoyer(coordinateur, structure, django_capture_on_commit_callbacks)
    services.revoke(acteur=coordinateur, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.motif_annulation == MotifAnnulation.REVOQUEE
    assert invitation.annulee_par == coordinateur
    assert services.invitation_for_token(token_of(lien)).code == "annulee"
    assert Client().get(chemin(lien)).status_code == 410
    with pytest.raises(ValidationError) as error:
        services.revoke(acteur=coordinateur, invitation=invitation)
    assert codes(error) == {"plus_en_attente"}
    assert Journal.objects.filter(action="invitation.revocation").count() == 1


def test_who_may_resend_or_revoke(coordinateur, referent, structure, autre):
    invitation = inviter(coordinateur, structure)
    assert services.can_manage_invitation(referent, invitation)  # référent of its structure
    ailleurs = inviter(coordinateur, autre, email="b@example.org")
    assert not services.can_manage_invitation(referent, ailleurs)
    with pytest.raises(ValidationError) as error:
        services.revoke(acteur=referent, invitation=ailleurs)
    assert codes(error) == {"gestion_non_autorisee"}
    mediateur = member(Role.MEDIATEUR, structure)
    assert not services.can_manage_invitation(mediateur, invitation)


def test_cancel_pending_invitations_sent_by_and_to_the_account(coordinateur, referent, structure):
    envoyee = inviter(referent, structure, email="a@example.org")
    recue = inviter(coordinateur, structure, email="ref@example.org", role=Role.VOLONTAIRE)
    autre = inviter(coordinateur, structure, email="c@example.org")
    assert services.cancel_pending_invitations(acteur=coordinateur, user=referent) == 2
    for invitation in (envoyee, recue):
        invitation.refresh_from_db()
        assert invitation.motif_annulation == MotifAnnulation.COMPTE_DESACTIVE
    autre.refresh_from_db()
    assert autre.annulee_le is None
    assert Journal.objects.filter(action="invitation.annulation").count() == 2
    assert services.cancel_pending_invitations(acteur=coordinateur, user=referent) == 0


def test_pending_for_is_scoped(coordinateur, referent, structure, autre):
    ici = inviter(coordinateur, structure)
    inviter(coordinateur, autre, email="b@example.org")
    assert list(services.pending_for(referent)) == [ici]
    assert services.pending_for(coordinateur).count() == 2
    assert not services.pending_for(member(Role.MEDIATEUR, structure)).exists()


# Concurrency -------------------------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_make_one_account(monkeypatch):
    structure = StructureFactory()
    coordinateur = member(Role.COORDINATEUR)
    invitation = inviter(coordinateur, structure)
    token, invitation.secret_hash = services._new_secret(invitation)
    invitation.save(update_fields=["secret_hash"])

    # Both threads read the link, then race for the row: the first holds it a while.
    barrier = threading.Barrier(2, timeout=10)
    check, account_for = services._check_token, services.account_for

    def check_together(token):
        barrier.wait()
        return check(token)

    def slow_account_for(inv):
        time.sleep(0.3)
        return account_for(inv)

    monkeypatch.setattr(services, "_check_token", check_together)
    monkeypatch.setattr(services, "account_for", slow_account_for)
    results = []

    def accept():
        try:
            services.accept_new_account(token=token, prenom="A", nom="B", password=MOT_DE_PASSE)
            results.append("ok")
        except ValidationError as error:
            results.append(error.error_list[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["deja_acceptee", "ok"]
    assert User.objects.filter(email="nouveau@example.org").count() == 1
