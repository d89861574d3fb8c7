"""What can be checked of the deployment files without a container engine or systemd
(issue 19): the commands they run exist, every environment variable the code reads is
documented in docs/PRODUCTION.md and in deploy/inclusion.env.exemple (and nothing else is),
the files they name exist, the access logs hide query strings and secret path segments, and
the sample nginx configuration passes `nginx -t` when nginx is installed.
The running system itself is checked by .ci/smoke-production."""

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
GUIDE = ROOT / "docs" / "PRODUCTION.md"
ENV_SAMPLE = DEPLOY / "inclusion.env.exemple"
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
SYSTEMD = DEPLOY / "systemd"
SMOKE = ROOT / ".ci" / "smoke-production"

# Read by the code, but not a setting of a deployment: manage.py and wsgi.py set it.
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE"}
# Variables read through an f-string, one per key of a settings dict.
DYNAMIC = {
    "INCLUSION_CONSERVATION_": "INCLUSION_CONSERVATION",
    "INCLUSION_SANTE_": "INCLUSION_SANTE",
}
READ_RE = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|os\.environ\.setdefault|env_bool|env_list)\(\s*"""
    r"""(f?)["']([A-Z][A-Z0-9_]*)(\{)?"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
    # dj_database_url.config(env="DATABASE_URL")
    r"""|\benv\s*=\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def code_files():
    skip = {".venv", "tests", "bench", "migrations", "node_modules", ".git", "var"}
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & skip or path.parts[len(ROOT.parts)] == ".ci":
            continue
        yield path


def variables_read_by_code():
    names = set()
    for path in code_files():
        for match in READ_RE.finditer(path.read_text()):
            fstring, name, brace, indexed, keyword = match.groups()
            if indexed or keyword:
                names.add(indexed or keyword)
            elif fstring and brace:
                prefix = name
                keys = getattr(settings, DYNAMIC[prefix])
                names.update(f"{prefix}{key.upper()}" for key in keys)
            else:
                names.add(name)
    return names - NOT_CONFIGURATION


def variables_in_sample():
    names = set()
    for line in ENV_SAMPLE.read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=", line)
        if match:
            names.add(match.group(1))
    return names


def guide_table_rows():
    """{variable: row cells} of the guide's table of environment variables."""
    text = GUIDE.read_text()
    section = text.split("## Variables d'environnement", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        for name in re.findall(r"`([A-Z][A-Z0-9_]*(?:<[^>]+>)?)`", cells[0]):
            rows[name] = cells
    return rows


def variables_in_guide():
    names = set()
    for name in guide_table_rows():
        if "<" in name:
            prefix = name.split("<", 1)[0]
            keys = getattr(settings, DYNAMIC[prefix])
            names.update(f"{prefix}{key.upper()}" for key in keys)
        else:
            names.add(name)
    return names


def test_the_scanner_finds_what_settings_read():
    names = variables_read_by_code()
    # A few known ones of each form: get, env_bool, env_list, [..], f-string, gunicorn's.
    for name in (
        "DJANGO_SECRET_KEY",
        "DJANGO_DEBUG",
        "DJANGO_ALLOWED_HOSTS",
        "REDIS_URL",
        "INCLUSION_CONSERVATION_JOURNAL",
        "INCLUSION_SANTE_WORKER",
        "GUNICORN_WORKERS",
    ):
        assert name in names
    assert "DJANGO_SETTINGS_MODULE" not in names


def test_every_variable_read_is_in_the_env_sample_and_nothing_else():
    read, sample = variables_read_by_code(), variables_in_sample()
    assert sorted(read - sample) == [], "lues par le code, absentes de l'exemple"
    assert sorted(sample - read) == [], "dans l'exemple, lues par personne"


def test_every_variable_read_is_in_the_guide_table_and_nothing_else():
    read, guide = variables_read_by_code(), variables_in_guide()
    assert sorted(read - guide) == [], "lues par le code, absentes du guide"
    assert sorted(guide - read) == [], "dans le guide, lues par personne"


def test_guide_table_says_required_or_not_default_and_role():
    for name, cells in guide_table_rows().items():
        assert len(cells) == 4, name
        assert cells[1] in {"oui", "non", "en production"} or cells[1].startswith("oui"), name
        assert cells[3], name


def test_required_variables_are_uncommented_in_the_sample():
    active = {
        m.group(1)
        for m in re.finditer(r"^([A-Z][A-Z0-9_]+)=", ENV_SAMPLE.read_text(), re.MULTILINE)
    }
    required = {n for n, cells in guide_table_rows().items() if cells[1].startswith("oui")}
    assert required, "le guide ne dit aucune variable obligatoire"
    assert sorted(required - active) == []


def commands_named_in_deployment_files():
    texts = [DOCKERFILE.read_text(), COMPOSE.read_text(), SMOKE.read_text()]
    texts += [p.read_text() for p in SYSTEMD.iterdir()]
    found = set()
    for text in texts:
        found.update(re.findall(r"manage\.py[\"',\s]+([a-z_]+)", text))
    return found


def test_every_command_named_exists():
    named = commands_named_in_deployment_files()
    assert {"db_worker", "collectstatic", "migrate", "travaux_periodiques"} <= named
    assert sorted(named - set(get_commands())) == []


def test_compose_services_and_their_files():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "travaux", "nginx"} <= set(services)
    for name in ("web", "worker", "travaux"):
        service = services[name]
        assert service["build"] == "."
        # The env file is the sample's copy, made by the operator (docs/PRODUCTION.md).
        assert service["env_file"] == "deploy/inclusion.env"
        assert (ROOT / (service["env_file"] + ".exemple")).exists()
    assert DOCKERFILE.exists()
    for name, service in services.items():
        for volume in service.get("volumes", []):
            host = volume.split(":", 1)[0]
            if host.startswith("./") and Path(host).suffix:
                assert (ROOT / host).exists(), f"{name}: {host}"
    assert services["travaux"]["command"][:3] == ["python", "manage.py", "travaux_periodiques"]
    for image in (services[s]["image"] for s in ("postgres", "redis", "nginx")):
        assert re.search(r":\d+\.\d+(\.\d+)?-", image), f"image non figée : {image}"


def test_dockerfile_is_pinned_non_root_without_chromium_and_checks_health():
    text = DOCKERFILE.read_text()
    bases = re.findall(r"^FROM\s+(\S+)", text, re.MULTILINE)
    assert len(bases) >= 2, "multi-stage"
    for base in bases:
        assert re.search(r":\d+\.\d+\.\d+-|@sha256:", base), f"image non figée : {base}"
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert "chromium" not in text.lower().replace("no chromium", "")
    assert "libpango-1.0-0" in text
    assert "collectstatic" in text
    health = re.search(r"HEALTHCHECK.*?CMD\s+(\[.*?\])", text, re.DOTALL).group(1)
    script = re.search(r"deploy/\S+\.py", health).group(0)
    assert "/sante/" in (ROOT / script).read_text()
    copies = re.findall(r"^COPY\s+((?:--\S+\s+)*)(\S+)\s+\S+$", text, re.MULTILINE)
    for flags, source in copies:
        if "--from=" not in flags:
            assert (ROOT / source).exists(), source
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def test_systemd_units():
    units = {p.name: p.read_text() for p in SYSTEMD.iterdir()}
    assert {
        "inclusion-web.service",
        "inclusion-worker.service",
        "inclusion-worker@.service",
        "inclusion-travaux.service",
        "inclusion-travaux.timer",
    } <= set(units)
    assert "OnUnitActiveSec=2min" in units["inclusion-travaux.timer"]
    assert "Type=oneshot" in units["inclusion-travaux.service"]
    for name, text in units.items():
        if name.endswith(".service"):
            assert "User=inclusion" in text, name
            assert "EnvironmentFile=/etc/inclusion/inclusion.env" in text, name
            start = re.search(r"^ExecStart=(\S+)", text, re.MULTILINE).group(1)
            assert start.startswith("/srv/inclusion/.venv/bin/"), name
    assert "deploy/gunicorn.conf.py" in units["inclusion-web.service"]


def test_upload_limit_of_nginx_covers_the_application():
    from inclusion.services.import_personnes_lecture import MAX_OCTETS

    text = (DEPLOY / "nginx" / "inclusion.conf").read_text()
    size = re.search(r"client_max_body_size\s+(\d+)m;", text).group(1)
    images = getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
    assert int(size) * 1024 * 1024 > max(MAX_OCTETS, images, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def test_nginx_streams_open_data_and_keeps_media_private():
    text = (DEPLOY / "nginx" / "inclusion.conf").read_text()
    opendata = text.split("location /opendata/", 1)[1].split("}", 1)[0]
    assert "proxy_buffering off" in opendata
    media = text.split("location /media/ {", 1)[1].split("}", 1)[0]
    assert "return 404" in media
    assert "X-Forwarded-Proto $scheme" in text
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in text


@pytest.fixture(scope="module")
def gunicorn_conf():
    return load_module(DEPLOY / "gunicorn.conf.py", "gunicorn_conf_inclusion")


SECRET_PARAMS = {
    "code": "K7MQ3ZP9XW2HD4RTV",
    "token": "jeton-secret-123",
    "jeton": "jeton-secret-123",
}


def urls_with_secrets():
    """(name, kwargs) of every URL pattern whose path carries a code or a token."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern) and pattern.name:
                params = set(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", str(pattern.pattern)))
                names = {a or b for a, b in params}
                if names & set(SECRET_PARAMS):
                    kwargs = {n: SECRET_PARAMS.get(n, "MQ") for n in names}
                    found.append((namespace + pattern.name, kwargs))

    walk(get_resolver(), "")
    return found


def test_every_url_with_a_secret_is_found():
    names = {name for name, _ in urls_with_secrets()}
    assert {"pass_cheque_court", "pass_mon_pass", "sms_stop", "invitations:accepter"} <= names


def test_access_log_masks_secret_path_segments(gunicorn_conf):
    text = (DEPLOY / "nginx" / "inclusion.conf").read_text()
    pattern = re.search(r'"~\^\(\?<inclusion_prefixe>/\(([^)]*)\)/\)"', text).group(1)
    prefixes = {f"/{p}/" for p in pattern.split("|")}
    # nginx masks the same prefixes as gunicorn.
    assert prefixes == set(gunicorn_conf.MASKED_PREFIXES)
    for name, kwargs in urls_with_secrets():
        path = reverse(name, kwargs=kwargs)
        masked = gunicorn_conf.mask_path(path)
        assert "K7MQ" not in masked and "secret" not in masked, (name, path, masked)
        assert any(path.startswith(p) for p in prefixes), (name, path)


def test_access_log_has_no_query_string(gunicorn_conf):
    from types import SimpleNamespace

    class Cfg:
        access_log_format = gunicorn_conf.access_log_format
        errorlog = "-"
        accesslog = None
        loglevel = "info"
        syslog = False
        capture_output = False
        logconfig = None
        logconfig_dict = {}
        logconfig_json = None
        disable_redirect_access_to_syslog = False
        user = None
        group = None
        umask = 0

        def __getattr__(self, name):
            return None

    logger = gunicorn_conf.MaskingLogger(Cfg())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/p/K7MQ3ZP9XW2HD4RTV?q=Dupont",
        "PATH_INFO": "/p/K7MQ3ZP9XW2HD4RTV",
        "QUERY_STRING": "q=Dupont",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    resp = SimpleNamespace(status="200 OK", response_length=2, sent=2, headers=[])
    req = SimpleNamespace(headers=[], path="/p/K7MQ3ZP9XW2HD4RTV", query="q=Dupont")
    from datetime import timedelta

    atoms = logger.atoms(resp, req, environ, timedelta(seconds=0.01))
    line = gunicorn_conf.access_log_format % atoms
    assert "Dupont" not in line and "K7MQ" not in line and "?" not in line
    assert "/p/…" in line
    assert "Dupont" not in atoms["r"] and atoms["q"] == ""


def test_nginx_configuration_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        pytest.skip("nginx n'est pas installé (apt-get install nginx) : nginx -t non lancé")
    if not shutil.which("openssl"):
        pytest.skip("openssl n'est pas installé : pas de certificat pour nginx -t")
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-keyout", str(tmp_path / "key.pem"),
            "-out", str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (tmp_path / "logs").mkdir()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "cache" / sub).mkdir(parents=True)
    smoke = load_module(ROOT / ".ci" / "smoke_production.py", "smoke_production_inclusion")
    conf = smoke.render_nginx(
        tmp_path,
        app_port=18000,
        http_port=18080,
        https_port=18443,
        media_root=str(tmp_path / "media"),
    )
    error_log = tmp_path / "logs" / "error.log"
    command = [nginx, "-t", "-p", str(tmp_path), "-e", str(error_log), "-c", str(conf)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
