"""Settings for Inclusion numérique.

Everything comes from environment variables with safe development defaults:
SQLite in var/ when DATABASE_URL is unset, DEBUG on only when DJANGO_DEBUG says so
(the demo script sets it). Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("INCLUSION_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY est obligatoire quand DJANGO_DEBUG est désactivé."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Project layers, lowest first (see ARCHITECTURE.md).
    "inclusion",
    "pass_numerique",
    "ateliers",
    "mediation",
    "cms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "heroicons",
    "django_filters",
    "phonenumber_field",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "leaflet",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compressed HTML for old phones on weak connections (static files are pre-compressed by
    # WhiteNoise). Django pads compressed responses against BREACH and masks CSRF tokens.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Open data and the public read API may be read from other sites' pages (GET only).
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the requests whose session passed the second factor (user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session confined to a part of the site (the kiosk's) ends on any other URL.
    "inclusion.session_scope.SessionScopeMiddleware",
    # A session that must pass the second factor reaches only the sign-in's second step.
    "inclusion.double_facteur.DoubleFacteurMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "inclusion.middleware.PreviewFrameMiddleware",
    "inclusion.middleware.AdminPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "inclusion.urls"
WSGI_APPLICATION = "inclusion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "inclusion.context_processors.plateforme",
            ],
        },
    },
]

# Database: SQLite in var/ by default, PostgreSQL when DATABASE_URL is set.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that cannot be reached fails a request (and the readiness check) in seconds
    # instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")
    )
    # No JIT: it compiled the dashboards' aggregate queries on every request, up to 2.3 s of
    # compilation for 80 ms of work (bench/README.md, "pilotage"). INCLUSION_PG_JIT=1 keeps it.
    if not env_bool("INCLUSION_PG_JIT", False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A PostgreSQL replica for read-only pages (dashboards, open data): inclusion/db_router.py.
# Redemptions, registrations and every write stay on "default".
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["inclusion.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: rate limits and generation counters live here. Redis when REDIS_URL is set (shared
# by every process), else memory (per process: for the demo and development only; production
# without a shared cache fails `check --deploy`, inclusion/checks.py).
# Pages and page fragments live in their own cache ("pages"): a publication clears it whole,
# which must not wipe rate limits, and no number of pages may evict a counter. With Redis it
# is the next database number (REDIS_PAGES_URL may point at another Redis server).
if os.environ.get("REDIS_URL"):
    _redis = urlsplit(os.environ["REDIS_URL"])
    _db = int(_redis.path.strip("/") or 0)
    CACHES = {
        "default": {
            "BACKEND": "inclusion.redis_cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # An unreachable Redis fails fast (readiness says so) rather than hanging a page.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        },
        "pages": {
            "BACKEND": "inclusion.redis_cache.RedisCache",
            "LOCATION": os.environ.get("REDIS_PAGES_URL")
            or urlunsplit(_redis._replace(path=f"/{_db + 1}")),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "TIMEOUT": 300,
        },
    }
# The public site's cache (inclusion/page_cache.py: its contract) keeps pages in "pages";
# INCLUSION_PAGE_CACHE=0 turns it off.
PAGE_CACHE_ENABLED = os.environ.get("INCLUSION_PAGE_CACHE", "1") == "1"

AUTH_USER_MODEL = "inclusion.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out login never reaches the model backend.
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, reading the roles with the user (one query a page).
    "inclusion.backends.RolesBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "pro:connexion"
LOGIN_REDIRECT_URL = "pro:accueil"
LOGOUT_REDIRECT_URL = "pro:connexion"

# Brute-force protection on logins (inclusion/verrouillage.py), at every door that signs in
# with a password (espace pro, admin, kiosk). The account is the e-mail in lower case; the
# address is read behind INCLUSION_TRUSTED_PROXIES as the public site does.
# - 5 failures for one account from one address: that pair waits 15 minutes;
# - 20 failures for one account from all addresses together: the account waits until no
#   address has failed for 5 minutes (a stranger cannot lock a colleague out for long).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
INCLUSION_CONNEXION_LIMITE_COMPTE = int(os.environ.get("INCLUSION_CONNEXION_LIMITE_COMPTE", "20"))
INCLUSION_CONNEXION_FENETRE_COMPTE = 5 * 60  # seconds
AXES_HANDLER = "inclusion.verrouillage.VerrouillageHandler"
AXES_USERNAME_CALLABLE = "inclusion.verrouillage.nom_de_compte"
AXES_CLIENT_IP_CALLABLE = "inclusion.client_ip.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "inclusion/pro/verrouillage.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media (exports, documents, images) on S3-compatible storage when a bucket is given, so that
# app hosts keep nothing on their own disk. Private: every file is read through a signed URL
# or through the application, never a public one.
if os.environ.get("INCLUSION_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "inclusion.stockage.StockageS3",
        "OPTIONS": {
            "bucket_name": os.environ["INCLUSION_S3_BUCKET"],
            "endpoint_url": os.environ.get("INCLUSION_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("INCLUSION_S3_REGION") or None,
            "access_key": os.environ.get("INCLUSION_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("INCLUSION_S3_SECRET_KEY") or None,
            "location": os.environ.get("INCLUSION_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }

PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

# Background work: the django_tasks API (Django 6's django.tasks), database backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# SMS: the console backend prints and keeps messages; the SMS issue adds Twilio.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "inclusion.sms.backends.console.ConsoleBackend")
SMS_SEND_WINDOW = env_bool("SMS_SEND_WINDOW", True)  # 09:00–19:00, Monday to Saturday
SMS_DAILY_CAP = int(os.environ.get("SMS_DAILY_CAP", "4"))
SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "6"))
SMS_REPLY_DAILY_CAP = int(os.environ.get("SMS_REPLY_DAILY_CAP", "5"))  # keyword replies
SMS_CODE_DAILY_CAP = int(os.environ.get("SMS_CODE_DAILY_CAP", "5"))  # public confirmation codes
# SMS go only to mobiles of these regions (metropolitan France and overseas); and at most
# SMS_CODE_HOURLY_BUDGET code SMS an hour for the whole platform (then the help number is shown
# and the coordinators get one e-mail an hour).
INCLUSION_SMS_REGIONS = [
    r.strip().upper()
    for r in os.environ.get("INCLUSION_SMS_REGIONS", "FR,GP,MQ,GF,RE,YT,PM,BL,MF").split(",")
    if r.strip()
]
SMS_CODE_HOURLY_BUDGET = int(os.environ.get("SMS_CODE_HOURLY_BUDGET", "60"))
# Estimated price of one segment, for the coordinators' monthly SMS statistics.
SMS_PRICE_PER_SEGMENT = Decimal(os.environ.get("INCLUSION_SMS_PRICE_PER_SEGMENT", "0.07"))
# Twilio (SMS_BACKEND = "inclusion.sms.backends.twilio.TwilioBackend" in production);
# webhooks refuse everything while the token is empty.
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
# Preferred sender; otherwise SMS_FROM_NUMBER, a Twilio number that accepts replies.
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
SMS_FROM_NUMBER = os.environ.get("SMS_FROM_NUMBER", "")
TWILIO_TIMEOUT = float(os.environ.get("TWILIO_TIMEOUT", "10"))  # seconds per request
TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "")  # tests only (fake server)


# E-mail (inclusion/emails/): one URL, e.g. EMAIL_URL=smtp+tls://user:password@host:587
# (smtp:// plain, smtp+tls:// STARTTLS, smtps:// implicit TLS; user and password
# percent-encoded). Without it: printed on the console (demo, development). Every message
# goes through the outbox and the task worker, which retries with backoff.
def email_url_settings(url):
    """The Django EMAIL_* settings for one EMAIL_URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in {"smtp", "smtp+tls", "smtps", "smtp+ssl"}:
        raise ImproperlyConfigured(
            "EMAIL_URL doit commencer par smtp://, smtp+tls://, smtps:// ou console://."
        )
    ssl = scheme in {"smtps", "smtp+ssl"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if ssl else 587 if scheme == "smtp+tls" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": ssl,
    }


EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if os.environ.get("EMAIL_URL"):
    globals().update(email_url_settings(os.environ["EMAIL_URL"]))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Inclusion numérique <ne-pas-repondre@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))  # seconds: a hanging server
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "6"))  # then "Échec"
# Forgotten password: the link works one hour, once (it changes with the password); at most
# this many requests an hour for one address, and from one client address.
PASSWORD_RESET_TIMEOUT = 60 * 60
INCLUSION_REINITIALISATION_PAR_ADRESSE = int(
    os.environ.get("INCLUSION_REINITIALISATION_PAR_ADRESSE", "3")
)
INCLUSION_REINITIALISATION_PAR_IP = int(os.environ.get("INCLUSION_REINITIALISATION_PAR_IP", "10"))

# Invitations of professionals: the link works this many days, once.
INCLUSION_INVITATION_JOURS = int(os.environ.get("INCLUSION_INVITATION_JOURS", "7"))
# Issue 18: how long personal data is kept, in days, each overridable from the environment
# (INCLUSION_CONSERVATION_<KEY>, e.g. INCLUSION_CONSERVATION_DOSSIER_INACTIF=1095). The public
# page "Vos données personnelles" and the purges read them through inclusion.conservation.
INCLUSION_CONSERVATION = {
    key: int(os.environ.get(f"INCLUSION_CONSERVATION_{key.upper()}", str(default)))
    for key, default in {
        "dossier_inactif": 730,  # a file without activity is anonymised after 24 months
        "preavis_anonymisation": 30,  # its prescripteurs see it listed this long before
        "garder_encore": 365,  # "garder encore" keeps a file this long from the day asked
        "journal": 365,  # "who looked at what"
        "sms_texte": 92,  # the text of SMS sent and received
        "sms_lignes": 730,  # the SMS rows themselves
        "courriels": 92,  # e-mails sent (address, text)
        "orientation_texte": 365,  # an orientation's free text, after it is closed
        "invitations": 92,  # staff invitations (e-mail, name), after they end
    }.items()
}
# A new e-mail address is confirmed by a link valid this many hours.
INCLUSION_CHANGEMENT_EMAIL_HEURES = int(os.environ.get("INCLUSION_CHANGEMENT_EMAIL_HEURES", "24"))
# Second factor (TOTP + recovery codes, django-otp): "sensibles" requires it of coordinators
# and of anyone who can open /admin/; "tous" of every professional; "aucun" of nobody (the demo
# and tests only: the deploy check inclusion.E005 refuses it in production).
INCLUSION_DOUBLE_FACTEUR = os.environ.get("INCLUSION_DOUBLE_FACTEUR", "sensibles")
OTP_TOTP_ISSUER = os.environ.get("INCLUSION_PLATFORM_NAME", "Inclusion numérique")
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each wrong code
OTP_STATIC_THROTTLE_FACTOR = 1

HELP_PHONE = os.environ.get("INCLUSION_HELP_PHONE", "05 00 00 00 00")
PLATFORM_NAME = os.environ.get("INCLUSION_PLATFORM_NAME", "Inclusion numérique")
# Public address printed in QR codes and SMS links (no trailing slash).
SITE_URL = os.environ.get("INCLUSION_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Pass numérique: a chèque paying a service given at a set time (a workshop session) is cashed
# from this many minutes before its start to this many days after its end, never earlier.
PASS_ENCAISSEMENT_AVANCE_MINUTES = int(os.environ.get("PASS_ENCAISSEMENT_AVANCE_MINUTES", "30"))
PASS_ENCAISSEMENT_DELAI_JOURS = int(os.environ.get("PASS_ENCAISSEMENT_DELAI_JOURS", "3"))

# Wagtail
WAGTAIL_SITE_NAME = PLATFORM_NAME
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Accounts change through the espace pro's services only (inclusion/admin_comptes.py closes
# Wagtail's Users and Groups): not the admin's own address and password forms either.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False  # the address changes through a link (Mon compte)
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # the password through set_new_password
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_LOGIN_URL = "pro:connexion"
# No avatars from gravatar.com: the admin loads nothing from another origin (its CSP), and
# the hashes of the staff's e-mails stay here.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Behind a reverse proxy: its addresses (IPs or networks, comma-separated). Only then is the
# client address read from X-Forwarded-For (per-address rate limits of the public site).
INCLUSION_TRUSTED_PROXIES = env_list("INCLUSION_TRUSTED_PROXIES")

# Map tiles of the places page (Leaflet). Empty: no map, the list alone (it is complete).
# e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png — its origin is added to the CSP.
LEAFLET_TILES_URL = os.environ.get("INCLUSION_TILES_URL", "")
LEAFLET_TILES_ATTRIBUTION = os.environ.get(
    "INCLUSION_TILES_ATTRIBUTION", "© les contributeurs d'OpenStreetMap"
)
_tiles_origin = (
    "{0.scheme}://{0.netloc}".format(urlsplit(LEAFLET_TILES_URL.replace("{s}", "*")))
    if LEAFLET_TILES_URL
    else ""
)

# Content-Security-Policy: strict everywhere we render (no inline script or style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_tiles_origin] if _tiles_origin else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The Wagtail admin's own policy (inclusion.middleware.AdminPolicyMiddleware), as strict as
# Wagtail 7.4 allows, measured on its screens in Chromium (tests/browser/test_admin_csp.py):
# its form widgets still start with inline <script> (date and chooser fields) and its
# libraries add <style> and style= attributes, so both allow inline code; nothing may come from
# another origin, and no inline event handler runs but the focal-point cropper's feature test
# (onX="return;"). Previews are framed by the admin itself.
CONTENT_SECURITY_POLICY_ADMIN = {
    "URL_PREFIX": "/admin/",
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "script-src-attr": [
            "'unsafe-hashes'",
            "'sha256-i+qr4lq34KgNHiW62lWi9aInEBwiEOrfCzaNPCvkqD8='",  # return;
        ],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# Security headers; the production block below tightens transport security.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
# Sessions live in the database, so that signing out ends them in every process. They are
# read through the cache (one query less per page) only when that cache is shared by every
# process (Redis): a per-process memory cache would keep a signed-out session alive elsewhere.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if os.environ.get("REDIS_URL")
    else "django.contrib.sessions.backends.db"
)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "inclusion.views.public.csrf_failure"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer may probe the health URLs over plain HTTP, straight to gunicorn.
    SECURE_REDIRECT_EXEMPT = [r"^sante/"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs never carry personal data: no request bodies, no phone numbers, no names.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
# INCLUSION_LOGS_JSON=1: one JSON object per line (time, level, logger, message), for a log
# collector. Same content as the plain format: still no personal data.
if env_bool("INCLUSION_LOGS_JSON", False):
    LOGGING["formatters"]["json"] = {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    }
    LOGGING["handlers"]["console"]["formatter"] = "json"

# Error reporting (Sentry or a compatible service such as GlitchTip) when SENTRY_DSN is set;
# nothing personal is sent (inclusion/observabilite.py scrubs the events).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from inclusion.observabilite import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", ""),
        release=os.environ.get("SENTRY_RELEASE", ""),
    )

# Readiness (/sante/pret/, issue 19): the thresholds past which a part is reported late, in
# minutes, each overridable (INCLUSION_SANTE_<KEY>).
INCLUSION_SANTE = {
    key: int(os.environ.get(f"INCLUSION_SANTE_{key.upper()}", str(default)))
    for key, default in {
        # The worker ran its heartbeat task within this time.
        "worker": 10,
        # The periodic command (travaux_periodiques) finished a pass within this time.
        "periodique": 15,
        # The oldest SMS due to be sent (window open, retry time passed) waits no longer.
        "sms": 30,
    }.items()
}
# The periodic command's lease: a host that dies mid-pass frees it after this many minutes.
INCLUSION_VERROU_MINUTES = int(os.environ.get("INCLUSION_VERROU_MINUTES", "30"))
# Tasks RUNNING longer than this (and older than the worker's last heartbeat) were left by a
# dead worker: the periodic work marks them FAILED (inclusion/services/taches_orphelines.py).
INCLUSION_TACHES_ORPHELINES_MINUTES = int(
    os.environ.get("INCLUSION_TACHES_ORPHELINES_MINUTES", "60")
)
# Dashboards (mediation.services.pilotage_instantanes): a scope whose dashboard takes longer
# than this to compute is computed by the worker and shown as last computed; figures older
# than the freshness bound are computed again.
INCLUSION_PILOTAGE_DIRECT_SECONDES = float(
    os.environ.get("INCLUSION_PILOTAGE_DIRECT_SECONDES", "1")
)
INCLUSION_PILOTAGE_FRAICHEUR_MINUTES = int(
    os.environ.get("INCLUSION_PILOTAGE_FRAICHEUR_MINUTES", "30")
)


# --- Open data and the public read API (issue 17) ------------------------------------------
CORS_URLS_REGEX = r"^/(api/v1|opendata)/.*$"
CORS_ALLOW_ALL_ORIGINS = True  # public, read-only data; no cookie is ever sent with it
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_LIMITE_ANONYME", "120/min"),
        "jeton": os.environ.get("API_LIMITE_JETON", "600/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Inclusion numérique — API publique",
    "DESCRIPTION": (
        "Lieux de médiation numérique, thèmes et sessions d'ateliers à venir, jeux de données "
        "ouverts (lecture seule) ; agrégats d'activité pour les financeurs (jeton)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {"ServiceEnum": "inclusion.enums.ServiceMediation"},
    # Its deploy check describes the whole site, Wagtail's admin API included (which cannot
    # be described); our API's own description (mediation/api/urlconf.py) is validated, with
    # no warning, by tests/mediation/test_api_schema.py.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}
