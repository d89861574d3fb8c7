"""The workshops' JSON and iCal (/opendata/ateliers.json, .ics) are streamed like the places'
files (mediation.opendata.flux): a StreamingHttpResponse, the sessions read a chunk at a time,
the same queries for 3 sessions or 30, the bytes json.dumps(indent=1) (or icalendar) wrote
when the file was whole, and every read of the body inside the replica scope of its URL."""

import datetime
import json

import icalendar
import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from inclusion import db_router
from mediation.opendata import flux
from tests.ateliers.factories import SessionFactory
from tests.clock import FROZEN_AT
from tests.cms.conftest import build_site
from tests.inclusion.factories import LieuFactory
from tests.mediation import monde_opendata

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

URL = "opendata:ateliers_json"
ICS = "opendata:ateliers_ics"


def _sessions(lieu, count, start=1):
    for day in range(start, start + count):
        SessionFactory(lieu=lieu, debut=FROZEN_AT + datetime.timedelta(days=day % 80 + 1))


def _body(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def test_json_is_streamed_in_chunks_with_the_same_queries_for_3_and_30_sessions(
    client, monkeypatch
):
    monkeypatch.setattr(flux, "CHUNK", 7)  # 30 sessions span five chunks
    build_site()  # registration links: one page lookup, kept after the first download
    lieu = LieuFactory()
    _sessions(lieu, 3)
    monde_opendata.queries_of(client, URL)
    three = monde_opendata.queries_of(client, URL)
    _sessions(lieu, 27, start=4)
    assert monde_opendata.queries_of(client, URL) == three
    data = json.loads(_body(client.get(reverse(URL))))
    assert len(data["sessions"]) == 30
    assert len({s["id"] for s in data["sessions"]}) == 30
    assert all(s["lien_inscription"] for s in data["sessions"])


@pytest.mark.parametrize("count", [0, 1, 9])
def test_json_bytes_are_what_json_dumps_wrote_for_the_whole_document(client, count):
    _sessions(LieuFactory(), count)
    body = _body(client.get(reverse(URL)))
    data = json.loads(body)
    assert list(data) == ["genere_le", "jusqu_au", "licence", "sessions"]
    assert len(data["sessions"]) == count
    assert body == json.dumps(data, ensure_ascii=False, indent=1).encode()


@pytest.mark.parametrize("indent, depth", [(None, 0), (1, 0), (1, 1), (2, 3)])
@pytest.mark.parametrize("records", [[], [{"a": 1}], [{"a": [1, {"b": "é\nx"}]}, {"c": None}]])
def test_json_array_writes_json_dumps_layout(indent, depth, records):
    text = b"".join(flux.json_array(iter(records), indent=indent, depth=depth)).decode()
    assert json.loads(text) == records
    if indent is None:
        # One record a line, as the places' JSON has always been written.
        assert text.split("\n")[1:-1] == [
            json.dumps(r, ensure_ascii=False) + ("," if i < len(records) - 1 else "")
            for i, r in enumerate(records)
        ]
    else:
        # The array as a member of a document nested `depth` times: in json.dumps's text of
        # that document, exactly where a placeholder stood.
        def nested(value):
            for _ in range(depth):
                value = {"k": value}
            return value

        whole = json.dumps(nested(records), ensure_ascii=False, indent=indent)
        frame = json.dumps(nested("@"), ensure_ascii=False, indent=indent)
        assert frame.replace('"@"', text) == whole


def test_json_body_reads_inside_the_replica_scope(client, monkeypatch):
    """The body is read after the view returned: each chunk still runs in the URL's replica
    scope (db_router.replica_view), so its reads may go to a replica."""
    _sessions(LieuFactory(), 12)
    monkeypatch.setattr(flux, "CHUNK", 5)
    seen = []
    original = db_router.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        seen.append((model._meta.label_lower, db_router._scope.get() is not None))
        return original(self, model, **hints)

    monkeypatch.setattr(db_router.ReplicaRouter, "db_for_read", spy)
    response = client.get(reverse(URL))
    before = len(seen)
    assert len(json.loads(_body(response))["sessions"]) == 12
    body_reads = seen[before:]
    assert ("ateliers.session", True) in body_reads
    assert all(in_scope for _, in_scope in body_reads)


def test_ical_is_streamed_in_chunks_with_the_same_queries_for_3_and_30_sessions(
    client, monkeypatch
):
    monkeypatch.setattr(flux, "CHUNK", 7)
    lieu = LieuFactory()
    _sessions(lieu, 3)
    three = monde_opendata.queries_of(client, ICS)
    _sessions(lieu, 27, start=4)
    assert monde_opendata.queries_of(client, ICS) == three
    body = _body(client.get(reverse(ICS)))
    cal = icalendar.Calendar.from_ical(body)
    assert len({str(e["uid"]) for e in cal.walk("VEVENT")}) == 30
    # The bytes icalendar writes for the whole calendar, header and end included.
    assert cal.to_ical() == body


def test_empty_ical_is_a_whole_calendar(client):
    body = _body(client.get(reverse(ICS)))
    cal = icalendar.Calendar.from_ical(body)
    assert list(cal.walk("VEVENT")) == []
    assert cal.to_ical() == body and body.endswith(b"END:VCALENDAR\r\n")
