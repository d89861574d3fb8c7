"""Error reporting (issue 19): what `scrub` leaves of an event, and how Sentry is started."""

import copy

import pytest

from inclusion import observabilite

EVENT = {
    "level": "error",
    "transaction": "/p/{code}",
    "request": {
        "url": "https://pass.example.fr/p/7K3M9QX2RT5W8ZB4/",
        "method": "POST",
        "query_string": "telephone=0612345678",
        "data": {"prenom": "Aïcha", "telephone": "0612345678"},
        "cookies": {"sessionid": "s3cr3t", "csrftoken": "t0k3n"},
        "headers": {
            "Cookie": "sessionid=s3cr3t",
            "Authorization": "Bearer api-token-123",
            "X-Forwarded-For": "203.0.113.7",
            "Referer": "https://pass.example.fr/pro/personnes/?q=Dupont",
            "User-Agent": "Mozilla/5.0",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        "env": {"REMOTE_ADDR": "203.0.113.7", "SERVER_NAME": "web-1"},
    },
    "user": {"id": "42", "email": "m.dupont@example.org", "username": "mdupont",
             "ip_address": "203.0.113.7"},
    "exception": {
        "values": [
            {
                "type": "IntegrityError",
                "value": 'duplicate key value violates unique constraint "tel"\n'
                "DETAIL:  Key (telephone)=(+33612345678) already exists.",
                "stacktrace": {
                    "frames": [
                        {"function": "register", "lineno": 12,
                         "vars": {"telephone": "'+33612345678'", "prenom": "'Aïcha'"}},
                    ]
                },
            }
        ]
    },
    "threads": {"values": [{"stacktrace": {"frames": [{"vars": {"code": "'7K3M'"}}]}}]},
    "breadcrumbs": {
        "values": [
            {"category": "query", "message": "SELECT … WHERE telephone = %s",
             "data": {"db.params": ["+33612345678"]}},
        ]
    },
    "spans": [{"op": "db", "data": {"db.params": ["+33612345678"], "db.system": "postgresql"}}],
}  # fmt: skip

PERSONAL = (
    "0612345678", "33612345678", "Aïcha", "s3cr3t", "t0k3n", "api-token-123", "203.0.113.7",
    "m.dupont", "mdupont", "Dupont", "7K3M9QX2RT5W8ZB4", "web-1",
)  # fmt: skip


def test_scrub_leaves_nothing_personal_and_what_a_developer_needs():
    event = observabilite.scrub(copy.deepcopy(EVENT), hint={})
    text = repr(event)
    assert [secret for secret in PERSONAL if secret in text] == []
    request = event["request"]
    assert request == {
        "url": "https://pass.example.fr/p/[masqué]/",
        "method": "POST",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
    }
    assert event["user"] == {"id": "42"}
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "IntegrityError"
    assert exception["value"] == 'duplicate key value violates unique constraint "tel"'
    assert exception["stacktrace"]["frames"] == [{"function": "register", "lineno": 12}]
    assert event["transaction"] == "/p/{code}"
    assert event["breadcrumbs"]["values"][0]["data"] == {}
    assert event["spans"][0]["data"] == {"db.system": "postgresql"}


def test_scrub_keeps_short_ids_in_paths_and_copes_with_a_bare_event():
    event = observabilite.scrub(
        {"request": {"url": "https://x.fr/pro/personnes/1234/modifier/?q=Dupont"}}
    )
    assert event["request"]["url"] == "https://x.fr/pro/personnes/1234/modifier/"
    assert observabilite.scrub({"message": "x"}) == {"message": "x"}
    assert observabilite.scrub({"user": {"email": "a@b.fr"}})["user"] == {}


@pytest.mark.parametrize(
    ("value", "rate"), [(None, 0.0), ("", 0.0), ("0.25", 0.25), ("abc", 0.0), ("5", 1.0)]
)
def test_init_sentry_options(monkeypatch, value, rate):
    import sentry_sdk

    seen = {}
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: seen.update(kwargs))
    if value is None:
        monkeypatch.delenv("SENTRY_TRACES_SAMPLE_RATE", raising=False)
    else:
        monkeypatch.setenv("SENTRY_TRACES_SAMPLE_RATE", value)
    observabilite.init_sentry("https://cle@sentry.example/1", environment="recette")
    assert seen["send_default_pii"] is False
    assert seen["include_local_variables"] is False
    assert seen["max_request_body_size"] == "never"
    assert seen["before_send"] is observabilite.scrub
    assert seen["before_send_transaction"] is observabilite.scrub
    assert seen["traces_sample_rate"] == rate
    assert (seen["environment"], seen["release"]) == ("recette", None)
