"""Issue 19: the dashboards at national size. A scope whose dashboard computes slowly is served
from the worker's instantané (mediation.services.pilotage_instantanes); a fast one is counted
live and stores nothing. "Slow" is set here by the bound (0 s: every computation is slow), not
by timing anything."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inclusion.enums import Role
from mediation.models_pilotage import InstantanePilotage
from mediation.pilotage import tableau_de_bord
from mediation.pilotage.filtres import Portee, parse_filtres
from mediation.pilotage.sections import decode, encode
from mediation.services import pilotage_instantanes as instantanes
from tests.clock import FROZEN_AT
from tests.inclusion.factories import StructureFactory, member
from tests.mediation.monde_pilotage import FILTRES, monde_for_module, portees
from tests.mediation.pilotage_fausse_section import use_fake_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

URL = "/pro/pilotage/"
TERRITOIRE = Portee()


def lignes_of(figures):
    (section,) = figures.sections
    return len(section.tableaux[0].lignes)


@pytest.fixture
def slow(settings):
    settings.INCLUSION_PILOTAGE_DIRECT_SECONDES = 0
    settings.INCLUSION_PILOTAGE_FRAICHEUR_MINUTES = 30


@pytest.fixture
def enqueued(monkeypatch):
    keys = []
    monkeypatch.setattr(instantanes, "compute_dashboard", SimpleNamespace(enqueue=keys.append))
    return keys


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    yield from monde_for_module(django_db_blocker)


@pytest.mark.parametrize("qui", ["territoire", "mediateur", "prescripteur"])
def test_real_sections_come_back_equal(monde, qui):
    sections = tableau_de_bord.sections(FILTRES, portees(monde)[qui])
    assert len(sections) == 6  # every section of the real dashboard, with Decimals and rates
    assert [decode(encode(s)) for s in sections] == sections


def test_unknown_values_are_refused():
    with pytest.raises(TypeError):
        encode(object())


def test_a_fast_scope_is_counted_live_and_stores_nothing(monkeypatch, enqueued):
    use_fake_section(monkeypatch, lignes=3)
    figures = instantanes.figures_for(FILTRES, TERRITOIRE)
    assert lignes_of(figures) == 3
    assert figures.calcule_le is None and not figures.en_cours
    assert not InstantanePilotage.objects.exists()
    assert enqueued == []


def test_a_slow_scope_is_then_served_from_its_instantane(
    monkeypatch, slow, enqueued, django_capture_on_commit_callbacks
):
    use_fake_section(monkeypatch, lignes=3)
    first = instantanes.figures_for(FILTRES, TERRITOIRE)
    assert lignes_of(first) == 3 and first.calcule_le is None  # live, and learnt it is slow
    assert InstantanePilotage.objects.get().duree_ms >= 0

    calls = use_fake_section(monkeypatch, lignes=5)  # the data changed since
    second = instantanes.figures_for(FILTRES, TERRITOIRE)
    assert calls == []  # not computed by the page
    assert lignes_of(second) == 3 and second.calcule_le == FROZEN_AT
    assert not second.en_cours and enqueued == []

    with time_machine.travel(FROZEN_AT + datetime.timedelta(minutes=31), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            third = instantanes.figures_for(FILTRES, TERRITOIRE)
        assert lignes_of(third) == 3 and third.en_cours  # the old ones, newer on their way
        assert enqueued == [instantanes.dashboard_key(FILTRES, TERRITOIRE)]
        with django_capture_on_commit_callbacks(execute=True):
            instantanes.figures_for(FILTRES, TERRITOIRE)
        assert len(enqueued) == 1  # asked once, however many pages ask

        assert instantanes.compute_stored(enqueued[0]) is not None
        assert instantanes.compute_stored(enqueued[0]) is None  # a second task computes nothing
        fourth = instantanes.figures_for(FILTRES, TERRITOIRE)
    assert lignes_of(fourth) == 5 and not fourth.en_cours
    assert len(calls) == 1


def test_other_filters_of_a_slow_scope_are_computed_in_the_background(
    monkeypatch, slow, enqueued, django_capture_on_commit_callbacks
):
    use_fake_section(monkeypatch)
    instantanes.figures_for(FILTRES, TERRITOIRE)  # learnt slow
    autres = parse_filtres({"du": "2026-01-01", "au": "2026-03-31"})
    with django_capture_on_commit_callbacks(execute=True):
        figures = instantanes.figures_for(autres, TERRITOIRE)
    assert figures.sections is None and figures.en_cours
    assert enqueued == [instantanes.dashboard_key(autres, TERRITOIRE)]
    row = InstantanePilotage.objects.get(cle=enqueued[0])
    assert row.parametres["filtres"] == {"du": "2026-01-01", "au": "2026-03-31"}
    instantanes.compute_stored(enqueued[0])
    figures = instantanes.figures_for(autres, TERRITOIRE)
    assert lignes_of(figures) == 3 and figures.calcule_le == FROZEN_AT


def test_a_scope_never_reads_another_scopes_figures(monkeypatch, slow, enqueued):
    s1, s2 = StructureFactory(), StructureFactory()
    a = Portee(structures=frozenset({s1.pk}), role=Role.MEDIATEUR)
    b = Portee(structures=frozenset({s2.pk}), role=Role.MEDIATEUR)
    c = Portee(structures=frozenset({s1.pk}), role=Role.PRESCRIPTEUR)
    use_fake_section(monkeypatch, lignes=2)
    instantanes.figures_for(FILTRES, a)
    assert len({instantanes.dashboard_key(FILTRES, p) for p in (a, b, c, TERRITOIRE)}) == 4
    calls = use_fake_section(monkeypatch, lignes=4)
    assert lignes_of(instantanes.figures_for(FILTRES, b)) == 4  # b is not slow: live
    assert [p for _, p in calls] == [b]


def test_the_queued_task_computes_it(monkeypatch, slow, django_capture_on_commit_callbacks):
    # The tests' task backend runs a task when it is enqueued (after the commit).
    calls = use_fake_section(monkeypatch)
    instantanes.figures_for(FILTRES, TERRITOIRE)
    autres = parse_filtres({"du": "2026-02-01", "au": "2026-02-28"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert instantanes.figures_for(autres, TERRITOIRE).en_cours
    assert len(calls) == 1  # not computed inside the page's transaction
    for callback in callbacks:
        callback()
    assert [f for f, _ in calls] == [FILTRES, autres]
    figures = instantanes.figures_for(autres, TERRITOIRE)
    assert lignes_of(figures) == 3 and not figures.en_cours


def test_the_page_says_when_and_that_figures_are_coming(client, monkeypatch, slow, enqueued):
    use_fake_section(monkeypatch)
    client.force_login(member(Role.COORDINATEUR))
    assert client.get(URL).status_code == 200  # live: learnt slow
    page = client.get(URL).content.decode()
    assert "Chiffres calculés le 17 novembre 2026 à 10h00." in page
    assert "Personnes par quartier" in page

    page = client.get(URL, {"du": "2026-01-01", "au": "2026-03-31"}).content.decode()
    assert "Les chiffres sont en cours de calcul." in page
    assert "Personnes par quartier" not in page
    assert "Aucune section n'est encore disponible" not in page
    pdf = client.get(URL + "pdf/", {"du": "2026-01-01", "au": "2026-03-31"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_serving_an_instantane_takes_few_queries(client, monkeypatch, slow, enqueued):
    use_fake_section(monkeypatch)
    client.force_login(member(Role.COORDINATEUR))
    client.get(URL)
    client.get(URL)  # notes the reading
    calls = use_fake_section(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    assert calls == []
    mine = [q["sql"] for q in queries.captured_queries if "instantanepilotage" in q["sql"]]
    assert len(mine) == 2  # is the scope slow, its instantané


def test_periodic_refresh(monkeypatch, slow, enqueued, django_capture_on_commit_callbacks):
    use_fake_section(monkeypatch)
    now = FROZEN_AT
    with django_capture_on_commit_callbacks(execute=True):
        counts = instantanes.refresh(now)
    accueil = instantanes.dashboard_key(parse_filtres({}), TERRITOIRE)
    assert counts == {"demandés": 1, "supprimés": 0} and enqueued == [accueil]
    with django_capture_on_commit_callbacks(execute=True):
        assert instantanes.refresh(now)["demandés"] == 0  # queued already
    instantanes.compute_stored(accueil)

    # A structure's slow dashboard, read 8 days ago: deleted; one read today: kept and asked.
    vieux = Portee(structures=frozenset({StructureFactory().pk}), role=Role.MEDIATEUR)
    lu = Portee(structures=frozenset({StructureFactory().pk}), role=Role.MEDIATEUR)
    with time_machine.travel(now - datetime.timedelta(days=8), tick=False):
        instantanes.figures_for(FILTRES, vieux)
        instantanes.figures_for(FILTRES, vieux)
        instantanes.figures_for(FILTRES, lu)
    instantanes.figures_for(FILTRES, lu)  # read today (old figures, newer asked)
    later = now + datetime.timedelta(minutes=31)
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = instantanes.refresh(later)
    assert counts == {"demandés": 1, "supprimés": 1}
    assert set(enqueued) == {accueil}  # lu's was asked already by its page today
    keys = set(InstantanePilotage.objects.values_list("cle", flat=True))
    assert keys == {accueil, instantanes.dashboard_key(FILTRES, lu)}


def test_fast_again_the_instantanes_go(monkeypatch, settings, slow, enqueued):
    use_fake_section(monkeypatch)
    instantanes.figures_for(FILTRES, Portee(structures=frozenset({1}), role=Role.MEDIATEUR))
    assert InstantanePilotage.objects.count() == 1
    settings.INCLUSION_PILOTAGE_DIRECT_SECONDES = 3600
    assert instantanes.refresh(FROZEN_AT)["supprimés"] == 1


def test_registered_as_periodic_work():
    from inclusion.registry import periodic_work

    assert "pilotage_instantanes" in {t.nom for t in periodic_work()}
