"""Upcoming workshops of the whole territory: JSON with seats left, and iCal (the per-place
feed's events, for every active place)."""

import datetime
import json

import icalendar
import pytest
import time_machine
from django.urls import reverse

from ateliers.enums import Canal
from ateliers.services import registrations
from mediation.opendata import ateliers
from tests.ateliers.factories import SessionFactory
from tests.clock import FROZEN_AT
from tests.cms.conftest import build_site
from tests.inclusion.factories import BeneficiaireFactory
from tests.mediation import monde_opendata

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_json_lists_the_next_90_days_with_seats_left(client):
    monde = monde_opendata.build()
    SessionFactory(lieu=monde["complet"], debut=FROZEN_AT + datetime.timedelta(days=91))
    response = client.get(reverse("opendata:ateliers_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="ateliers.json"' in response["Content-Disposition"]
    assert "max-age=900" in response["Cache-Control"] and "public" in response["Cache-Control"]
    data = json.loads(b"".join(response.streaming_content))
    assert data["genere_le"] == "2026-11-17T10:00:00+01:00"
    s1, s2, s3 = monde["sessions"]
    annulee = monde["annulee"]
    # In start order; the closed place's, the past and the far ones are left out.
    assert [s["id"] for s in data["sessions"]] == [str(s.ical_uid) for s in (s1, s3, annulee, s2)]
    par_id = {s["id"]: s for s in data["sessions"]}
    premiere = par_id[str(s1.ical_uid)]
    assert premiere["places_libres"] == 0 and premiere["complet"] is True
    assert premiere["capacite"] == 2
    assert premiere["lieu"]["id"] == f"lieu-{monde['complet'].uuid}"
    assert premiere["lieu"]["code_insee"] == "33063"
    assert premiere["avec_cheque_pass_numerique"] is True
    assert par_id[str(s3.ical_uid)]["places_libres"] == 9
    assert par_id[str(annulee.ical_uid)]["statut"] == "annulee"
    assert par_id[str(annulee.ical_uid)]["places_libres"] == 0
    assert par_id[str(s2.ical_uid)]["public"] == "seniors"
    # No public site: no registration link.
    assert premiere["lien_inscription"] is None


def test_json_links_each_planned_session_to_its_registration_page(client):
    monde = monde_opendata.build()
    build_site()
    response = client.get(reverse("opendata:ateliers_json"))
    data = json.loads(b"".join(response.streaming_content))
    par_id = {s["id"]: s for s in data["sessions"]}
    s3 = monde["sessions"][2]
    assert par_id[str(s3.ical_uid)]["lien_inscription"] == (
        f"http://testserver/ateliers-pres-de-chez-moi/session/{s3.pk}/inscription/"
    )
    assert par_id[str(monde["annulee"].ical_uid)]["lien_inscription"] is None


def test_ical_has_every_place_events(client):
    monde = monde_opendata.build()
    response = client.get(reverse("opendata:ateliers_ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="ateliers.ics"' in response["Content-Disposition"]
    cal = icalendar.Calendar.from_ical(b"".join(response.streaming_content))
    events = list(cal.walk("VEVENT"))
    s1, s2, s3 = monde["sessions"]
    assert [str(e["uid"]) for e in events] == [
        f"{s.ical_uid}@ateliers" for s in (s1, s3, monde["annulee"], s2)
    ]
    statuts = {str(e["uid"]): str(e["status"]) for e in events}
    assert statuts[f"{monde['annulee'].ical_uid}@ateliers"] == "CANCELLED"
    assert "Complet" in str(events[0]["description"])


def test_last_update_is_the_latest_seat_change(client):
    monde = monde_opendata.build()
    assert ateliers.derniere_maj() == FROZEN_AT.date()
    # A seat taken later moves it.
    with time_machine.travel(FROZEN_AT + datetime.timedelta(days=1), tick=False):
        registrations.register(
            session=monde["sessions"][1],
            beneficiaire=BeneficiaireFactory(),
            canal=Canal.PUBLIC,
        )
        assert ateliers.derniere_maj() == FROZEN_AT.date() + datetime.timedelta(days=1)


@pytest.mark.parametrize("url_name", ["opendata:ateliers_json", "opendata:ateliers_ics"])
def test_query_count_does_not_grow_with_sessions(client, url_name):
    monde = monde_opendata.build()
    build_site()

    def count():
        return monde_opendata.queries_of(client, url_name)

    count()  # the public site's page is kept after the first call
    one = count()
    for days in range(5, 25):
        SessionFactory(lieu=monde["minimal"], debut=FROZEN_AT + datetime.timedelta(days=days))
    assert count() == one
