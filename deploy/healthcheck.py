"""Container health probe: GET /sante/ on the local gunicorn, as the proxy would send it.

With DJANGO_DEBUG=0 a plain-HTTP request is redirected to HTTPS and an unknown Host is
refused (400): the probe names the first allowed host and says the scheme is HTTPS (gunicorn
trusts that header from 127.0.0.1 only). Exit 0 when the answer is 200 "ok".
"""

import os
import sys
import urllib.request

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
port = bind.rsplit(":", 1)[-1]
host = (os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip()) or "localhost"
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/sante/",
    headers={"Host": host.lstrip("."), "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed URL)
        ok = response.status == 200 and response.read(16).strip() == b"ok"
except Exception:  # noqa: BLE001 (any failure is "unhealthy")
    ok = False
sys.exit(0 if ok else 1)
