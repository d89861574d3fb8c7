"""The workshops' list and a session's page on the public site."""

import datetime
import re

import pytest
from django.utils import timezone

from ateliers.enums import Canal
from ateliers.services.registrations import register
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, QuartierFactory

pytestmark = pytest.mark.usefixtures("frozen")

URL = "/ateliers-pres-de-chez-moi/"


def _prochain(jour_semaine, heure=14):
    """The next such weekday (0 = Monday), at least 2 days ahead, at `heure` Paris time."""
    today = timezone.localdate()
    d = today + datetime.timedelta(days=2)
    while d.weekday() != jour_semaine:
        d += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time(heure)))


@pytest.fixture
def quartier():
    return QuartierFactory(nom="Les Aubiers")


@pytest.fixture
def session(quartier):
    lieu = LieuFactory(
        qualifie=True, commune=quartier.commune, quartier=quartier, nom="Médiathèque"
    )
    debut = _prochain(1)
    return SessionFactory(
        lieu=lieu,
        debut=debut,
        fin=debut + datetime.timedelta(hours=2),
        capacite=3,
        theme=ThemeFactory(titre_falc="Utiliser son téléphone", pictogramme="device-phone-mobile"),
    )


def test_list_is_public_with_dates_places_and_seats_in_words(client, site_public, session):
    response = client.get(URL)
    html = response.text
    assert response.status_code == 200
    assert "Utiliser son téléphone" in html
    assert "de 14 h à 16 h" in html
    assert "Médiathèque" in html
    assert "3 places libres" in html
    assert "Je m'inscris" in html
    assert f"{URL}session/{session.pk}/inscription/" in html
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "leaflet" not in html


def test_seats_are_never_stale(client, site_public, session):
    assert "3 places libres" in client.get(URL).text
    register(session=session, beneficiaire=BeneficiaireFactory(), canal=Canal.PUBLIC)
    assert "2 places libres" in client.get(URL).text


def test_full_session_offers_the_waiting_list(client, site_public, session):
    for _ in range(3):
        register(session=session, beneficiaire=BeneficiaireFactory(), canal=Canal.PUBLIC)
    html = client.get(URL).text
    assert "Complet" in html and "Liste d'attente" in html
    assert "0/3" not in html


def _cartes(html):
    return {int(pk) for pk in re.findall(r'id="atelier-(\d+)"', html)}


def test_filter_by_quartier_commune_theme_and_day(client, site_public, session, quartier):
    ailleurs = SessionFactory(
        theme=ThemeFactory(titre_falc="Envoyer un e-mail"), debut=_prochain(3)
    )
    assert _cartes(client.get(URL).text) == {session.pk, ailleurs.pk}
    assert _cartes(client.get(URL, {"ou": f"q{quartier.pk}"}).text) == {session.pk}
    assert _cartes(client.get(URL, {"ou": f"c{ailleurs.lieu.commune_id}"}).text) == {ailleurs.pk}
    assert _cartes(client.get(URL, {"theme": str(ailleurs.theme_id)}).text) == {ailleurs.pk}
    assert _cartes(client.get(URL, {"jour": "mardi"}).text) == {session.pk}
    assert _cartes(client.get(URL, {"jour": "jeudi"}).text) == {ailleurs.pk}
    html = client.get(URL, {"jour": "aujourdhui"}).text
    assert _cartes(html) == set() and "Aucun atelier" in html


def test_bad_filter_gets_a_french_message(client, site_public, session):
    response = client.get(URL, {"ou": "q999999", "jour": "bientot"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text


def test_past_cancelled_and_far_sessions_are_not_listed(client, site_public, session):
    SessionFactory(theme=ThemeFactory(titre_falc="Atelier passé"), commencee=True)
    SessionFactory(theme=ThemeFactory(titre_falc="Atelier annulé"), statut="annulee")
    SessionFactory(
        theme=ThemeFactory(titre_falc="Atelier lointain"),
        debut=timezone.now() + datetime.timedelta(weeks=20),
    )
    html = client.get(URL).text
    assert "Atelier passé" not in html
    assert "Atelier annulé" not in html
    assert "Atelier lointain" not in html


def test_session_page_says_what_to_bring(client, site_public, session):
    response = client.get(f"{URL}session/{session.pk}/")
    html = response.text
    assert response.status_code == 200
    assert "À apporter" in html
    assert "Votre carnet pass numérique" in html
    assert "Votre téléphone portable et son chargeur" in html
    assert html.count("<h1") == 1


def test_what_to_bring_follows_the_theme():
    from cms.journeys.ateliers import a_apporter

    gratuit = ThemeFactory.build(gratuit=True, pictogramme="envelope", thematiques=["email"])
    textes = " ".join(phrase for _, phrase in a_apporter(gratuit))
    assert "carnet" not in textes and "téléphone portable" not in textes
    assert "adresse e-mail" in textes
    assert "carte d'identité" not in textes


@pytest.mark.parametrize("thematique", ["aide_aux_demarches_administratives", "logement"])
def test_what_to_bring_for_paperwork(thematique):
    from cms.journeys.ateliers import a_apporter

    theme = ThemeFactory.build(thematiques=[thematique])
    textes = " ".join(phrase for _, phrase in a_apporter(theme))
    assert "Votre carte d'identité et les courriers utiles." in textes
    assert "adresse e-mail" not in textes


def test_unknown_or_past_session_is_404(client, site_public):
    assert client.get(f"{URL}session/999999/").status_code == 404
    past = SessionFactory(commencee=True)
    assert client.get(f"{URL}session/{past.pk}/").status_code == 404


def test_query_count_does_not_grow_with_sessions(
    client, site_public, session, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inclusion import page_cache

    def new_generation():
        with django_capture_on_commit_callbacks(execute=True):
            page_cache.bump()

    client.get(URL)  # warm Wagtail's site and page caches
    new_generation()  # measure a full render, not the list's cache
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as one_cached:
        assert client.get(URL).status_code == 200
    for i in range(29):
        lieu = LieuFactory(quartier=QuartierFactory())
        SessionFactory(lieu=lieu, debut=_prochain(i % 7) + datetime.timedelta(weeks=i % 4))
    new_generation()
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(URL)
    with CaptureQueriesContext(connection) as thirty_cached:
        assert client.get(URL).text == response.text
    assert len(_cartes(response.text)) == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)
    assert len(thirty_cached.captured_queries) == len(one_cached.captured_queries)
    assert len(one_cached.captured_queries) < len(one.captured_queries)


def test_the_list_cache_follows_every_change_of_what_it_shows(
    client, site_public, session, django_capture_on_commit_callbacks
):
    from ateliers.services.registrations import cancel_registration

    assert "3 places libres" in client.get(URL).text
    inscription = register(session=session, beneficiaire=BeneficiaireFactory(), canal=Canal.PUBLIC)
    assert "2 places libres" in client.get(URL).text
    cancel_registration(inscription=inscription, par_la_personne=True)
    assert "3 places libres" in client.get(URL).text
    session.theme.titre_falc = "Prendre en main son téléphone"
    with django_capture_on_commit_callbacks(execute=True):  # the generation moves on commit
        session.theme.save()
    assert "Prendre en main son téléphone" in client.get(URL).text
    session.lieu.nom = "Bibliothèque des Aubiers"
    with django_capture_on_commit_callbacks(execute=True):
        session.lieu.save()
    assert "Bibliothèque des Aubiers" in client.get(URL).text


def test_a_visitor_with_a_session_gets_a_page_made_for_them(client, site_public, session):
    """Someone in the middle of a registration (session cookie) may have messages: their
    page is rendered for them, never taken from the list's cache."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL)
    with CaptureQueriesContext(connection) as hit:
        client.get(URL)
    client.cookies[settings.SESSION_COOKIE_NAME] = "une-session"
    with CaptureQueriesContext(connection) as rendered:
        assert "3 places libres" in client.get(URL).text
    sql = " ".join(q["sql"] for q in rendered.captured_queries)
    assert "ateliers_theme" in sql
    assert "ateliers_theme" not in " ".join(q["sql"] for q in hit.captured_queries)


def test_fast_path_serves_the_list_without_wagtail_routing(client, site_public, session):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(URL)
    assert second["X-Cache-Page"] == "fresh"
    assert second.content == first.content
    assert "no-cache" in second["Cache-Control"]
    # Only the live state of the sessions shown: no page tree, no site, no theme.
    assert len(ctx.captured_queries) == 1
    assert "ateliers_session" in ctx.captured_queries[0]["sql"]
    register(session=session, beneficiaire=BeneficiaireFactory(), canal=Canal.PUBLIC)
    third = client.get(URL)
    assert third["X-Cache-Page"] != "fresh" and "2 places libres" in third.text
    assert client.get(URL)["X-Cache-Page"] == "fresh"


def test_fast_path_never_skips_a_view_restriction(
    client, site_public, session, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    from cms.models import AteliersIndexPage

    client.get(URL)
    assert client.get(URL)["X-Cache-Page"] == "fresh"
    with django_capture_on_commit_callbacks(execute=True):  # the generation moves on commit
        PageViewRestriction.objects.create(
            page=AteliersIndexPage.objects.get(), restriction_type="password", password="secret"
        )
    response = client.get(URL)
    assert response.get("X-Cache-Page") != "fresh"
    assert "3 places libres" not in response.text


def test_the_kept_list_is_sent_compressed_to_browsers_that_accept_it(client, site_public, session):
    import gzip

    plain = client.get(URL).content
    kept = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert kept["X-Cache-Page"] == "fresh" and kept["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in kept["Vary"]
    assert gzip.decompress(kept.content) == plain
    assert client.get(URL).content == plain  # and plain to the others


def test_the_list_is_in_time_order_whatever_the_order_of_creation(client, site_public, session):
    """Created last, shown first when it comes first (the waiting-list count must not make the
    database forget the order)."""
    plus_tot = SessionFactory(
        lieu=session.lieu,
        debut=session.debut - datetime.timedelta(days=1),
        fin=session.debut - datetime.timedelta(days=1, hours=-2),
        theme=ThemeFactory(titre_falc="Atelier du lundi"),
    )
    html = client.get(URL).text
    assert html.index(f"atelier-{plus_tot.pk}") < html.index(f"atelier-{session.pk}")


# --- Keys and caches: a stranger cannot fill the cache, nor evict the rate limits -------------


def _cles(alias):
    """Every key a memory cache holds (the tests' caches are LocMemCache)."""
    from django.core.cache import caches

    return set(caches[alias]._cache)


def test_the_list_is_kept_under_its_checked_filters_only(client, site_public, session, quartier):
    commune = f"c{quartier.commune_id}"
    tous = client.get(URL)
    choisis = client.get(f"{URL}?ou={commune}&jour=mardi")
    assert choisis.status_code == 200 and "pour votre choix" in choisis.text
    pages, compteurs = _cles("pages"), _cles("default")
    for i in range(50):
        inconnu = client.get(f"{URL}?utm_source=x{i}&p{i}={i}")
        assert inconnu["X-Cache-Page"] == "fresh" and inconnu.content == tous.content
        autre_ordre = client.get(f"{URL}?jour=mardi&x={i}&ou={commune}")
        assert autre_ordre["X-Cache-Page"] == "fresh"
        assert autre_ordre.content == choisis.content
        assert client.get(f"{URL}?jour=jour{i}").status_code == 400  # unknown value: not kept
    assert _cles("pages") == pages
    assert _cles("default") == compteurs


def test_a_list_with_only_unknown_parameters_is_the_plain_list(client, site_public, session):
    avec = client.get(f"{URL}?recherche=abc").content
    from django.core.cache import caches

    from inclusion import page_cache

    caches["pages"].clear()
    page_cache.forget()
    assert client.get(URL).content == avec
    assert "pour votre choix" not in avec.decode()


def test_the_rate_limits_cache_holds_no_page(client, site_public, session, quartier):
    import pickle

    from django.core.cache import caches

    for url in ("/", URL, f"{URL}?ou=c{quartier.commune_id}", "/lieux/", URL, "/"):
        assert client.get(url).status_code == 200
    assert _cles("pages")  # pages were kept, elsewhere
    defaut = caches["default"]
    for cle in _cles("default"):
        nom = cle.split(":", 2)[2]
        if nom.startswith("cms:"):  # ours: counters only (Wagtail keeps its site paths here)
            assert nom.endswith(":generation") or nom.startswith("cms:limite:"), nom
        valeur = pickle.loads(defaut._cache[cle])
        assert "<html" not in repr(valeur)
