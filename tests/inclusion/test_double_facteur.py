"""Second factor of the sign-in (issue 14): who must pass it, enrolment, verification,
recovery codes, the middleware at every door, a coordinator's reset."""

import datetime
import re
import time
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inclusion import session_scope
from inclusion.double_facteur import requires_second_factor
from inclusion.enums import Role
from inclusion.models import Beneficiaire, Journal
from inclusion.services import double_facteur as service
from tests.inclusion.factories import StructureFactory, UserFactory, member
from tests.pass_numerique.test_concurrency import _hammer

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DEBUT = datetime.datetime(2026, 11, 17, 10, 0, tzinfo=PARIS)
ACTIVER = "/pro/double-facteur/activer/"
VERIFIER = "/pro/double-facteur/verifier/"
CODES = "/pro/double-facteur/codes/"
GERER = "/pro/double-facteur/"
SENSIBLES = override_settings(INCLUSION_DOUBLE_FACTEUR="sensibles")
TOUS = override_settings(INCLUSION_DOUBLE_FACTEUR="tous")
AUCUN = override_settings(INCLUSION_DOUBLE_FACTEUR="aucun")


@pytest.fixture
def temps():
    with time_machine.travel(DEBUT, tick=False) as traveller:
        yield traveller


def code_de(device):
    return f"{totp(device.bin_key):06d}"


def enrolled(user, traveller=None):
    """`user` with a confirmed app and ten recovery codes; returns (device, codes)."""
    device = service.start_enrolment(user)
    codes = service.confirm_enrolment(user, device, code_de(device))
    device.refresh_from_db()
    user.refresh_from_db()
    if traveller is not None:
        traveller.shift(30)  # the next code is a new one (a code is accepted once)
    return device, codes


def client_de(user):
    client = Client()
    client.force_login(user)
    return client


def coordinateur(**kwargs):
    return member(Role.COORDINATEUR, **kwargs)


def assert_redirige(response, cible, suivant=None):
    assert response.status_code == 302, response
    location = response["Location"]
    assert location.split("?")[0] == cible
    if suivant is not None:
        assert f"suivant={suivant}" in location.replace("%2F", "/")


# Who must pass it


@pytest.mark.parametrize(
    ("niveau", "attendu"),
    [
        ("aucun", {"coordinateur": False, "prescripteur": False, "staff": False}),
        ("sensibles", {"coordinateur": True, "prescripteur": False, "staff": True}),
        ("tous", {"coordinateur": True, "prescripteur": True, "staff": True}),
    ],
)
def test_who_must_have_a_second_factor(settings, niveau, attendu):
    settings.INCLUSION_DOUBLE_FACTEUR = niveau
    gens = {
        "coordinateur": coordinateur(),
        "prescripteur": member(Role.PRESCRIPTEUR),
        "staff": UserFactory(is_staff=True),
    }
    assert {nom: requires_second_factor(u) for nom, u in gens.items()} == attendu


@SENSIBLES
def test_superusers_and_wagtail_admins_must_have_one():
    assert requires_second_factor(UserFactory(is_superuser=True))
    editeur = member(Role.PRESCRIPTEUR)
    editeur.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    assert requires_second_factor(type(editeur).objects.get(pk=editeur.pk))
    assert not requires_second_factor(member(Role.VOLONTAIRE))


@TOUS
def test_tous_leaves_volunteers_alone():
    assert not requires_second_factor(member(Role.VOLONTAIRE))


# Service


def test_enrolment_confirms_the_app_and_makes_ten_recovery_codes(temps):
    user = coordinateur()
    device = service.start_enrolment(user)
    assert not device.confirmed
    # A second start replaces the first unconfirmed device.
    device = service.start_enrolment(user)
    assert TOTPDevice.objects.filter(user=user).count() == 1
    codes = service.confirm_enrolment(user, device, code_de(device))
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z]{4}-[a-z]{4}", c) for c in codes)
    secours = StaticDevice.objects.get(user=user)
    assert secours.name == "secours" and secours.confirmed
    assert sorted(secours.token_set.values_list("token", flat=True)) == sorted(codes)
    assert user.generation_sessions == 1  # every other session ended
    assert service.status(user) == service.Statut(
        active=True, recovery_codes_left=10, required=False
    )
    actions = list(Journal.objects.values_list("action", flat=True).order_by("pk"))
    assert actions[-1] == "compte.double_facteur.active"
    with pytest.raises(ValidationError) as refus:
        service.start_enrolment(user)
    assert refus.value.code == "deja_actif"


def test_enrolment_refuses_a_wrong_code(temps):
    user = coordinateur()
    device = service.start_enrolment(user)
    with pytest.raises(ValidationError) as refus:
        service.confirm_enrolment(user, device, "000000" if code_de(device) != "000000" else "1")
    assert refus.value.error_dict["code"][0].code == "code_invalide"
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1
    assert not StaticDevice.objects.exists()


def test_verify_accepts_the_app_code_once(temps):
    user = coordinateur()
    device, _ = enrolled(user, temps)
    code = code_de(device)
    assert service.verify(user, code).pk == device.pk
    assert Journal.objects.filter(action="compte.double_facteur.verifie").count() == 1
    temps.shift(5)
    with pytest.raises(ValidationError) as refus:
        service.verify(user, code)  # replayed within the same 30 seconds
    assert refus.value.error_dict["code"][0].code == "code_invalide"


def test_wrong_code_then_throttled(temps):
    user = coordinateur()
    device, _ = enrolled(user, temps)
    faux = "999999" if code_de(device) != "999999" else "111111"
    with pytest.raises(ValidationError) as refus:
        service.verify(user, faux)
    assert refus.value.error_dict["code"][0].code == "code_invalide"
    # Even the right code is not checked right after a wrong one.
    with pytest.raises(ValidationError) as refus:
        service.verify(user, code_de(device))
    assert refus.value.error_dict["code"][0].code == "trop_d_essais"
    temps.shift(2)
    assert service.verify(user, code_de(device)).pk == device.pk


def test_a_recovery_code_works_once(temps):
    user = coordinateur()
    _, codes = enrolled(user, temps)
    # Typed with capitals, spaces and no hyphen.
    saisie = " " + codes[0].replace("-", "").upper() + " "
    device = service.verify(user, saisie)
    assert device.name == "secours"
    ligne = Journal.objects.get(action="compte.double_facteur.code_secours")
    assert ligne.details == {"restants": 9}
    temps.shift(60)
    with pytest.raises(ValidationError) as refus:
        service.verify(user, codes[0])
    assert refus.value.error_dict["code"][0].code == "code_invalide"
    assert service.status(user).recovery_codes_left == 9


def test_regenerated_codes_replace_the_old_ones(temps):
    user = coordinateur()
    _, anciens = enrolled(user, temps)
    nouveaux = service.regenerate_recovery_codes(user)
    assert set(nouveaux).isdisjoint(anciens)
    assert StaticToken.objects.filter(device__user=user).count() == 10
    with pytest.raises(ValidationError):
        service.verify(user, anciens[1])


@SENSIBLES
def test_remove_refused_when_required(temps):
    user = coordinateur()
    enrolled(user, temps)
    with pytest.raises(ValidationError) as refus:
        service.remove_second_factor(acteur=user, user=user)
    assert refus.value.code == "requis"
    assert TOTPDevice.objects.filter(user=user).exists()


@SENSIBLES
def test_remove_by_choice(temps):
    user = member(Role.PRESCRIPTEUR)
    enrolled(user, temps)
    service.remove_second_factor(acteur=user, user=user)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert Journal.objects.filter(action="compte.double_facteur.desactive").exists()


# Middleware: every door


@SENSIBLES
@pytest.mark.parametrize("chemin", ["/pro/", "/admin/", "/pro/pass/", "/pro/beneficiaires/"])
def test_coordinator_with_an_app_is_asked_for_a_code_everywhere(temps, chemin):
    user = coordinateur()
    enrolled(user, temps)
    assert_redirige(client_de(user).get(chemin), VERIFIER, suivant=chemin)


@SENSIBLES
@pytest.mark.parametrize("chemin", ["/pro/", "/admin/", "/pro/pass/", "/"])
def test_staff_without_an_app_sets_one_up_first(temps, chemin):
    user = UserFactory(is_staff=True)
    assert_redirige(client_de(user).get(chemin), ACTIVER, suivant=chemin)


@TOUS
def test_tous_asks_a_prescripteur_too(temps):
    assert_redirige(client_de(member(Role.PRESCRIPTEUR)).get("/pro/"), ACTIVER, "/pro/")


@SENSIBLES
def test_sensibles_leaves_a_prescripteur_alone(temps):
    client = client_de(member(Role.PRESCRIPTEUR))
    assert client.get("/pro/").status_code == 200


@AUCUN
def test_someone_who_enrolled_by_choice_is_still_asked(temps):
    user = member(Role.PRESCRIPTEUR)
    enrolled(user, temps)
    assert_redirige(client_de(user).get("/pro/"), VERIFIER, "/pro/")


@AUCUN
def test_aucun_costs_no_query_for_accounts_without_an_app(temps):
    """The "no device" note taken at sign-in spares a query on every page."""
    client = client_de(member(Role.PRESCRIPTEUR))
    client.get("/pro/")
    with CaptureQueriesContext(connection) as contexte:
        client.get("/pro/")
    assert not any("otp_" in q["sql"] for q in contexte.captured_queries)


@SENSIBLES
def test_sensibles_costs_a_prescripteur_no_permission_query_on_each_page(temps):
    """Whether one may open the admin is noted once per session, not asked on each page."""
    client = client_de(member(Role.PRESCRIPTEUR))
    client.get("/pro/")
    with CaptureQueriesContext(connection) as contexte:
        assert client.get("/pro/").status_code == 200
    assert not any("auth_permission" in q["sql"] for q in contexte.captured_queries)


@SENSIBLES
def test_admin_access_given_during_a_session_counts_at_the_admin_door(temps):
    editeur = member(Role.PRESCRIPTEUR)
    client = client_de(editeur)
    assert client.get("/pro/").status_code == 200  # noted: may not open the admin
    editeur.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    assert_redirige(client.get("/admin/"), ACTIVER, "/admin/")
    # From then on, every page of that session asks for it.
    assert_redirige(client.get("/pro/"), ACTIVER, "/pro/")


@SENSIBLES
def test_the_kiosk_session_keeps_its_pin_sign_in(temps):
    client = client_de(coordinateur())
    session = client.session
    session[session_scope.CLE] = {
        "prefixe": "/pro/ateliers/",
        "retour": "/pro/connexion/",
        "action": "essai.hors_portee",
        "message": "",
    }
    session.save()
    assert client.get("/pro/ateliers/").status_code == 200


@SENSIBLES
def test_pages_left_open_before_the_second_step(temps):
    user = coordinateur()
    enrolled(user, temps)
    client = client_de(user)
    assert client.get(VERIFIER).status_code == 200
    assert client.get("/pro/double-facteur/telephone-perdu/").status_code == 200
    assert client.get("/sante/").status_code == 200
    assert client.get("/habillage.css").status_code == 200
    # No menu to pages that would only send back here; signing out stays.
    page = client.get(VERIFIER).content.decode()
    assert 'aria-label="Menu principal"' not in page and "Mon compte" not in page
    assert "Se déconnecter" in page
    response = client.post(reverse("pro:deconnexion"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


@SENSIBLES
def test_a_post_does_nothing_before_the_second_step(temps):
    user = coordinateur(structure=StructureFactory())
    enrolled(user, temps)
    client = client_de(user)
    response = client.post(reverse("pro:beneficiaire_create"), {"prenom": "Alex", "nom": "Martin"})
    assert_redirige(response, VERIFIER)
    assert "suivant" not in response["Location"]
    assert not Beneficiaire.objects.exists()


# Pages


@SENSIBLES
def test_enrolment_pages_from_the_first_sign_in(temps):
    user = coordinateur(email="claude@example.org")
    client = client_de(user)
    response = client.get("/pro/")
    assert_redirige(response, ACTIVER, "/pro/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Installez sur votre téléphone une application d'authentification" in html
    assert '<svg role="img" aria-label="QR code' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    cle = page.context["cle"]
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", cle) and cle in html
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html
    assert 'name="suivant" value="/pro/"' in html
    # Reloading the page keeps the same key (the app may already hold it).
    assert client.get(ACTIVER).context["cle"] == cle

    faux = client.post(ACTIVER, {"code": "12345a", "suivant": "/pro/"})
    assert faux.status_code == 422
    assert 'aria-describedby="id_code_aide id_code_erreurs"' in faux.content.decode()

    response = client.post(ACTIVER, {"code": code_de(device), "suivant": "/pro/"})
    assert_redirige(response, CODES, "/pro/")
    codes_page = client.get(response["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and all(c in codes_page.content.decode() for c in codes)
    assert "Imprimer" in codes_page.content.decode()
    texte = client.get(reverse("double_facteur:codes_texte"))
    assert texte["Content-Type"].startswith("text/plain") and codes[0] in texte.content.decode()

    assert client.post(CODES, {"suivant": "/pro/"}).status_code == 422  # box not ticked
    response = client.post(CODES, {"notes": "on", "suivant": "/pro/"})
    assert_redirige(response, "/pro/")
    assert client.get(CODES)["Location"] == GERER  # shown once
    assert client.get("/pro/").status_code == 200  # this session passed the second factor
    assert client.get("/pro/pass/").status_code == 200


@SENSIBLES
def test_second_step_of_the_sign_in(temps):
    user = coordinateur()
    device, _ = enrolled(user, temps)
    client = client_de(user)
    response = client.get("/pro/pass/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Je n'ai plus mon téléphone" in html
    assert 'action="/pro/deconnexion/"' in html
    cle_avant = client.session.session_key
    response = client.post(VERIFIER, {"code": code_de(device), "suivant": "/pro/pass/"})
    assert_redirige(response, "/pro/pass/")
    assert client.session.session_key != cle_avant
    assert client.get("/pro/pass/").status_code == 200


@SENSIBLES
def test_second_step_wrong_code_then_too_many(temps):
    user = coordinateur()
    device, _ = enrolled(user, temps)
    client = client_de(user)
    faux = "999999" if code_de(device) != "999999" else "111111"
    response = client.post(VERIFIER, {"code": faux})
    assert response.status_code == 422
    assert "Ce code ne marche pas" in response.content.decode()
    response = client.post(VERIFIER, {"code": code_de(device)})
    assert response.status_code == 429
    assert "Trop d&#x27;essais" in response.content.decode()
    assert_redirige(client.get("/pro/"), VERIFIER)


@SENSIBLES
def test_lost_phone_page_takes_a_recovery_code(temps):
    user = coordinateur()
    _, codes = enrolled(user, temps)
    client = client_de(user)
    page = client.get("/pro/double-facteur/telephone-perdu/").content.decode()
    assert "coordinat" in page and "05 00 00 00 00" in page
    response = client.post("/pro/double-facteur/telephone-perdu/", {"code": codes[3]})
    assert_redirige(response, "/pro/")
    assert client.get("/pro/").status_code == 200
    # Used once: another session cannot reuse it.
    autre = client_de(user)
    assert autre.post("/pro/double-facteur/telephone-perdu/", {"code": codes[3]}).status_code == 422


@SENSIBLES
@pytest.mark.parametrize(
    "suivant", ["https://pirate.example/", "//pirate.example/", "javascript:alert(1)"]
)
def test_suivant_is_not_an_open_redirect(temps, suivant):
    user = coordinateur()
    device, _ = enrolled(user, temps)
    client = client_de(user)
    response = client.post(VERIFIER, {"code": code_de(device), "suivant": suivant})
    assert_redirige(response, "/pro/")


@SENSIBLES
def test_manage_page_regenerates_codes_with_a_current_code(temps):
    user = coordinateur()
    device, anciens = enrolled(user, temps)
    client = client_de(user)
    client.post(VERIFIER, {"code": code_de(device)})
    temps.shift(30)
    page = client.get(GERER)
    assert page.status_code == 200
    html = page.content.decode()
    assert "10 sur 10" in html
    assert "vous ne pouvez pas l'arrêter" in html and "codes-arret" not in html
    assert client.post("/pro/double-facteur/codes/nouveaux/", {"codes-code": ""}).status_code == 422
    response = client.post("/pro/double-facteur/codes/nouveaux/", {"codes-code": anciens[0]})
    assert_redirige(response, CODES)
    nouveaux = client.get(CODES).context["codes"]
    assert set(nouveaux).isdisjoint(anciens)
    # Turning it off is refused for a coordinator.
    response = client.post("/pro/double-facteur/arreter/", {"arret-code": code_de(device)})
    assert response.status_code == 422
    assert TOTPDevice.objects.filter(user=user).exists()


@SENSIBLES
def test_manage_page_turns_it_off_when_not_required(temps):
    user = member(Role.PRESCRIPTEUR)
    device, _ = enrolled(user, temps)
    client = client_de(user)
    client.post(VERIFIER, {"code": code_de(device)})
    temps.shift(30)
    response = client.post("/pro/double-facteur/arreter/", {"arret-code": code_de(device)})
    assert_redirige(response, GERER)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get("/pro/").status_code == 200
    assert "Activer la double authentification" in client.get(GERER).content.decode()


# Coordinator's reset


def reinitialiser_url(user):
    return reverse("double_facteur:reinitialiser", args=[user.pk])


@SENSIBLES
def test_reset_by_a_coordinator(temps, django_capture_on_commit_callbacks):
    coordo = coordinateur(first_name="Dominique", last_name="Bernard")
    personne = coordinateur(email="sam@example.org", first_name="Sam")
    device, _ = enrolled(personne, temps)
    navigateur = client_de(personne)
    navigateur.post(VERIFIER, {"code": code_de(device)})
    assert navigateur.get("/pro/").status_code == 200

    coordo_device, _ = enrolled(coordo, temps)
    client = client_de(coordo)
    client.post(VERIFIER, {"code": code_de(coordo_device)})
    page = client.get(reinitialiser_url(personne))
    assert page.status_code == 200 and "Réinitialiser" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reinitialiser_url(personne))
    assert_redirige(response, reinitialiser_url(personne))

    assert not TOTPDevice.objects.filter(user=personne).exists()
    assert not StaticDevice.objects.filter(user=personne).exists()
    personne.refresh_from_db()
    assert personne.generation_sessions == 2
    ligne = Journal.objects.get(action="compte.double_facteur.reinitialise")
    assert ligne.acteur == coordo and ligne.objet_id == str(personne.pk)
    # The person's open session has ended: the next request goes to the sign-in.
    response = navigateur.get("/pro/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pro:connexion"))
    # They are told by e-mail, with who did it.
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    corps = mail.outbox[0].body
    assert "Dominique Bernard" in corps and "prochaine connexion" in corps
    assert "réinitialisée" in mail.outbox[0].subject
    # At the next sign-in, they set up a new app.
    assert_redirige(client_de(personne).get("/pro/"), ACTIVER)


@AUCUN
def test_reset_refused_for_a_non_coordinator(temps):
    personne = member(Role.MEDIATEUR)
    enrolled(personne)
    client = client_de(member(Role.PRESCRIPTEUR))
    assert client.get(reinitialiser_url(personne)).status_code == 403
    assert client.post(reinitialiser_url(personne)).status_code == 403
    assert TOTPDevice.objects.filter(user=personne).exists()


@AUCUN
def test_reset_of_a_superuser_refused_to_a_non_superuser(temps):
    chef = UserFactory(is_superuser=True, is_staff=True)
    enrolled(chef)
    client = client_de(coordinateur())
    assert client.post(reinitialiser_url(chef)).status_code == 403
    assert TOTPDevice.objects.filter(user=chef).exists()
    with pytest.raises(ValidationError) as refus:
        service.reset_second_factor(acteur=coordinateur(), user=chef)
    assert refus.value.code == "interdit"


@AUCUN
def test_reset_of_oneself_refused_and_unknown_account_404(temps):
    coordo = coordinateur()
    client = client_de(coordo)
    assert client.get(reinitialiser_url(coordo)).status_code == 403
    assert client.get(reverse("double_facteur:reinitialiser", args=[99999])).status_code == 404


def test_pages_need_a_sign_in():
    for url in (ACTIVER, VERIFIER, GERER, reverse("double_facteur:reinitialiser", args=[1])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("pro:connexion"))


def test_login_notes_whether_the_account_has_an_app(temps):
    sans = client_de(member(Role.PRESCRIPTEUR))
    assert sans.session["_double_facteur_appareil"] is False
    user = member(Role.PRESCRIPTEUR)
    enrolled(user)
    assert client_de(user).session["_double_facteur_appareil"] is True


def test_safe_next_keeps_local_paths():
    from inclusion.double_facteur import safe_next

    request = RequestFactory().get("/")
    assert safe_next(request, "/pro/pass/?page=2") == "/pro/pass/?page=2"
    assert safe_next(request, "https://pirate.example/") == reverse("pro:accueil")


@SENSIBLES
def test_pages_that_change_it_need_the_second_step_first(temps):
    """The middleware lets the namespace through: those pages check it themselves."""
    coordo = coordinateur()
    device, codes = enrolled(coordo, temps)
    personne = coordinateur()
    enrolled(personne)
    client = client_de(coordo)
    assert_redirige(client.get(reinitialiser_url(personne)), VERIFIER)
    assert_redirige(client.post(reinitialiser_url(personne)), VERIFIER)
    assert TOTPDevice.objects.filter(user=personne).exists()
    assert_redirige(
        client.post("/pro/double-facteur/codes/nouveaux/", {"codes-code": codes[0]}), VERIFIER
    )
    assert StaticToken.objects.filter(device__user=coordo).count() == 10
    assert_redirige(client.get(GERER), VERIFIER)
    # Nor can a second app be enrolled to get round the first.
    assert_redirige(client.get(ACTIVER), VERIFIER)
    assert TOTPDevice.objects.filter(user=coordo).count() == 1


@SENSIBLES
def test_a_verified_superuser_reaches_the_wagtail_admin(temps):
    chef = UserFactory(is_superuser=True, is_staff=True)
    device, _ = enrolled(chef, temps)
    client = client_de(chef)
    assert_redirige(client.get("/admin/"), VERIFIER, "/admin/")
    client.post(VERIFIER, {"code": code_de(device), "suivant": "/admin/"})
    assert client.get("/admin/").status_code == 200


@AUCUN
@pytest.mark.parametrize(
    "saisie", ["", "é" * 10_000, "a\x00b", "１２３４５６", "-1", "1e309", "abcd-efgh", " 12 34 56 "]
)
def test_hostile_codes_are_refused_cleanly(temps, saisie):
    user = member(Role.PRESCRIPTEUR)
    client = client_de(user)
    assert client.get(ACTIVER).status_code == 200
    for url, champ in (
        (ACTIVER, "code"),
        ("/pro/double-facteur/telephone-perdu/", "code"),
        ("/pro/double-facteur/codes/nouveaux/", "codes-code"),
        ("/pro/double-facteur/arreter/", "arret-code"),
    ):
        assert client.post(url, {champ: saisie}).status_code in (422, 429), (url, saisie)
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# Races (PostgreSQL: SQLite serialises writers and proves nothing here)


@pytest.fixture
def slow_check(monkeypatch):
    """Pause 2 ms between reading the device (throttle state) and spending the code."""
    original = service._check_allowed

    def check_then_pause(device):
        original(device)
        time.sleep(0.002)

    monkeypatch.setattr(service, "_check_allowed", check_then_pause)


def _attempts(user, code, threads=8):
    def worker(i):
        try:
            return [service.verify(user, code).name]
        except ValidationError as refus:
            return [refus.error_dict["code"][0].code]

    return _hammer(worker, threads=threads)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("quel", ["application", "secours"])
def test_a_code_typed_in_many_places_at_once_is_accepted_once(temps, slow_check, quel):
    user = coordinateur()
    device, codes = enrolled(user, temps)
    code = code_de(device) if quel == "application" else codes[0]
    outcomes = _attempts(user, code)
    assert len(outcomes) == 8
    assert outcomes.count(quel) == 1
    assert set(outcomes) - {quel} <= {"code_invalide", "trop_d_essais"}
    if quel == "secours":
        assert service.status(user).recovery_codes_left == 9


def test_the_wait_is_said_in_words():
    assert [service._duree(s) for s in (1, 5, 119, 120, 125, 7200, 7201)] == [
        "1 seconde",
        "5 secondes",
        "119 secondes",
        "2 minutes",
        "3 minutes",
        "2 heures",
        "3 heures",
    ]
