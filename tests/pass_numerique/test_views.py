"""Espace pro pages of the pass numérique, and the public short URLs /c/ and /p/."""

import html as html_lib
import re
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Journal
from pass_numerique import codes
from pass_numerique.enums import StatutCarnet, StatutCheque
from pass_numerique.models import Carnet, Cheque, Encaissement
from pass_numerique.urls_public import urlpatterns as public_patterns
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, member
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory, issued, setup_pass

# Until inclusion/urls.py includes pass_numerique.urls_public, this module is the urlconf.
urlpatterns = [*public_patterns, path("", include("inclusion.urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__), pytest.mark.usefixtures("frozen")]

LOGIN = "/pro/connexion/"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ctx():
    ctx = setup_pass()
    ctx["beneficiaire"] = BeneficiaireFactory(
        structure=ctx["enveloppe"].structure, prenom="Fatima", consentant=True
    )
    return ctx


@pytest.fixture
def autre(ctx):
    """A prescripteur of structure B, with its own envelope of the same programme."""
    env = EnveloppeFactory(programme=ctx["programme"])
    return member(Role.PRESCRIPTEUR, structure=env.structure)


class TextClient(Client):
    """Adds response.text: the page with HTML entities decoded (Django escapes apostrophes)."""

    def request(self, **request):
        response = super().request(**request)
        if not response.streaming:
            response.text = html_lib.unescape(response.content.decode())
        return response


@pytest.fixture
def client():
    return TextClient()


def _login(client, user):
    client.force_login(user)
    return client


def _pass_urls():
    urls = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "pass":
                kwargs = {
                    name: uuid.uuid4() if conv.__class__.__name__ == "UUIDConverter" else 1
                    for name, conv in p.pattern.converters.items()
                }
                urls.append((p.name, reverse(f"pass:{p.name}", kwargs=kwargs)))

    walk(get_resolver("inclusion.urls").url_patterns, None)
    return urls


PASS_URLS = _pass_urls()


def test_every_page_is_enumerated():
    names = {name for name, _ in PASS_URLS}
    assert {"carnets", "carnet_detail", "delivrer", "verifier", "encaisser"} <= names


@pytest.mark.parametrize("url", [u for _, u in PASS_URLS] + ["/c/K7MQ-3ZP9"])
def test_anonymous_is_sent_to_login(client, url):
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(LOGIN)


def _text_columns_hold(needles):
    """Every text column of every pass_numerique table, scanned for the clear codes."""
    found = []
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if "pass_num" in t]
        for table in tables + ["inclusion_journal", "django_session"]:
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    text = str(value).upper().replace("-", "")
                    found += [(table, n) for n in needles if n in text]
    return found


# --- Menu entries ---------------------------------------------------------------------------


def test_menu_shows_pass_entries_to_prescripteur(client, ctx):
    html = _login(client, ctx["prescripteur"]).get("/pro/").text
    assert 'href="/pro/pass/"' in html
    assert 'href="/pro/pass/verifier/"' in html


def test_menu_hides_pass_entries_from_volontaire(client):
    html = _login(client, member(Role.VOLONTAIRE)).get("/pro/").text
    assert "/pro/pass/" not in html


# --- Délivrer un pass -----------------------------------------------------------------------


def test_choose_person_finds_by_name(client, ctx):
    BeneficiaireFactory(prenom="Zoé", structure=ctx["enveloppe"].structure)
    response = _login(client, ctx["prescripteur"]).get(reverse("pass:delivrer"), {"q": "fatima"})
    html = response.text
    assert response.status_code == 200
    assert reverse("pass:delivrer_personne", args=[ctx["beneficiaire"].uuid]) in html
    assert "Zoé" not in html
    assert reverse("pass:delivrer_anonyme") in html
    assert reverse("pro:beneficiaire_create") in html


def test_choose_person_bad_input(client, ctx):
    response = _login(client, ctx["prescripteur"]).get(reverse("pass:delivrer"), {"q": "a"})
    assert response.status_code == 422
    assert "Tapez au moins 2 caractères." in response.text
    assert 'aria-describedby="id_q_aide id_q_erreurs"' in response.text


def test_choose_person_hides_other_structures(client, ctx, autre):
    response = _login(client, autre).get(reverse("pass:delivrer"), {"q": "Fatima"})
    html = response.text
    assert str(ctx["beneficiaire"].uuid) not in html
    assert "Personne ne correspond" in html


def test_issuing_needs_a_prescripteur_with_an_envelope(client, ctx):
    response = _login(client, ctx["mediateur"]).get(reverse("pass:delivrer"))
    assert response.status_code == 403


def test_confirm_page_shows_balance_and_sms_choice(client, ctx):
    url = reverse("pass:delivrer_personne", args=[ctx["beneficiaire"].uuid])
    html = _login(client, ctx["prescripteur"]).get(url).text
    assert "il reste 100 chèques" in html
    assert "Envoyer le lien du pass par SMS" in html
    assert re.search(r'name="demande_id" value="[0-9a-f-]{36}"', html)


def test_confirm_page_without_sms_when_no_consent(client, ctx):
    b = BeneficiaireFactory(structure=ctx["enveloppe"].structure, avec_mobile=True)
    url = reverse("pass:delivrer_personne", args=[b.uuid])
    html = _login(client, ctx["prescripteur"]).get(url).text
    assert "Envoyer le lien du pass par SMS" not in html
    assert "la personne n'a pas accepté les SMS" in html


def test_confirm_wrong_structure_is_404(client, ctx, autre):
    url = reverse("pass:delivrer_personne", args=[ctx["beneficiaire"].uuid])
    assert _login(client, autre).get(url).status_code == 404
    assert _login(client, autre).post(url, {"nombre": 1}).status_code == 404
    assert not Carnet.objects.exists()


def _post_issue(client, ctx, **data):
    url = reverse("pass:delivrer_personne", args=[ctx["beneficiaire"].uuid])
    payload = {
        "enveloppe": ctx["enveloppe"].pk,
        "nombre": 1,
        "envoyer_sms": "on",
        "demande_id": str(uuid.uuid4()),
    }
    payload.update(data)
    return client.post(url, payload)


def test_issue_end_to_end(client, ctx, sms_outbox, monkeypatch):
    seen = {}
    from pass_numerique import booklet

    real = booklet.render_booklet

    def spy(items, **kwargs):
        seen["codes"] = [items[0].code] + [c for _, c in items[0].cheque_codes]
        return real(items, **kwargs)

    monkeypatch.setattr(booklet, "render_booklet", spy)
    _login(client, ctx["prescripteur"])
    demande = str(uuid.uuid4())
    response = _post_issue(client, ctx, demande_id=demande)
    html = response.text
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    carnet = Carnet.objects.get()
    assert carnet.beneficiaire == ctx["beneficiaire"]
    match = re.search(
        r'href="data:application/pdf;base64,([A-Za-z0-9+/=]+)" download="pass-numerique-'
        + re.escape(carnet.numero)
        + r'\.pdf"',
        html,
    )
    assert match, "the booklet is embedded as a data: link"
    import base64

    assert base64.b64decode(match.group(1)).startswith(b"%PDF")
    assert "que maintenant" in html
    assert "Bloquer et remplacer" in html
    # The SMS carries the carnet link; the page says it was sent.
    assert len(sms_outbox) == 1
    # The provider got the link in clear; the copy kept by the platform has the code masked.
    from inclusion.sms.backends.memory import delivered

    assert delivered[0].endswith(f"/p/{seen['codes'][0]}")
    assert seen["codes"][0] not in sms_outbox[0].body
    assert "/p/" + "•" * len(seen["codes"][0]) in sms_outbox[0].body  # whole (issue 12)
    assert sms_outbox[0].kind == "pass_lien"
    assert "le lien a été envoyé par SMS" in html
    # No clear code anywhere in the database.
    assert _text_columns_hold(seen["codes"]) == []
    ctx["enveloppe"].refresh_from_db()
    assert ctx["enveloppe"].solde == 90
    # The same form again: nothing new.
    again = _post_issue(client, ctx, demande_id=demande)
    assert again.status_code == 409
    assert "Ce pass a déjà été délivré" in again.text
    assert "data:application/pdf" not in again.text
    assert Carnet.objects.count() == 1
    assert len(sms_outbox) == 1


def test_sms_body_is_gsm7_and_short(settings):
    from pass_numerique.services.issuance import sms_body

    gsm7 = set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    )
    body = sms_body("K7MQ3ZP9XW2HD4RTV")
    assert set(body) <= gsm7
    assert len(body) <= 160


def test_issue_bad_input_writes_nothing(client, ctx):
    _login(client, ctx["prescripteur"])
    response = _post_issue(client, ctx, nombre=9)
    assert response.status_code == 422
    assert "On délivre au plus 5 carnets à la fois." in response.text
    assert 'aria-describedby="id_nombre_aide id_nombre_erreurs"' in response.text
    response = _post_issue(client, ctx, enveloppe="")
    assert "Choisissez l'enveloppe d'où viennent les chèques." in response.text
    assert not Carnet.objects.exists()


def test_issue_more_than_the_balance(client):
    ctx = setup_pass(nb_cheques=25)
    ctx["beneficiaire"] = BeneficiaireFactory(structure=ctx["enveloppe"].structure)
    _login(client, ctx["prescripteur"])
    response = _post_issue(client, ctx, nombre=3)
    assert response.status_code == 422
    assert "Il reste 25 chèques dans cette enveloppe : assez pour 2 carnets au plus." in (
        response.text
    )
    assert not Carnet.objects.exists()


def test_issue_service_refusal_is_shown(client, ctx):
    ctx["beneficiaire"].commune = ctx["lieu"].commune
    ctx["beneficiaire"].save()
    ctx["programme"].communes.add(LieuFactory().commune)
    _login(client, ctx["prescripteur"])
    response = _post_issue(client, ctx)
    assert response.status_code == 422
    assert "n'habite pas une commune couverte par ce programme" in response.text
    assert not Carnet.objects.exists()


def test_issue_anonymous(client, ctx, sms_outbox):
    _login(client, ctx["prescripteur"])
    url = reverse("pass:delivrer_anonyme")
    assert "Envoyer le lien" not in client.get(url).text
    response = client.post(
        url, {"enveloppe": ctx["enveloppe"].pk, "nombre": 2, "demande_id": str(uuid.uuid4())}
    )
    assert response.status_code == 200
    assert Carnet.objects.filter(beneficiaire=None).count() == 2
    assert "data:application/pdf;base64," in response.text
    assert sms_outbox == []


def test_anonymous_carnet_needs_programme_permission(client):
    programme = ProgrammeFactory(anonyme_autorise=False)
    env = EnveloppeFactory(programme=programme)
    user = member(Role.PRESCRIPTEUR, structure=env.structure)
    response = _login(client, user).get(reverse("pass:delivrer_anonyme"))
    assert response.status_code == 403


# --- Carnets --------------------------------------------------------------------------------


def test_carnet_list_with_balance_and_filters(client, ctx):
    issued(ctx, ctx["beneficiaire"])
    other = issued(ctx)[0].carnet
    Carnet.objects.filter(pk=other.pk).update(statut=StatutCarnet.REMIS)
    _login(client, ctx["prescripteur"])
    html = client.get(reverse("pass:carnets")).text
    assert "80" in html and "chèques restants sur 100" in html
    assert "2 carnets" in html
    html = client.get(reverse("pass:carnets"), {"statut": "remis"}).text
    assert "1 carnet" in html and other.numero in html
    today = timezone.localtime(other.emis_le).strftime("%d/%m/%Y")
    html = client.get(reverse("pass:carnets"), {"emis_du": today, "emis_au": today}).text
    assert "2 carnets" in html


def test_carnet_list_shows_the_newest_first(client, ctx):
    """The chèques-left count must not make the database forget the model's order."""
    import datetime

    carnets = [issued(ctx)[0].carnet for _ in range(3)]
    debut = timezone.now() - datetime.timedelta(days=10)
    for i, carnet in enumerate(carnets):  # the last issued is the newest
        Carnet.objects.filter(pk=carnet.pk).update(emis_le=debut + datetime.timedelta(days=i))
    html = _login(client, ctx["prescripteur"]).get(reverse("pass:carnets")).text
    positions = [html.index(carnet.numero) for carnet in reversed(carnets)]
    assert positions == sorted(positions)


def test_carnet_list_bad_date(client, ctx):
    response = _login(client, ctx["prescripteur"]).get(reverse("pass:carnets"), {"emis_du": "zz"})
    assert response.status_code == 422
    assert "Indiquez une date" in response.text


def test_carnet_list_hides_other_structures(client, ctx, autre):
    carnet = issued(ctx, ctx["beneficiaire"])[0].carnet
    html = _login(client, autre).get(reverse("pass:carnets")).text
    assert carnet.numero not in html
    assert "0 carnet" in html


def test_carnet_list_is_forbidden_to_volontaire(client):
    assert _login(client, member(Role.VOLONTAIRE)).get(reverse("pass:carnets")).status_code == 403


def test_carnet_list_query_count_does_not_grow(
    client, django_assert_num_queries, habillage_en_cache
):
    from django.test.utils import CaptureQueriesContext

    ctx = setup_pass(nb_cheques=1000, cheques_par_carnet=2)
    _login(client, ctx["prescripteur"])
    issued(ctx, BeneficiaireFactory(structure=ctx["enveloppe"].structure))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("pass:carnets")).status_code == 200
    for _ in range(49):
        issued(ctx, BeneficiaireFactory(structure=ctx["enveloppe"].structure))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("pass:carnets"))
    assert "50 carnets" in response.text


def test_carnet_detail(client, ctx):
    item = issued(ctx, ctx["beneficiaire"])[0]
    _login(client, ctx["mediateur"])
    from pass_numerique.services import redemption

    redemption.redeem_cheque(
        acteur=ctx["mediateur"],
        lieu=ctx["lieu"],
        code=item.cheque_codes[0][1],
        prestation="atelier",
        demande_id=uuid.uuid4(),
    )
    response = _login(client, ctx["prescripteur"]).get(
        reverse("pass:carnet_detail", args=[item.carnet.pk])
    )
    html = response.text
    assert response.status_code == 200
    assert "Fatima" in html
    assert reverse("pro:beneficiaire_detail", args=[ctx["beneficiaire"].uuid]) in html
    assert ctx["lieu"].nom in html and "Atelier collectif" in html
    assert "9 chèques valables sur 10" in html
    for code in [item.code] + [c for _, c in item.cheque_codes]:
        assert code not in html and codes.format_code(code) not in html
    assert "Marquer comme remis" not in html  # entamé: already in use
    assert "Bloquer et remplacer" in html


def test_carnet_detail_wrong_structure_is_404(client, ctx, autre):
    carnet = issued(ctx)[0].carnet
    _login(client, autre)
    for name in ("carnet_detail", "carnet_remettre", "carnet_bloquer", "carnet_annuler"):
        assert client.get(reverse(f"pass:{name}", args=[carnet.pk])).status_code == 404
        assert client.post(reverse(f"pass:{name}", args=[carnet.pk])).status_code == 404
    carnet.refresh_from_db()
    assert carnet.statut == StatutCarnet.EMIS


def test_carnet_detail_unknown_is_404(client, ctx):
    assert _login(client, ctx["prescripteur"]).get("/pro/pass/carnets/999/").status_code == 404


def test_hand_over(client, ctx):
    carnet = issued(ctx)[0].carnet
    _login(client, ctx["prescripteur"])
    url = reverse("pass:carnet_remettre", args=[carnet.pk])
    assert "Oui, le carnet est remis" in client.get(url).text
    response = client.post(url)
    assert response.status_code == 302
    carnet.refresh_from_db()
    assert carnet.statut == StatutCarnet.REMIS
    again = client.post(url)
    assert again.status_code == 422
    assert "déjà été remis" in again.text


def test_mediateur_cannot_manage_carnets(client, ctx):
    carnet = issued(ctx)[0].carnet
    mediateur = member(Role.MEDIATEUR, structure=ctx["enveloppe"].structure)
    _login(client, mediateur)
    assert client.get(reverse("pass:carnet_detail", args=[carnet.pk])).status_code == 200
    assert client.post(reverse("pass:carnet_annuler", args=[carnet.pk])).status_code == 403


def test_block_and_replace_gives_a_new_booklet(client, ctx):
    old = issued(ctx, ctx["beneficiaire"])[0]
    _login(client, ctx["prescripteur"])
    response = client.post(reverse("pass:carnet_bloquer", args=[old.carnet.pk]), {"motif": "perdu"})
    html = response.text
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new = Carnet.objects.get(remplace=old.carnet)
    assert f'download="pass-numerique-{new.numero}.pdf"' in html
    old.carnet.refresh_from_db()
    assert old.carnet.statut == StatutCarnet.BLOQUE
    assert new.nb_cheques == 10


def test_block_bad_input(client, ctx):
    carnet = issued(ctx)[0].carnet
    _login(client, ctx["prescripteur"])
    # A reason outside the list (the journal keeps only the list's keys, never typed text).
    response = client.post(reverse("pass:carnet_bloquer", args=[carnet.pk]), {"motif": "x" * 201})
    assert response.status_code == 422
    assert "Choisissez un motif de la liste." in response.text
    carnet.refresh_from_db()
    assert carnet.statut == StatutCarnet.EMIS


def test_cancel(client, ctx):
    carnet = issued(ctx)[0].carnet
    _login(client, ctx["prescripteur"])
    response = client.post(reverse("pass:carnet_annuler", args=[carnet.pk]), follow=True)
    assert "10 chèques reviennent dans l'enveloppe" in response.text
    ctx["enveloppe"].refresh_from_db()
    assert ctx["enveloppe"].solde == 100
    again = client.post(reverse("pass:carnet_annuler", args=[carnet.pk]))
    assert again.status_code == 422
    assert "n'est plus utilisable" in again.text


# --- Vérifier et encaisser ------------------------------------------------------------------


@pytest.fixture
def carnet(ctx):
    return issued(ctx, ctx["beneficiaire"])[0]


def test_verify_valid_cheque_offers_redemption(client, ctx, carnet):
    code = carnet.cheque_codes[0][1]
    _login(client, ctx["mediateur"])
    page = client.get(reverse("pass:verifier")).text
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', page)
    scanned = f"http://127.0.0.1:8000/c/{code.lower()}"
    response = client.post(reverse("pass:verifier"), {"code": scanned})
    html = response.text
    assert response.status_code == 200
    assert "Chèque valable" in html and "10,00 €" in html
    assert "Encaisser 10,00 €" in html
    assert ctx["lieu"].nom in html
    assert "Fatima" not in html


def test_verify_as_prescripteur_has_no_redeem_button(client, ctx, carnet):
    code = carnet.cheque_codes[0][1]
    response = _login(client, ctx["prescripteur"]).post(reverse("pass:verifier"), {"code": code})
    html = response.text
    assert "Chèque valable" in html
    assert "Encaisser" not in html


def test_verify_at_unqualified_lieu_has_no_redeem_button(client, ctx, carnet):
    lieu = LieuFactory()
    mediateur = member(Role.MEDIATEUR, structure=lieu.structure)
    response = _login(client, mediateur).post(
        reverse("pass:verifier"), {"code": carnet.cheque_codes[0][1]}
    )
    html = response.text
    assert "Chèque valable" in html and "Encaisser" not in html
    assert "pas qualifié" in html


def test_verify_bad_input(client, ctx):
    _login(client, ctx["mediateur"])
    response = client.post(reverse("pass:verifier"), {"code": ""})
    assert response.status_code == 422
    assert "Scannez le QR code ou tapez le code" in response.text
    response = client.post(reverse("pass:verifier"), {"code": "K7MQ-3ZP9"})
    assert response.status_code == 422
    assert "Un code compte 17 caractères ; celui-ci en compte 8." in response.text
    assert 'role="alert"' in response.text


def test_verify_wrong_structure_cheque_is_refused_at_lieu_outside_perimeter(client, ctx, carnet):
    ctx["programme"].lieux.add(LieuFactory(qualifie=True))
    response = _login(client, ctx["mediateur"]).post(
        reverse("pass:verifier"), {"code": carnet.cheque_codes[0][1]}
    )
    assert response.status_code == 422
    assert "n'est pas accepté à" in response.text
    assert "Encaisser" not in response.text


def test_verify_is_forbidden_to_volontaire(client):
    assert _login(client, member(Role.VOLONTAIRE)).get(reverse("pass:verifier")).status_code == 403


def _redeem(client, code, **data):
    payload = {"code": code, "prestation": "atelier", "demande_id": str(uuid.uuid4())}
    payload.update(data)
    return client.post(reverse("pass:encaisser"), payload)


def test_redeem_flow(client, ctx, carnet):
    code = carnet.cheque_codes[0][1]
    _login(client, ctx["mediateur"])
    client.get(reverse("pass:verifier"))  # remembers the lieu
    demande = str(uuid.uuid4())
    response = _redeem(client, code, demande_id=demande, reference="Atelier smartphone")
    assert response.status_code == 302  # post/redirect/get: a refresh re-sends nothing
    response = client.get(response["Location"])
    html = response.text
    assert response.status_code == 200
    assert "Chèque encaissé" in html
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', html)
    enc = Encaissement.objects.get()
    assert enc.lieu == ctx["lieu"] and enc.reference == "Atelier smartphone"
    # The same form sent twice: nothing new.
    again = _redeem(client, code, demande_id=demande)
    assert again.status_code == 302
    assert Encaissement.objects.count() == 1
    # A new scan of the same chèque: refused, with when and where.
    refused = _redeem(client, code)
    assert refused.status_code == 409
    assert "Ce chèque a déjà été utilisé le" in refused.text
    assert ctx["lieu"].nom in refused.text
    # The check says so too.
    checked = client.post(reverse("pass:verifier"), {"code": code})
    assert "Ce chèque a déjà été utilisé" in checked.text
    # The service is remembered for the next chèque, by the scan form (not the session).
    assert '<input type="hidden" name="derniere_prestation" value="atelier">' in html
    nxt = client.post(
        reverse("pass:verifier"),
        {"code": carnet.cheque_codes[1][1], "derniere_prestation": "atelier"},
    )
    assert re.search(r'value="atelier"[^>]*checked|checked[^>]*value="atelier"', nxt.text)


def test_redeem_bad_input(client, ctx, carnet):
    code = carnet.cheque_codes[0][1]
    _login(client, ctx["mediateur"])
    client.get(reverse("pass:verifier"))
    response = _redeem(client, code, prestation="")
    assert response.status_code == 422
    assert "Choisissez le service rendu à la personne." in response.text
    response = _redeem(client, code, demande_id="pas-un-uuid")
    assert response.status_code == 422
    assert "scannez le chèque à nouveau" in response.text
    assert not Encaissement.objects.exists()


def test_redeem_by_prescripteur_is_forbidden(client, ctx, carnet):
    _login(client, ctx["prescripteur"])
    session = client.session
    session["pass_lieu_id"] = ctx["lieu"].pk
    session.save()
    assert _redeem(client, carnet.cheque_codes[0][1]).status_code == 403
    assert Cheque.objects.filter(statut=StatutCheque.ENCAISSE).count() == 0


def test_redeem_without_lieu_goes_back_to_verify(client, ctx, carnet):
    response = _login(client, ctx["mediateur"]).post(
        reverse("pass:encaisser"), {"code": carnet.cheque_codes[0][1]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pass:verifier")


@pytest.mark.django_db(transaction=True)
def test_redeem_view_adds_only_session_user_and_lieu(client, ctx, carnet):
    """Real transactions, as in production. The view costs the session, the user and the lieu
    on top of the service itself (no session write, no second check)."""
    from django.test.utils import CaptureQueriesContext

    from inclusion.models import Lieu, User
    from pass_numerique.services import redemption

    acteur = User.objects.get(pk=ctx["mediateur"].pk)
    lieu = Lieu.objects.select_related("structure").get(pk=ctx["lieu"].pk)
    with CaptureQueriesContext(connection) as service:
        redemption.redeem_cheque(
            acteur=acteur,
            lieu=lieu,
            code=carnet.cheque_codes[1][1],
            prestation="atelier",
            demande_id=uuid.uuid4(),
        )
    _login(client, ctx["mediateur"])
    client.get(reverse("pass:verifier"))
    with CaptureQueriesContext(connection) as view:
        response = _redeem(client, carnet.cheque_codes[0][1])
    assert "Chèque encaissé" in client.get(response["Location"]).text
    assert len(view.captured_queries) <= len(service.captured_queries) + 3


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_redeem_view_query_count(client, ctx, carnet, settings, django_assert_max_num_queries):
    """The bench target: at most 8 queries (the session is read from the cache)."""
    _login(client, ctx["mediateur"])
    client.get(reverse("pass:verifier"))
    with django_assert_max_num_queries(8):
        response = _redeem(client, carnet.cheque_codes[0][1])
    assert "Chèque encaissé" in client.get(response["Location"]).text


def test_too_many_bad_codes_gives_429(client, ctx, carnet):
    _login(client, ctx["mediateur"])
    for _ in range(10):
        bad = codes.generate()  # well formed, unknown
        assert client.post(reverse("pass:verifier"), {"code": bad}).status_code == 422
    response = client.post(reverse("pass:verifier"), {"code": carnet.cheque_codes[0][1]})
    assert response.status_code == 429
    assert "Trop de codes faux en peu de temps" in response.text
    assert _redeem(client, carnet.cheque_codes[0][1]).status_code == 429
    assert not Encaissement.objects.exists()


def test_several_lieux_are_chosen_and_remembered(client, ctx, carnet):
    second = LieuFactory(qualifie=True, structure=ctx["lieu"].structure, nom="Médiathèque")
    _login(client, ctx["mediateur"])
    response = client.get(reverse("pass:verifier"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pass:choisir_lieu"))
    page = client.get(reverse("pass:choisir_lieu")).text
    assert "Médiathèque" in page and ctx["lieu"].nom in page
    bad = client.post(reverse("pass:choisir_lieu"), {"lieu": LieuFactory(qualifie=True).pk})
    assert bad.status_code == 422
    assert "Ce lieu n'est pas dans la liste" in bad.text
    assert client.post(reverse("pass:choisir_lieu"), {"lieu": second.pk}).status_code == 302
    html = client.get(reverse("pass:verifier")).text
    assert "Médiathèque" in html and "Changer de lieu" in html
    _redeem(client, carnet.cheque_codes[0][1])
    assert Encaissement.objects.get().lieu == second


# --- Short URLs -----------------------------------------------------------------------------


def test_cheque_short_url_confirms_then_checks_on_post(client, ctx, carnet):
    """Issue 12: /c/<code> no longer redirects with the code in a query string; it asks
    "Vérifier ce chèque" and the check happens on the form's POST (code in a hidden field)."""
    code = carnet.cheque_codes[0][1]
    client = Client(enforce_csrf_checks=True)
    _login(client, ctx["mediateur"])
    response = client.get(f"/c/{code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vérifier ce chèque" in html and codes.format_code(code) in html
    assert "Chèque valable" not in html  # nothing checked yet
    verifier = reverse("pass:verifier")
    form = re.search(rf'<form method="post" action="({verifier})">(.*?)</form>', html, re.S)
    assert re.search(rf'<input type="hidden" name="code" value="{code}">', form.group(2))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)
    # Not cached, no path in referrers, nothing loaded from another origin.
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "strict-origin"  # the origin, never the path
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)
    checked = client.post(
        form.group(1), {"code": code, "csrfmiddlewaretoken": token}
    ).content.decode()
    assert "Chèque valable" in checked and "Encaisser" in checked
    # Without the token (a foreign page posting): refused, nothing checked.
    assert client.post(form.group(1), {"code": code}).status_code == 403


def test_checking_a_code_is_a_post_only(client, ctx, carnet):
    """Issue 12: GET requests (links or images on a foreign page) check nothing and cannot
    spend the médiateur's 10 failed attempts."""
    _login(client, ctx["mediateur"])
    for _ in range(12):
        response = client.get(reverse("pass:verifier"), {"code": codes.generate()})
        assert response.status_code == 200
        assert "Chèque refusé" not in response.text
    assert not Journal.objects.filter(action="code.echec").exists()
    valid = client.get(reverse("pass:verifier"), {"code": carnet.cheque_codes[0][1]})
    assert "Chèque valable" not in valid.text
    response = client.post(reverse("pass:verifier"), {"code": carnet.cheque_codes[0][1]})
    assert response.status_code == 200
    assert "Chèque valable" in response.text


def test_cheque_short_url_is_for_professionals(client, carnet):
    response = _login(client, member(Role.VOLONTAIRE)).get(f"/c/{carnet.cheque_codes[0][1]}")
    assert response.status_code == 403


def test_cheque_short_url_with_a_bad_code_still_confirms(client, ctx):
    response = _login(client, ctx["mediateur"]).get("/c/K7MQ-3ZP9")
    assert response.status_code == 200
    assert "Vérifier ce chèque" in response.text
    assert 'name="code" value="K7MQ-3ZP9"' in response.text


def test_cheque_short_url_anonymous_goes_to_login(client, carnet):
    response = client.get(f"/c/{carnet.cheque_codes[0][1]}")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_mon_pass_is_public(client, ctx, carnet):
    response = client.get(f"/p/{codes.format_code(carnet.code)}")
    html = response.text
    assert response.status_code == 200
    assert "Bonjour Fatima." in html
    assert "Il vous reste <strong>10 chèques</strong>" in html
    assert ctx["lieu"].nom in html
    assert ctx["beneficiaire"].nom not in html
    assert "no-store" in response["Cache-Control"]


def test_mon_pass_unknown_code(client):
    response = client.get(f"/p/{codes.generate()}")
    assert response.status_code == 404
    assert "Nous ne trouvons pas ce pass." in response.text


def test_mon_pass_rate_limit(client, carnet):
    for _ in range(10):
        assert client.get("/p/NOT-A-CODE").status_code == 404
    response = client.get(f"/p/{carnet.code}")
    assert response.status_code == 429
    assert "Vous avez essayé trop de codes." in response.text
    other = client.get(f"/p/{carnet.code}", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
