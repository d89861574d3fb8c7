"""Production smoke test, driven by .ci/smoke-production (which prepares the database, the
static files and the demo data, and drops everything afterwards).

Starts, on this machine and in the production configuration (DJANGO_DEBUG=0):
  - the fake Twilio server (tests/inclusion/fake_twilio.py), in this process;
  - gunicorn (deploy/gunicorn.conf.py, 3 workers) on a loopback port;
  - one task worker (manage.py db_worker);
  - nginx with deploy/nginx/inclusion.conf (ports, paths and certificate rewritten) and a
    self-signed certificate, on a high HTTPS port;
then drives one journey over HTTPS in Chromium (Playwright):
  1. the prescripteur signs in and issues a pass; the PDF booklet is downloaded (%PDF);
  2. a person registers to a workshop on the public site with the code received by SMS:
     the code is read from what the fake Twilio received, so this proves that the web
     process queued the SMS, the worker sent it through the Twilio backend, and the fake
     server got it. The code SMS has no send window (the person waits for it), so this holds
     at any hour; the pass's own SMS waits for 09:00–19:00 (Paris) and is not required;
  3. the mediateur signs in and cashes a chèque of that booklet (code read from the PDF).
Fails on any 5xx, any failed or 4xx static file, any http:// link, source, form action or
redirect in the pages, any unmasked secret or query string in the access logs.
Every process it starts is stopped at the end, whatever happens.
"""

import argparse
import itertools
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.inclusion.fake_twilio import FakeTwilio  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PASSWORD = "demo-inclusion-2026"
CODE_RE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\b")
# An http:// URL where the browser would follow or load it (xmlns and the like are names).
HTTP_URL_RE = re.compile(
    r"""(?:\b(?:href|src|action|srcset|poster|formaction|content)\s*=\s*["']\s*"""
    r"""|url\(\s*["']?)http://""",
    re.IGNORECASE,
)


class SmokeFailure(Exception):
    pass


def log(message):
    print(f"[smoke] {message}", flush=True)  # noqa: T201 (the CI log)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, what, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SmokeFailure(f"{what} : pas prêt après {timeout} s")


def render_nginx(tmp, *, app_port, http_port, https_port, media_root):
    """deploy/nginx/inclusion.conf with this run's ports and paths, inside a minimal
    nginx.conf. Every rewrite must apply: a changed sample fails here, not silently."""
    text = (ROOT / "deploy" / "nginx" / "inclusion.conf").read_text()
    rewrites = [
        ("server 127.0.0.1:8000", f"server 127.0.0.1:{app_port}"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("server_name inclusion.example.org;", "server_name localhost;"),
        (
            "return 301 https://$host$request_uri;",
            f"return 301 https://$host:{https_port}$request_uri;",
        ),
        ("/etc/ssl/inclusion/fullchain.pem", str(tmp / "cert.pem")),
        ("/etc/ssl/inclusion/privkey.pem", str(tmp / "key.pem")),
        ("/var/log/nginx/", f"{tmp / 'logs'}/"),
        ("root /var/lib/inclusion;", f"root {Path(media_root).parent};"),
    ]
    for old, new in rewrites:
        if old not in text:
            raise SmokeFailure(f"deploy/nginx/inclusion.conf ne contient plus « {old} »")
        text = text.replace(old, new)
    text = "\n".join(line for line in text.splitlines() if "listen [::]:" not in line)
    (tmp / "site.conf").write_text(text)
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(
        f"{user}worker_processes 2;\npid {tmp}/nginx.pid;\nerror_log {tmp}/logs/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  client_body_temp_path {tmp}/cache/body;\n  proxy_temp_path {tmp}/cache/proxy;\n"
        f"  fastcgi_temp_path {tmp}/cache/fastcgi;\n  uwsgi_temp_path {tmp}/cache/uwsgi;\n"
        f"  scgi_temp_path {tmp}/cache/scgi;\n  include {tmp}/site.conf;\n}}\n"
    )
    return tmp / "nginx.conf"


class Processes:
    """Every child in its own process group; stopped together, TERM then KILL."""

    def __init__(self, logs):
        self.logs = logs
        self.children = []

    def start(self, name, args, env):
        out = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop_all)
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.children.append((name, proc, out))
        return proc

    def check_alive(self):
        for name, proc, _ in self.children:
            if proc.poll() is not None:
                raise SmokeFailure(
                    f"{name} s'est arrêté (code {proc.returncode}) : {self.tail(name)}"
                )

    def tail(self, name, lines=15):
        path = self.logs / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop_all(self):
        for _, proc, _ in reversed(self.children):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        for _, proc, out in reversed(self.children):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
            out.close()


class Watcher:
    """What the browser saw: 5xx, failed or missing static files, http:// anywhere."""

    def __init__(self, base):
        self.base = base
        self.problems = []
        self.responses = 0
        self.static_ok = 0
        self.pages_checked = 0

    def on_response(self, response):
        self.responses += 1
        url = response.url
        if response.status >= 500:
            self.problems.append(f"{response.status} sur {url}")
        if "/static/" in url:
            if response.status >= 400:
                self.problems.append(f"fichier statique {response.status} : {url}")
            else:
                self.static_ok += 1
        location = response.headers.get("location", "")
        if location.startswith("http://"):
            self.problems.append(f"redirection vers http:// : {url} -> {location}")
        if url.startswith("http://"):
            self.problems.append(f"demande en http:// : {url}")

    def on_request_failed(self, request):
        if request.url.startswith("data:"):
            return
        self.problems.append(f"échec de chargement : {request.url} ({request.failure})")

    def check_html(self, page, where):
        html = page.content()
        self.pages_checked += 1
        for match in HTTP_URL_RE.finditer(html):
            start = max(0, match.start() - 60)
            excerpt = html[start : match.end() + 60].replace("\n", " ")
            self.problems.append(f"lien http:// dans {where} : …{excerpt}…")


def shot(page, shots, name):
    if shots:
        page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)


def sign_in(page, base, email):
    page.goto(f"{base}/pro/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    if "/pro/connexion/" in page.url:
        raise SmokeFailure(f"connexion refusée pour {email}")


def journey(browser, base, fake, watcher, shots, summary):
    from playwright.sync_api import expect

    context = browser.new_context(
        ignore_https_errors=True, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.on("response", watcher.on_response)
    page.on("requestfailed", watcher.on_request_failed)

    # Public home first (a cached Wagtail page, the design system's static files).
    page.goto(f"{base}/")
    watcher.check_html(page, "l'accueil")
    shot(page, shots, "b-smoke-accueil")

    # 1. The prescripteur issues a pass and downloads the booklet.
    sign_in(page, base, "prescripteur@demo.example")
    watcher.check_html(page, "l'accueil pro")
    page.goto(f"{base}/pro/pass/delivrer/")
    watcher.check_html(page, "la délivrance")
    # The demo's people are drawn at random from fixed lists: search their mobiles (06 00 …),
    # then a few first names, and take the first person who can receive a pass.
    chosen = False
    for term in ["06 00", "Jeanne", "Marcel", "Fatima", "Robert", "Yvette", "Mohamed"]:
        page.get_by_label("Nom, prénom ou téléphone").fill(term)
        page.get_by_role("button", name="Chercher").click()
        page.wait_for_load_state()
        links = page.locator("a[href*='/pro/pass/delivrer/personne/']")
        hrefs = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 5))]
        for href in hrefs:
            response = page.goto(f"{base}{href}")
            if (
                response.status == 200
                and page.get_by_role("button", name="Délivrer le pass").count()
            ):
                chosen = True
                break
        if chosen:
            break
        page.goto(f"{base}/pro/pass/delivrer/")
    if not chosen:
        raise SmokeFailure("aucune personne de la démo à qui délivrer un pass")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Délivrer un pass")
    watcher.check_html(page, "la confirmation de délivrance")
    shot(page, shots, "b-smoke-delivrer")
    page.get_by_role("button", name="Délivrer le pass").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le pass est délivré")
    watcher.check_html(page, "la page du livret")
    shot(page, shots, "b-smoke-livret")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger le livret")).click()
    pdf_path = download_info.value.path()
    pdf = Path(pdf_path).read_bytes()
    if not pdf.startswith(b"%PDF"):
        raise SmokeFailure("le livret téléchargé n'est pas un PDF")
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    text = "\n".join(p.get_textpage().get_text_range() for p in document)
    codes = list(dict.fromkeys(CODE_RE.findall(text)))
    summary["livret"] = f"{len(pdf) // 1024} Kio, {len(document)} page(s), {len(codes)} code(s)"
    if len(codes) < 2:
        raise SmokeFailure("aucun code de chèque lisible dans le livret")
    context.clear_cookies()

    # 2. A person registers to a workshop with the code received by SMS.
    sms_before = len(fake.requests)
    page.goto(f"{base}/ateliers-pres-de-chez-moi/")
    watcher.check_html(page, "la liste des ateliers")
    shot(page, shots, "b-smoke-ateliers")
    page.get_by_role("link", name=re.compile("^Je m'inscris")).first.click()
    page.wait_for_url(re.compile(r"/inscription/$"))
    watcher.check_html(page, "l'inscription (1)")
    page.get_by_label("Votre prénom").fill("Awa")
    # A new number each run (06 00 99 …, the demo's fictional range): a number already
    # registered to that session would be told so (409), as it should.
    digits = f"{secrets.randbelow(10_000):04d}"
    page.get_by_label("Votre numéro de téléphone portable").fill(
        f"06 00 99 {digits[:2]} {digits[2:]}"
    )
    page.get_by_label(re.compile("J'accepte de recevoir des SMS")).check()
    page.get_by_role("button", name="Recevoir le code par SMS").click()
    page.wait_for_url(re.compile(r"/code/$"))
    watcher.check_html(page, "l'inscription (2)")
    deadline = time.monotonic() + 60
    code_sms = None
    while time.monotonic() < deadline and code_sms is None:
        # Only the code SMS to the number typed: other SMS (the pass's link, the demo's queue)
        # may be sent at the same time and carry six digits too (a carnet number).
        for request in fake.requests[sms_before:]:
            found = re.search(r"Votre code pour .* : (\d{6})\.", request.form.get("Body", ""))
            if found and request.authorized and request.form.get("To") == f"+3360099{digits}":
                code_sms = found.group(1)
        time.sleep(0.3)
    if code_sms is None:
        raise SmokeFailure("le code n'est pas arrivé au faux Twilio en 60 s (worker ?)")
    page.get_by_label("Le code reçu par SMS").fill(code_sms)
    page.get_by_label("Le code reçu par SMS").press("Enter")
    page.wait_for_url(re.compile(r"/fin/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("C'est fait")
    watcher.check_html(page, "l'inscription (3)")
    shot(page, shots, "b-smoke-inscription")
    summary["inscription"] = "inscrite avec le code reçu par SMS"
    context.clear_cookies()

    # 3. The mediateur of a qualified place cashes a chèque of the booklet.
    sign_in(page, base, "mediateur@demo.example")
    cashed = False
    for code in codes:
        page.goto(f"{base}/pro/pass/verifier/")
        if "/verifier/lieu/" in page.url:
            page.locator("input[type=radio]").first.check()
            # The choice redirects to the verification page: wait for it rather than start
            # another navigation, which would abort this one (net::ERR_ABORTED).
            with page.expect_navigation(url=re.compile(r"/pro/pass/verifier/")):
                page.locator("form button[type=submit]").last.click()
        watcher.check_html(page, "la vérification")
        page.get_by_label("Code du chèque").fill(code)
        with page.expect_navigation():
            page.get_by_label("Code du chèque").press("Enter")
        page.wait_for_load_state()
        if page.get_by_role("heading", name="Chèque valable").count() == 0:
            continue  # the carnet's own code, printed on the cover
        shot(page, shots, "b-smoke-verifier")
        radios = page.locator("input[type=radio]:not(:checked)")
        if page.locator("input[type=radio]:checked").count() == 0 and radios.count():
            radios.first.check()
        page.get_by_role("button", name=re.compile("^Encaisser")).click()
        expect(page.get_by_role("heading", name="Chèque encaissé")).to_be_visible()
        watcher.check_html(page, "l'encaissement")
        shot(page, shots, "b-smoke-encaisse")
        cashed = True
        break
    if not cashed:
        raise SmokeFailure("aucun code du livret n'a été reconnu comme chèque valable")
    summary["encaissement"] = "1 chèque encaissé par le médiateur"
    context.close()
    return codes


def check_logs(logs, codes):
    """No query string and no code of the booklet in either access log."""
    problems = []
    for name in ("nginx-access.log", "gunicorn.log"):
        path = logs / name
        text = path.read_text(errors="replace") if path.exists() else ""
        if name == "gunicorn.log":
            lines = [line for line in text.splitlines() if '"GET ' in line or '"POST ' in line]
        else:
            lines = text.splitlines()
        if not lines:
            problems.append(f"{name} : aucune ligne d'accès")
        for line in lines:
            request = line.split('"')[1] if line.count('"') >= 2 else line
            if "?" in request:
                problems.append(f"{name} : chaîne de requête journalisée : {request}")
        for code in codes:
            for form in (code, code.replace("-", "")):
                if form in text:
                    problems.append(f"{name} : un code du livret apparaît en clair")
    return problems


def main():
    # `timeout` (in .ci/smoke-production) sends TERM: leave through `finally`, which stops
    # every child process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    parser = argparse.ArgumentParser()
    parser.add_argument("--tmp", required=True, type=Path)
    parser.add_argument("--https-port", type=int, default=8443)
    parser.add_argument("--http-port", type=int, default=8080)
    parser.add_argument("--shots", default="")
    args = parser.parse_args()
    tmp = args.tmp
    logs = tmp / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / "cache" / sub).mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(tmp / "cache", "nobody", "nogroup")
        for sub in (tmp / "cache").iterdir():
            shutil.chown(sub, "nobody", "nogroup")
    started = time.monotonic()
    base = f"https://localhost:{args.https_port}"
    summary = {}
    watcher = None
    procs = Processes(logs)
    fake = FakeTwilio()
    # SIDs unique across runs too (the fake counts from 1): a rerun on a kept database must
    # not collide with the SIDs it already stored.
    fake._numbers = itertools.count(time.time_ns() // 1000)
    fake.start()
    try:
        env = dict(os.environ)
        env.update(
            SMS_BACKEND="inclusion.sms.backends.twilio.TwilioBackend",
            TWILIO_ACCOUNT_SID=fake.account_sid,
            TWILIO_AUTH_TOKEN=fake.auth_token,
            TWILIO_MESSAGING_SERVICE_SID="",
            SMS_FROM_NUMBER="+15005550006",
            TWILIO_API_BASE_URL=fake.base_url,
            NO_PROXY="127.0.0.1,localhost",
            INCLUSION_SITE_URL=base,
            WAGTAILADMIN_BASE_URL=base,
            DJANGO_ALLOWED_HOSTS="localhost",
            DJANGO_CSRF_TRUSTED_ORIGINS=base,
            INCLUSION_TRUSTED_PROXIES="127.0.0.1",
        )
        app_port = free_port()
        env_web = dict(env, GUNICORN_BIND=f"127.0.0.1:{app_port}", GUNICORN_WORKERS="3")
        procs.start(
            "gunicorn",
            [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "inclusion.wsgi"],
            env_web,
        )
        procs.start("worker", [str(PYTHON), "manage.py", "db_worker"], env)

        # nginx: the sample configuration, tested then run in the foreground.
        conf = render_nginx(
            tmp,
            app_port=app_port,
            http_port=args.http_port,
            https_port=args.https_port,
            media_root=os.environ["DJANGO_MEDIA_ROOT"],
        )
        nginx = ["nginx", "-p", str(tmp), "-e", str(logs / "error.log"), "-c", str(conf)]
        test = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
        if test.returncode != 0:
            raise SmokeFailure(f"nginx -t : {test.stderr.strip()}")
        procs.start("nginx", [*nginx, "-g", "daemon off;"], env)

        def app_up():
            request = urllib.request.Request(
                f"http://127.0.0.1:{app_port}/sante/",
                headers={"Host": "localhost", "X-Forwarded-Proto": "https"},
            )
            with urllib.request.urlopen(request, timeout=2) as r:  # noqa: S310
                return r.status == 200

        wait_for(app_up, "gunicorn", 90)
        procs.check_alive()
        log(f"gunicorn (3 workers), worker et nginx démarrés en {time.monotonic() - started:.0f} s")

        import ssl

        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE

        def https_status(path):
            try:
                with urllib.request.urlopen(f"{base}{path}", context=insecure, timeout=10) as r:  # noqa: S310
                    return r.status
            except urllib.error.HTTPError as error:
                return error.code

        wait_for(lambda: https_status("/sante/") == 200, "nginx (HTTPS)", 30)
        summary["/sante/"] = https_status("/sante/")
        summary["/sante/pret/"] = https_status("/sante/pret/")

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(f"http://127.0.0.1:{args.http_port}/pro/", timeout=10)
            raise SmokeFailure("HTTP ne redirige pas vers HTTPS")
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location", "")
            if error.code != 301 or not location.startswith("https://"):
                raise SmokeFailure(f"HTTP → {error.code} {location}") from None
        summary["http->https"] = "301"
        status_media = https_status("/media/exports/x.csv")
        if status_media != 404:
            raise SmokeFailure(f"/media/exports/ répond {status_media} (attendu 404 : privé)")

        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            watcher = Watcher(base)
            try:
                codes = journey(browser, base, fake, watcher, args.shots, summary)
            finally:
                browser.close()
        procs.check_alive()

        # The periodic command, once, if it exists (issue 19, helper A).
        commands = subprocess.run(
            [str(PYTHON), "manage.py", "help", "--commands"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        if "travaux_periodiques" in commands:
            run = subprocess.run(
                [str(PYTHON), "manage.py", "travaux_periodiques"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if run.returncode != 0:
                raise SmokeFailure(
                    f"travaux_periodiques : code {run.returncode} {run.stderr[-500:]}"
                )
            summary["travaux_periodiques"] = "une passe, code 0"
            # Its pass enqueues the worker's heartbeat: then the host is ready (database,
            # cache, worker, periodic pass, no SMS left waiting).
            wait_for(lambda: https_status("/sante/pret/") == 200, "/sante/pret/ (200)", 30)
            summary["/sante/pret/ après la passe"] = 200

        (logs / "nginx-access.log").write_text(
            (logs / "inclusion.access.log").read_text(errors="replace")
            if (logs / "inclusion.access.log").exists()
            else ""
        )
        problems = watcher.problems + check_logs(logs, codes)
        authorized = [r for r in fake.requests if r.authorized]
        summary["SMS reçus par le faux Twilio"] = (
            f"{len(authorized)} (dont le code d'inscription ; le SMS du pass attend la fenêtre "
            "9 h – 19 h s'il est hors fenêtre)"
        )
        summary["réponses vues"] = watcher.responses
        summary["fichiers statiques servis"] = watcher.static_ok
        summary["pages vérifiées (http://)"] = watcher.pages_checked
        summary["durée"] = f"{time.monotonic() - started:.0f} s"
        for key, value in summary.items():
            log(f"{key} : {value}")
        if problems:
            for problem in problems:
                log(f"ÉCHEC : {problem}")
            return 1
        log("OK : parcours de production réussi en HTTPS")
        return 0
    except Exception as error:  # noqa: BLE001 (reported, then every process is stopped)
        if not isinstance(error, SmokeFailure):
            import traceback

            traceback.print_exc()
        log(f"ÉCHEC : {error}")
        for problem in watcher.problems if watcher else ():
            log(f"ÉCHEC : {problem}")
        for name in ("gunicorn", "worker", "nginx"):
            tail = procs.tail(name)
            if tail:
                log(f"--- fin du journal {name} ---\n{tail}")
        return 1
    finally:
        procs.stop_all()
        fake.stop()


if __name__ == "__main__":
    sys.exit(main())
