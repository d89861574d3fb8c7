"""A local stand-in for Twilio's Messages API, enough for the official client.

    with FakeTwilio() as server:
        server.script = ["ok", 503, ("error", 400, 21211), "hang"]
        ...
        server.requests  # what the client sent: path, form fields, whether auth was right

Each request consumes one step of `script` (then "ok" when it is empty):
- "ok": 201 with a queued message and its SID;
- an int (429, 500, 503…): that status with a Twilio error body;
- ("error", status, code): a Twilio error JSON with that code (e.g. 400, 21211);
- "hang": answer nothing until the client has given up (longer than its timeout).
"""

import base64
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake-auth-token"
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$")
HANG_SECONDS = 5


@dataclass
class RecordedRequest:
    method: str
    path: str
    form: dict
    authorized: bool
    headers: dict = field(default_factory=dict)


def _error_body(status, code, message):
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeTwilio/1.0"

    def log_message(self, format, *args):  # quiet: pytest output stays readable
        pass

    def _send_json(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self, sid):
        expected = base64.b64encode(f"{sid}:{self.server.fake.auth_token}".encode()).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def do_GET(self):
        self._send_json(404, _error_body(404, 20404, "The requested resource was not found"))

    def do_POST(self):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        form = {key: values[0] for key, values in parse_qs(raw, keep_blank_values=True).items()}
        match = MESSAGES_PATH.match(self.path)
        authorized = bool(match) and match["sid"] == fake.account_sid
        authorized = authorized and self._authorized(match["sid"])
        fake.requests.append(
            RecordedRequest("POST", self.path, form, authorized, dict(self.headers.items()))
        )
        if not match:
            self._send_json(404, _error_body(404, 20404, "The requested resource was not found"))
            return
        if not authorized:
            self._send_json(401, _error_body(401, 20003, "Authenticate"))
            return
        with fake.lock:
            step = fake.script.pop(0) if fake.script else "ok"
        if step == "hang":
            fake.released.wait(HANG_SECONDS)
            return  # the client has gone; answer nothing
        if isinstance(step, int):
            codes = {429: 20429, 500: 20500, 503: 20503}
            self._send_json(step, _error_body(step, codes.get(step, step), "Service unavailable"))
            return
        if isinstance(step, tuple) and step[0] == "error":
            _, status, code = step
            message = f"The 'To' number {form.get('To', '')} is not a valid phone number."
            self._send_json(status, _error_body(status, code, message))
            return
        self._send_json(201, fake.message(form))


class FakeTwilio:
    def __init__(self, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.script = []
        self.requests = []
        self.sids = []
        self.lock = threading.Lock()
        self.released = threading.Event()
        self._numbers = itertools.count(1)
        self._server = None
        self._thread = None

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def message(self, form):
        sid = f"SM{next(self._numbers):032x}"
        self.sids.append(sid)
        now = formatdate(usegmt=True)
        return {
            "sid": sid,
            "account_sid": self.account_sid,
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "from": form.get("From"),
            "to": form.get("To"),
            "body": form.get("Body"),
            "status": "queued",
            "direction": "outbound-api",
            "num_segments": "1",
            "num_media": "0",
            "price": None,
            "price_unit": "EUR",
            "error_code": None,
            "error_message": None,
            "api_version": "2010-04-01",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            "subresource_uris": {},
        }

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self.released.set()  # let hanging handlers finish
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@pytest.fixture(name="fake_twilio")
def fake_twilio_fixture(settings, monkeypatch):
    """A running fake Twilio, with the Twilio backend's settings pointing at it."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with FakeTwilio() as server:
        settings.TWILIO_ACCOUNT_SID = server.account_sid
        settings.TWILIO_AUTH_TOKEN = server.auth_token
        settings.TWILIO_MESSAGING_SERVICE_SID = ""
        settings.SMS_FROM_NUMBER = "+15005550006"  # Twilio's test sender
        settings.TWILIO_API_BASE_URL = server.base_url
        settings.TWILIO_TIMEOUT = 0.5
        yield server
