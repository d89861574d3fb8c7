"""The replica router (inclusion/db_router.py) with a real second alias: "replica" is a second
connection to the test database (TEST MIRROR of default), so each query is seen on the
connection that ran it. Transactional tests: the replica's connection sees committed rows only,
as a real replica does."""

import copy
import re
import uuid

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ateliers.enums import Canal
from ateliers.services.registrations import register
from inclusion.db_router import ReplicaRouter, lecture_replica
from inclusion.enums import Role
from inclusion.models import Journal
from inclusion.services.journal import write_journal
from mediation.services.partages import create_partage, jeton
from pass_numerique.models import Encaissement
from pass_numerique.services.redemption import redeem_cheque
from tests.ateliers.factories import setup_atelier
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, member
from tests.pass_numerique.factories import issued, setup_pass

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("frozen"),
]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A "replica" alias for this module only, pointing at the test database."""
    default = connections["default"].settings_dict
    replica = copy.deepcopy(default)
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}
    connections.settings["replica"] = replica  # the same dict as settings.DATABASES
    yield
    with django_db_blocker.unblock():
        connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


class Queries:
    """The SQL each connection ran inside the block."""

    def __enter__(self):
        self._default = CaptureQueriesContext(connections["default"])
        self._replica = CaptureQueriesContext(connections["replica"])
        self._default.__enter__()
        self._replica.__enter__()
        return self

    def __exit__(self, *exc):
        self._replica.__exit__(*exc)
        self._default.__exit__(*exc)

    @property
    def default(self):
        return [q["sql"] for q in self._default.captured_queries]

    @property
    def replica(self):
        return [q["sql"] for q in self._replica.captured_queries]


def _reads_only(sqls):
    # PostgreSQL streams big reads through a server-side cursor: DECLARE … FOR SELECT.
    read = re.compile(r"^\s*(SELECT|DECLARE \S+ NO SCROLL CURSOR WITH HOLD FOR SELECT)\b", re.I)
    return all(read.match(sql) for sql in sqls)


def _writes(sqls):
    # On PostgreSQL the redemption is one statement: WITH gate AS (UPDATE …) INSERT ….
    return [sql for sql in sqls if re.search(r"\b(INSERT INTO|UPDATE)\b", sql)]


def _touching(sqls, table):
    return [sql for sql in sqls if table in sql]


@pytest.fixture
def pass_world():
    ctx = setup_pass()
    beneficiaire = BeneficiaireFactory(structure=ctx["enveloppe"].structure, consentant=True)
    ctx["carnet"] = issued(ctx, beneficiaire)[0]
    return ctx


def test_dashboard_reads_its_figures_from_the_replica(client, pass_world):
    client.force_login(pass_world["prescripteur"])
    with Queries() as q:
        response = client.get(reverse("pilotage:tableau_de_bord"))
    assert response.status_code == 200
    assert q.replica and _reads_only(q.replica)
    # The aggregates of the pass section run on the replica, none on the primary.
    assert _touching(q.replica, "pass_numerique_cheque")
    assert not _touching(q.default, "pass_numerique_")
    # Who is signed in is read on the primary: a signed-out session or a withdrawn role
    # must not live on in a lagging replica.
    assert _touching(q.default, "django_session")
    assert _touching(q.default, "inclusion_membership")
    assert not _touching(q.replica, "django_session")
    assert not _touching(q.replica, "inclusion_membership")
    assert not _touching(q.replica, "inclusion_user")


def test_dashboard_instantane_read_and_written_on_the_primary(client, pass_world, settings):
    """Issue 19: the worker's instantané of a slow dashboard is read where it is written."""
    settings.INCLUSION_PILOTAGE_DIRECT_SECONDES = 0  # every scope slow: kept, then served
    client.force_login(pass_world["prescripteur"])
    assert client.get(reverse("pilotage:tableau_de_bord")).status_code == 200
    with Queries() as q:
        response = client.get(reverse("pilotage:tableau_de_bord"))
    assert response.status_code == 200
    assert "Chiffres calculés le" in response.content.decode()
    assert _touching(q.default, "mediation_instantanepilotage")
    assert not _touching(q.replica, "mediation_instantanepilotage")


def test_without_the_mark_everything_stays_on_the_primary(client, pass_world):
    """The same figures read by an unmarked page (the carnets list) never reach the replica."""
    client.force_login(pass_world["prescripteur"])
    with Queries() as q:
        response = client.get(reverse("pass:carnets"))
    assert response.status_code == 200
    assert q.default and not q.replica


def test_shared_dashboard_counts_its_visit_on_the_primary(client, pass_world):
    lien = create_partage(acteur=pass_world["prescripteur"], titre="Conseil", params={})
    with Queries() as q:
        response = client.get(reverse("partage:tableau", kwargs={"jeton": jeton(lien)}))
    assert response.status_code == 200
    # The link (withdrawn at once) is read on the primary, its visit counted there...
    assert _touching(q.default, "mediation_lienpartage")
    assert _writes(_touching(q.default, "mediation_lienpartage"))
    assert not _touching(q.replica, "mediation_lienpartage")
    # ... and the figures still come from the replica.
    assert _touching(q.replica, "pass_numerique_cheque") and _reads_only(q.replica)
    lien.refresh_from_db()
    assert lien.consultations == 1


def test_open_data_streams_from_the_replica(client):
    LieuFactory(qualifie=True)
    with Queries() as q:
        response = client.get(reverse("opendata:lieux_csv"))
        body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body.count(b"\n") >= 2
    assert _touching(q.replica, "inclusion_lieu") and _reads_only(q.replica)
    assert not _touching(q.default, "inclusion_lieu")


def test_public_api_reads_from_the_replica(client):
    LieuFactory(qualifie=True)
    with Queries() as q:
        response = client.get(reverse("api:lieux"))
    assert response.status_code == 200
    assert _touching(q.replica, "inclusion_lieu") and _reads_only(q.replica)
    assert not _touching(q.default, "inclusion_lieu")


def test_a_redemption_never_touches_the_replica(client, pass_world):
    code = pass_world["carnet"].cheque_codes[0][1]
    client.force_login(pass_world["mediateur"])
    client.get(reverse("pass:verifier"))  # remembers the lieu
    with Queries() as q:
        response = client.post(
            reverse("pass:encaisser"),
            {"code": code, "prestation": "atelier", "demande_id": str(uuid.uuid4())},
        )
    assert response.status_code == 302
    assert Encaissement.objects.count() == 1
    assert _touching(q.default, "pass_numerique_encaissement")
    assert q.replica == []


def test_a_redemption_decides_on_the_primary_even_inside_a_marked_block(pass_world):
    """Marked by mistake (the mark is for read-only pages), the service's transaction still
    runs on the primary: the chèque taken FOR UPDATE or by a conditional UPDATE, the
    redemption written. Only its early check, before the transaction, may read the replica:
    hence the rule, never mark a page that writes."""
    code = pass_world["carnet"].cheque_codes[0][1]
    with Queries() as q, lecture_replica():
        redeem_cheque(
            acteur=pass_world["mediateur"],
            lieu=pass_world["lieu"],
            code=code,
            prestation="atelier",
            demande_id=uuid.uuid4(),
        )
    assert Encaissement.objects.count() == 1
    assert _reads_only(q.replica)
    assert not [sql for sql in q.replica if "FOR UPDATE" in sql]
    writes = _writes(q.default)
    assert _touching(writes, "pass_numerique_cheque")
    assert _touching(writes, "pass_numerique_encaissement")


def test_a_registration_never_touches_the_replica(client, django_capture_on_commit_callbacks):
    ctx = setup_atelier()
    session = ctx["session"]
    personne = BeneficiaireFactory(structure=session.lieu.structure, telephone="")
    client.force_login(ctx["mediateur"])
    url = reverse("ateliers:inscrire_confirmer", args=[session.pk, personne.uuid])
    with Queries() as q, django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert session.inscriptions.count() == 1
    assert _touching(q.default, "ateliers_inscription")
    assert q.replica == []
    # The service called inside a marked block: the same.
    other = BeneficiaireFactory(structure=session.lieu.structure, telephone="")
    with Queries() as q, lecture_replica():
        register(session=session, beneficiaire=other, canal=Canal.PRO, acteur=ctx["mediateur"])
    assert not _touching(q.replica, "ateliers_")


def test_a_write_in_a_marked_block_goes_to_the_primary_and_later_reads_follow_it():
    acteur = member(Role.PRESCRIPTEUR)
    with Queries() as q, lecture_replica():
        before = Journal.objects.count()  # a read: replica
        write_journal(acteur=acteur, action="test.routage", objet=acteur)
        after = Journal.objects.count()  # after a write: its own write, on the primary
    assert after == before + 1
    assert len(_touching(q.replica, "inclusion_journal")) == 1
    inserts = _writes(_touching(q.default, "inclusion_journal"))
    assert len(inserts) == 1
    assert any(s.startswith("SELECT") for s in _touching(q.default, "inclusion_journal"))


def test_router_without_replica_or_outside_a_mark_answers_default(settings):
    router = ReplicaRouter()
    assert router.db_for_read(Journal) is None  # outside a marked block
    with lecture_replica():
        assert router.db_for_read(Journal) == "replica"
    assert router.db_for_write(Journal) == "default"
    assert router.allow_migrate("replica", "inclusion") is False
    replica = settings.DATABASES.pop("replica")
    try:
        with lecture_replica():
            assert router.db_for_read(Journal) is None
    finally:
        settings.DATABASES["replica"] = replica
