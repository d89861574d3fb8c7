"""Leavers: a coordinator deactivates an account (sessions, memberships, kiosk PINs, private
calendar, invitations), or reactivates it; history stays attributed."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ateliers import ical
from ateliers.models import CalendrierMediateur
from inclusion.enums import Role
from inclusion.models import Invitation, Journal, Membership, MotifAnnulation, User
from inclusion.services import comptes
from mediation.models import CodePin
from mediation.services import bornes
from tests.inclusion.factories import StructureFactory, UserFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

ACCUEIL = "/pro/"


@pytest.fixture
def structure():
    return StructureFactory()


@pytest.fixture
def coordinatrice(structure):
    return member(Role.COORDINATEUR, structure, email="coordination@agglo.example")


@pytest.fixture
def partant(structure, coordinatrice):
    """A médiateur who is also a kiosk volunteer, with a PIN and a private calendar."""
    user = member(Role.MEDIATEUR, structure, email="partant@agglo.example")
    autre = StructureFactory()
    Membership.objects.create(user=user, structure=autre, role=Role.VOLONTAIRE)
    bornes.set_pin(acteur=coordinatrice, user=user, structure=structure, pin="2580")
    ical.regenerate_calendrier(user=user)
    return user


def _invitation(invite_par, email, **kwargs):
    now = timezone.now()
    return Invitation.objects.create(
        email=email,
        invite_par=invite_par,
        cree_le=now,
        envoyee_le=now,
        expire_le=now + datetime.timedelta(days=7),
        secret_hash="x" * 64,
        **kwargs,
    )


def _signed_in(user):
    client = Client()
    client.force_login(user)
    assert client.get(ACCUEIL).status_code == 200
    return client


def _goes_to_sign_in(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("pro:connexion"))


def test_deactivation_ends_a_session_opened_elsewhere(partant, coordinatrice):
    ailleurs = _signed_in(partant)
    comptes.deactivate_account(acteur=coordinatrice, user=partant)
    assert _goes_to_sign_in(ailleurs.get(ACCUEIL))
    # …and the password no longer opens it.
    assert not Client().login(email=partant.email, password="mot-de-passe-test-123")


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
)
def test_every_session_store(settings, engine, partant, coordinatrice):
    settings.SESSION_ENGINE = engine
    ailleurs = _signed_in(partant)
    comptes.deactivate_account(acteur=coordinatrice, user=partant)
    assert _goes_to_sign_in(ailleurs.get(ACCUEIL))


def test_memberships_end_with_a_date(partant, coordinatrice, frozen):
    resultat = comptes.deactivate_account(acteur=coordinatrice, user=partant)
    assert resultat.rattachements == 2
    rattachements = list(Membership.objects.filter(user=partant))
    assert len(rattachements) == 2  # ended, never deleted
    assert all(not m.active and m.termine_le == frozen for m in rattachements)
    assert Journal.objects.filter(action="membre.retrait", acteur=coordinatrice).count() == 2
    partant.refresh_from_db()
    assert not partant.is_active
    assert partant.desactive_le == frozen
    assert partant.generation_sessions == 1


def test_kiosk_pins_and_private_calendar_are_revoked(partant, coordinatrice, frozen):
    jeton = CalendrierMediateur.objects.get(user=partant).token
    resultat = comptes.deactivate_account(acteur=coordinatrice, user=partant)
    assert resultat.revocations == {"calendrier": 1, "kiosque": 1}
    assert resultat.revoques == 2
    assert not CodePin.objects.filter(user=partant).exists()
    calendrier = CalendrierMediateur.objects.get(user=partant)
    assert calendrier.revoque_le == frozen
    assert ical.calendrier_actif(jeton) is None
    assert Journal.objects.filter(action="kiosque.pin.suppression", acteur=coordinatrice).exists()


def test_pending_invitations_are_cancelled(partant, coordinatrice, frozen):
    envoyee = _invitation(partant, "recrue@agglo.example")
    recue = _invitation(coordinatrice, partant.email, compte=partant)
    acceptee = _invitation(partant, "deja@agglo.example", acceptee_le=frozen)
    autre = _invitation(coordinatrice, "autre@agglo.example")
    resultat = comptes.deactivate_account(acteur=coordinatrice, user=partant)
    assert resultat.invitations == 2
    for invitation in (envoyee, recue):
        invitation.refresh_from_db()
        assert invitation.annulee_le == frozen
        assert invitation.motif_annulation == MotifAnnulation.COMPTE_DESACTIVE
    for invitation in (acceptee, autre):
        invitation.refresh_from_db()
        assert invitation.annulee_le is None


def test_journal_has_counts_and_history_stays_attributed(partant, coordinatrice):
    avant = Journal.objects.create(acteur=partant, action="test.avant", details={})
    comptes.deactivate_account(acteur=coordinatrice, user=partant)
    ligne = Journal.objects.get(action="compte.desactive")
    assert ligne.acteur == coordinatrice
    assert ligne.objet_id == str(partant.pk)
    assert ligne.details == {
        "rattachements": 2,
        "revocations": {"calendrier": 1, "kiosque": 1},
        "invitations": 0,
    }
    avant.refresh_from_db()
    assert avant.acteur == partant  # nothing deleted, nothing re-attributed
    assert User.objects.filter(pk=partant.pk).exists()
    assert mail.outbox == []  # a leaver's mailbox may be gone: nobody is told


@pytest.mark.parametrize("qui", ["mediateur", "soi", "superutilisateur"])
def test_refused_without_the_right(qui, structure, coordinatrice, partant):
    acteur = coordinatrice
    cible = partant
    if qui == "mediateur":
        acteur = member(Role.MEDIATEUR, structure)
    elif qui == "soi":
        member(Role.COORDINATEUR, structure)  # not the last one: refused for being oneself
        cible = coordinatrice
    else:
        cible = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as refus:
        comptes.deactivate_account(acteur=acteur, user=cible)
    assert refus.value.code == "non_autorise"
    cible.refresh_from_db()
    assert cible.is_active


def test_already_deactivated(partant, coordinatrice):
    comptes.deactivate_account(acteur=coordinatrice, user=partant)
    with pytest.raises(ValidationError) as refus:
        comptes.deactivate_account(acteur=coordinatrice, user=partant)
    assert refus.value.code == "deja_desactive"


def test_last_coordinator_is_kept(coordinatrice):
    admin = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as refus:
        comptes.deactivate_account(acteur=admin, user=coordinatrice)
    assert refus.value.code == "dernier_coordinateur"
    coordinatrice.refresh_from_db()
    assert coordinatrice.is_active
    assert Membership.objects.get(user=coordinatrice).active
    # With another active coordinator, it goes through.
    member(Role.COORDINATEUR)
    comptes.deactivate_account(acteur=admin, user=coordinatrice)


def test_reactivation_gives_no_membership_back(partant, coordinatrice):
    comptes.deactivate_account(acteur=coordinatrice, user=partant)
    comptes.reactivate_account(acteur=coordinatrice, user=partant)
    partant.refresh_from_db()
    assert partant.is_active and partant.desactive_le is None
    assert not Membership.objects.filter(user=partant, active=True).exists()
    assert Journal.objects.filter(action="compte.reactive", acteur=coordinatrice).exists()
    assert Client().login(email=partant.email, password="mot-de-passe-test-123")
    with pytest.raises(ValidationError) as refus:
        comptes.reactivate_account(acteur=coordinatrice, user=partant)
    assert refus.value.code == "deja_actif"


# --- Pages -----------------------------------------------------------------------------------


def _url(name, user):
    return reverse(f"gestion_comptes:{name}", kwargs={"pk": user.pk})


def test_anonymous_goes_to_sign_in(partant):
    for name in ("desactiver", "reactiver"):
        assert _goes_to_sign_in(Client().get(_url(name, partant)))


def test_unknown_account_is_404(coordinatrice):
    client = _signed_in(coordinatrice)
    assert (
        client.get(reverse("gestion_comptes:desactiver", kwargs={"pk": 999999})).status_code == 404
    )


@pytest.mark.parametrize("qui", ["mediateur", "soi", "superutilisateur"])
def test_pages_are_403_without_the_right(qui, structure, coordinatrice, partant):
    acteur, cible = coordinatrice, partant
    if qui == "mediateur":
        acteur = member(Role.MEDIATEUR, structure)
    elif qui == "soi":
        cible = coordinatrice
    else:
        cible = UserFactory(is_superuser=True)
    client = _signed_in(acteur)
    for name in ("desactiver", "reactiver"):
        assert client.get(_url(name, cible)).status_code == 403
        assert client.post(_url(name, cible)).status_code == 403
    cible.refresh_from_db()
    assert cible.is_active


def test_confirmation_page_lists_what_will_happen(
    partant, coordinatrice, django_assert_max_num_queries
):
    _invitation(partant, "recrue@agglo.example")
    client = _signed_in(coordinatrice)
    with django_assert_max_num_queries(12):
        page = client.get(_url("desactiver", partant))
    assert page.status_code == 200
    texte = page.content.decode()
    assert "<h1>Désactiver le compte de" in texte
    assert "Ses 2 rattachements se terminent" in texte
    assert "codes PIN du kiosque" in texte and "calendrier" in texte
    assert "1 invitation pas encore acceptée" in texte
    assert "L'historique reste" in texte


def test_confirmation_page_speaks_of_one_membership_in_the_singular(coordinatrice, structure):
    seul = member(Role.MEDIATEUR, structure, email="seul@agglo.example")
    texte = _signed_in(coordinatrice).get(_url("desactiver", seul)).content.decode()
    assert "Son rattachement se termine aujourd" in texte and "Ses 1" not in texte
    assert structure.nom in texte


def test_deactivate_then_reactivate_through_the_pages(partant, coordinatrice):
    ailleurs = _signed_in(partant)
    client = _signed_in(coordinatrice)
    response = client.post(_url("desactiver", partant))
    assert response.status_code == 302
    assert response["Location"] == _url("reactiver", partant)
    page = client.get(response["Location"]).content.decode()
    assert "est désactivé" in page and "2 rattachement(s) terminé(s)" in page
    assert _goes_to_sign_in(ailleurs.get(ACCUEIL))
    # The deactivation page of an inactive account leads to the reactivation.
    assert client.get(_url("desactiver", partant))["Location"] == _url("reactiver", partant)
    response = client.post(_url("reactiver", partant), follow=True)
    assert "est réactivé" in response.content.decode()
    partant.refresh_from_db()
    assert partant.is_active


def test_refusal_is_shown_on_the_page(coordinatrice):
    admin = UserFactory(is_superuser=True)
    client = _signed_in(admin)
    response = client.post(_url("desactiver", coordinatrice))
    assert response.status_code == 409
    assert "dernier compte de coordinateur" in response.content.decode()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_deactivating_each_other_at_once_leave_one(monkeypatch):
    """Each one's check ("another coordinator remains") would pass alone; with a pause
    between the check and the write, the second waits for the first and is refused."""
    import time

    from inclusion.services import territoire
    from tests.pass_numerique.test_concurrency import _hammer

    structure = StructureFactory()
    premiere = member(Role.COORDINATEUR, structure, email="premiere@agglo.example")
    seconde = member(Role.COORDINATEUR, structure, email="seconde@agglo.example")
    original = territoire.remove_membership

    def pause_then_remove(**kwargs):
        time.sleep(0.2)  # checked, not yet written: the other one checks now
        return original(**kwargs)

    monkeypatch.setattr(territoire, "remove_membership", pause_then_remove)
    paires = [(premiere, seconde), (seconde, premiere)]

    def worker(i):
        acteur, cible = paires[i]
        try:
            comptes.deactivate_account(acteur=acteur, user=cible)
        except ValidationError as refus:
            return [refus.code]
        return ["desactive"]

    assert sorted(_hammer(worker, threads=2)) == ["dernier_coordinateur", "desactive"]
    assert User.objects.filter(pk__in=[premiere.pk, seconde.pk], is_active=True).count() == 1


@pytest.mark.parametrize("comment", ["desactivation", "deconnexion_partout"])
def test_a_kiosk_session_ends_too(comment, structure, coordinatrice):
    """The kiosk's PIN sign-in opens an ordinary session: its auth hash ends it as well."""
    from django.core import signing

    from tests.inclusion.factories import LieuFactory

    volontaire = member(Role.VOLONTAIRE, structure, email="volontaire@agglo.example")
    borne, jeton = bornes.register_borne(
        acteur=coordinatrice, lieu=LieuFactory(structure=structure), libelle="Tablette"
    )
    bornes.activate_borne(jeton=jeton)
    bornes.set_pin(acteur=coordinatrice, user=volontaire, structure=structure, pin="2580")
    kiosque = Client()
    kiosque.cookies[bornes.cookie_name()] = signing.get_cookie_signer(
        salt=bornes.cookie_name() + bornes.COOKIE_SALT
    ).sign(bornes.cookie_value(borne, jeton))
    connexion = {"email": volontaire.email, "secret": "2580"}
    assert kiosque.post("/kiosque/connexion/", connexion).status_code == 302
    assert kiosque.get("/kiosque/").status_code == 200
    if comment == "desactivation":
        comptes.deactivate_account(acteur=coordinatrice, user=volontaire)
    else:
        comptes.sign_out_everywhere(user=volontaire)
    response = kiosque.get("/kiosque/")
    assert response.status_code == 302
    assert response["Location"].startswith("/kiosque/connexion/")
    if comment == "desactivation":  # and the PIN opens nothing any more
        assert kiosque.post("/kiosque/connexion/", connexion).status_code == 422  # refused
        assert kiosque.get("/kiosque/")["Location"].startswith("/kiosque/connexion/")
