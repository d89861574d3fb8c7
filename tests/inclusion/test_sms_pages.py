import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Journal, OptOut, SmsMessage, StatutSms
from inclusion.sms import send_sms
from inclusion.sms.optout import lien_stop
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def sms(b, statut=StatutSms.DELIVRE, corps="Votre atelier demain à 14 h.", **kwargs):
    now = timezone.now()
    defaults = {
        "beneficiaire": b,
        "telephone": b.telephone.as_e164 if b and b.telephone else "+33600000000",
        "corps": corps,
        "kind": "rappel_atelier",
        "encodage": "GSM-7",
        "segments": 1,
        "statut": statut,
        "pas_avant": now,
        "envoye_le": now if statut != StatutSms.EXPIRE else None,
    }
    defaults.update(kwargs)
    return SmsMessage.objects.create(**defaults)


def detail(b):
    return reverse("pro:beneficiaire_detail", args=[b.uuid])


def test_anonymous_goes_to_login_on_sms_pro_pages(client):
    b = BeneficiaireFactory(consentant=True)
    for url in (
        reverse("pro:sms_refus", args=[b.uuid]),
        reverse("pro:sms_reautoriser", args=[b.uuid]),
        reverse("pro:sms_statistiques"),
    ):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("pro:connexion"))
    assert not OptOut.objects.exists()


def test_volontaire_and_other_structure_are_refused(client):
    structure = StructureFactory()
    b = BeneficiaireFactory(consentant=True, structure=structure)
    refus = reverse("pro:sms_refus", args=[b.uuid])
    client.force_login(member(Role.VOLONTAIRE, structure=structure))
    assert client.post(refus).status_code == 403
    assert client.get(reverse("pro:sms_statistiques")).status_code == 403
    client.force_login(member(Role.PRESCRIPTEUR))
    assert client.post(refus).status_code == 404
    assert client.post(reverse("pro:sms_reautoriser", args=[b.uuid])).status_code == 404
    assert client.get(reverse("pro:sms_statistiques")).status_code == 403
    assert not OptOut.objects.exists()


def test_history_shows_statuses_errors_and_hides_masked_bodies_and_number(client):
    b = BeneficiaireFactory(consentant=True)
    sms(b, corps="Bienvenue à l'atelier")
    sms(b, statut=StatutSms.ECHEC, erreur="Numéro injoignable", kind="pass_lien")
    sms(b, corps="Votre carnet : https://x/K7MQ••••••••", a_masquer=[[20, 32]])
    sms(b, corps="", statut=StatutSms.EXPIRE)
    client.force_login(member(Role.PRESCRIPTEUR, structure=b.structure))
    page = client.get(detail(b)).content.decode()
    history = page[page.index('id="titre-sms"') :]
    assert "Bienvenue à l&#x27;atelier" in history
    assert "Reçu" in history and "Échec" in history and "Plus utile" in history
    assert "Numéro injoignable" in history
    assert "Rappel d&#x27;atelier" in history and "Lien vers le pass numérique" in history
    assert "K7MQ" not in history and "Message masqué" in history
    assert b.telephone.as_e164 not in history and b.telephone.as_national not in history
    assert "Ne plus envoyer de SMS à ce numéro" in history


def test_history_costs_a_constant_number_of_queries(client, django_assert_num_queries):
    b = BeneficiaireFactory(consentant=True)
    client.force_login(member(Role.PRESCRIPTEUR, structure=b.structure))
    sms(b)
    client.get(detail(b))  # warm caches (session, roles)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(detail(b))
    for _ in range(25):
        sms(b)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(detail(b)).content.decode()
    assert page.count("Rappel d&#x27;atelier") == 20


def test_opt_out_from_the_file_then_send_sms_refuses(client):
    b = BeneficiaireFactory(consentant=True)
    user = member(Role.MEDIATEUR, structure=b.structure)
    client.force_login(user)
    url = reverse("pro:sms_refus", args=[b.uuid])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Ne plus envoyer de SMS" in confirm.content.decode()
    assert not OptOut.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    optout = OptOut.objects.get()
    assert optout.telephone == b.telephone.as_e164 and optout.canal == "pro"
    line = Journal.objects.get(action="sms.stop")
    assert line.acteur == user and line.objet_id == str(b.pk) and line.details == {"canal": "pro"}
    assert b.telephone.as_e164 not in str(line.details)
    page = client.get(detail(b)).content.decode()
    assert "ne reçoit plus de SMS" in page and "Autoriser de nouveau" in page
    result = send_sms(beneficiaire=b, body="Bonjour", kind="t")
    assert not result.sent and "ne plus recevoir" in result.reason


def test_re_allow_only_when_the_person_asks(client):
    b = BeneficiaireFactory(consentant=True)
    OptOut.objects.create(telephone=b.telephone.as_e164, canal="sms")
    client.force_login(member(Role.PRESCRIPTEUR, structure=b.structure))
    url = reverse("pro:sms_reautoriser", args=[b.uuid])
    assert client.get(url).status_code == 200
    refused = client.post(url, {})
    assert refused.status_code == 422 and OptOut.objects.exists()
    assert client.post(url, {"demande": "on"}).status_code == 302
    assert not OptOut.objects.exists()
    assert Journal.objects.filter(action="sms.start", details={"canal": "pro"}).count() == 1


def test_signed_link_does_not_reveal_the_number(settings):
    settings.SITE_URL = "https://exemple.fr"
    b = BeneficiaireFactory(consentant=True)
    link = lien_stop(b.telephone)
    # Short since issue 12: /s/<token> (was /sms/stop/<signed uuid>/).
    assert link == lien_stop(b) and link.startswith("https://exemple.fr/s/")
    digits = b.telephone.as_e164.lstrip("+")
    assert digits not in link and digits[-8:] not in link
    assert lien_stop("+33699999999") is None


def test_signed_link_opts_out_without_an_account(client, settings):
    settings.SITE_URL = ""
    b = BeneficiaireFactory(consentant=True)
    url = lien_stop(b)
    page = client.get(url)
    assert page.status_code == 200
    assert "Je ne veux plus de SMS" in page.content.decode()
    assert not OptOut.objects.exists()
    done = client.post(url)
    assert done.status_code == 200 and "Vous ne recevrez plus nos SMS" in done.content.decode()
    assert OptOut.objects.get().canal == "lien"
    assert Journal.objects.filter(action="sms.stop", details={"canal": "lien"}).count() == 1
    assert client.post(url).status_code == 200  # twice: still fine, journalised once
    assert Journal.objects.filter(action="sms.stop").count() == 1
    assert not send_sms(beneficiaire=b, body="Bonjour", kind="t").sent


def test_bad_token_is_404_in_french(client, settings):
    settings.SITE_URL = ""
    b = BeneficiaireFactory(consentant=True)
    url = lien_stop(b)
    other = BeneficiaireFactory(consentant=True)
    # Another person's id with this MAC, this MAC with one character changed (issue 12).
    token = url.rsplit("/", 1)[-1]
    tampered = url[:-1] + ("A" if url[-1] != "A" else "B")
    forged = "/s/" + lien_stop(other).rsplit("/", 1)[-1][:-11] + token[-11:]
    for bad in (tampered, forged, "/sms/stop/nimportequoi/", "/s/nimportequoi"):
        for method in ("get", "post"):
            response = getattr(client, method)(bad)
            assert response.status_code == 404
            assert "Ce lien n'est pas valable" in response.content.decode()
    assert not OptOut.objects.exists()


def _month_ago(months):
    today = timezone.localdate().replace(day=15)
    for _ in range(months):
        today = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))


def test_statistics_figures(client, settings):
    settings.SMS_PRICE_PER_SEGMENT = Decimal("0.05")
    b = BeneficiaireFactory(consentant=True)
    sms(b, segments=2)
    sms(b, statut=StatutSms.ENVOYE, segments=1)
    sms(b, statut=StatutSms.ECHEC, erreur="Numéro inconnu", segments=1)
    sms(b, statut=StatutSms.EXPIRE, segments=3)
    old = sms(b, segments=4)
    SmsMessage.objects.filter(pk=old.pk).update(cree_le=_month_ago(2))
    ancient = sms(b, segments=9)
    SmsMessage.objects.filter(pk=ancient.pk).update(cree_le=_month_ago(13))
    client.force_login(member(Role.COORDINATEUR))
    response = client.get(reverse("pro:sms_statistiques"))
    assert response.status_code == 200
    mois = response.context["mois"]
    assert len(mois) == 12
    current = mois[0]
    assert (current["messages"], current["segments"]) == (4, 4)  # the expired one is not sent
    assert (current["envoyes"], current["recus"], current["echecs"], current["expires"]) == (
        3,
        1,
        1,
        1,
    )
    assert current["cout"] == Decimal("0.20")
    assert mois[2]["messages"] == 1 and mois[2]["cout"] == Decimal("0.20")
    assert response.context["total"]["messages"] == 5  # older than 12 months: not counted
    page = response.content.decode()
    assert "Numéro inconnu" in page and b.telephone.as_e164 not in page
    assert "Votre atelier" not in page


def test_statistics_query_count_is_constant(client, django_assert_num_queries):
    client.force_login(member(Role.COORDINATEUR))
    url = reverse("pro:sms_statistiques")
    b = BeneficiaireFactory(consentant=True)
    sms(b, statut=StatutSms.ECHEC)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for months in range(6):
        for statut in (StatutSms.ECHEC, StatutSms.DELIVRE, StatutSms.EXPIRE):
            m = sms(b, statut=statut)
            SmsMessage.objects.filter(pk=m.pk).update(cree_le=_month_ago(months))
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_superuser_sees_statistics(client):
    from tests.inclusion.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("pro:sms_statistiques")).status_code == 200


def test_links_sent_before_the_short_ones_keep_working(client):
    """Issue 12: the long signed link (/sms/stop/<signed uuid>/) of SMS already sent."""
    from django.core import signing

    b = BeneficiaireFactory(consentant=True)
    ancien = "/sms/stop/" + signing.Signer(salt="sms-stop").sign(b.uuid.hex) + "/"
    assert client.post(ancien).status_code == 200
    assert OptOut.objects.get().canal == "lien"
